"""Mentorship models: schedules, assignments, bookings, notes, goals and messages."""

from mentorship.models.bookings import (
    ACTIVE_STATUSES,
    AssignmentStatus,
    Booking,
    BookingEvent,
    BookingStatus,
    CancelReason,
    EventKind,
    MentorAssignment,
    ProposalStatus,
    Reminder,
    RescheduleProposal,
)
from mentorship.models.followup import (
    CalendarFeed,
    Goal,
    GoalComment,
    GoalStatus,
    GoalUpdate,
    Message,
    NoteVisibility,
    SessionNote,
    Thread,
)
from mentorship.models.schedule import (
    SESSION_LENGTHS,
    AvailabilityOverride,
    AvailabilityRule,
    MeetingMethod,
    MentorSchedule,
    OverrideKind,
    Weekday,
)

__all__ = [
    "ACTIVE_STATUSES",
    "SESSION_LENGTHS",
    "AssignmentStatus",
    "AvailabilityOverride",
    "AvailabilityRule",
    "Booking",
    "BookingEvent",
    "BookingStatus",
    "CalendarFeed",
    "CancelReason",
    "EventKind",
    "Goal",
    "GoalComment",
    "GoalStatus",
    "GoalUpdate",
    "MeetingMethod",
    "MentorAssignment",
    "MentorSchedule",
    "Message",
    "NoteVisibility",
    "OverrideKind",
    "ProposalStatus",
    "Reminder",
    "RescheduleProposal",
    "SessionNote",
    "Thread",
    "Weekday",
]

# The Star Leader Program's models live beside its services and views.
from mentorship.starleader.models import (
    ActionPlan,
    Application,
    ApplicationEvent,
    Attendance,
    CheckInCode,
    ClassSession,
    Cohort,
    CohortPage,
    Feedback,
)

__all__ += [
    "ActionPlan",
    "Application",
    "ApplicationEvent",
    "Attendance",
    "CheckInCode",
    "ClassSession",
    "Cohort",
    "CohortPage",
    "Feedback",
]
