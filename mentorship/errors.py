"""Domain errors of mentorship, each with a message the user can read and a code.

The Star Leader Program adds its own (``mentorship.starleader.errors``).
"""

from django.utils.translation import gettext_lazy as _

from academy.errors import DomainError
from mentorship.slots import Refusal


class MentorshipError(DomainError):
    """A refused mentorship request: nothing was changed."""


class BookingError(MentorshipError):
    """A session that cannot be booked, moved, cancelled or marked as asked."""


class NotAllowed(BookingError):
    """The user may not do this with this mentor or session at all."""

    default_message = _("You cannot book this mentor.")
    default_code = "not_allowed"


class AssignmentError(MentorshipError):
    """An assignment of a mentee to a mentor that cannot be made or ended."""


class ScheduleError(MentorshipError):
    """Booking settings, weekly hours or a date override that cannot be saved."""


class FollowUpError(MentorshipError):
    """A note, goal, comment or message that cannot be saved."""


REFUSAL_MESSAGES = {
    Refusal.LENGTH: _("This mentor does not offer sessions of that length."),
    Refusal.PAST: _("That time has already passed. Please pick another time."),
    Refusal.NOTICE: _(
        "That time is too soon: this mentor needs more notice. Please pick a later time."
    ),
    Refusal.HORIZON: _("That time is too far ahead: this mentor cannot be booked that early."),
    Refusal.PERIOD: _("That day is outside your mentoring period with this mentor."),
    Refusal.OUTSIDE_HOURS: _("That time is outside the mentor's available hours."),
    Refusal.NOT_OFFERED: _(
        "That is not one of the times the mentor offers. Please pick a time from the list."
    ),
    Refusal.TAKEN: _("Sorry, this time was just taken. Please pick another time."),
    Refusal.MENTEE_BUSY: _("You already have a session at that time."),
    Refusal.DAILY_LIMIT: _("The mentor is fully booked that day. Please pick another day."),
    Refusal.WEEKLY_LIMIT: _(
        "You have reached this mentor's limit of sessions per week for that week."
    ),
    Refusal.SESSION_LIMIT: _("You have used all sessions of your mentoring period."),
}


def refused(reason):
    return BookingError(REFUSAL_MESSAGES[reason], reason.value)


def slot_taken():
    return refused(Refusal.TAKEN)
