"""Use cases of mentorship, one function each (see the modules for the invariants)."""

from mentorship.services.assignments import assign_mentee, end_assignment
from mentorship.services.booking import (
    accept_proposal,
    book_session,
    cancel_booking,
    capacity_refusal,
    decline_proposal,
    mark_attendance,
    propose_new_time,
    reschedule_booking,
)
from mentorship.services.followup import (
    add_action_item,
    add_note,
    comment_on_goal,
    create_goal,
    feed_of,
    mark_read,
    messaging_open,
    record_progress,
    reset_feed,
    revoke_feed,
    send_digests,
    send_message,
    set_goal_status,
    thread_for,
)
from mentorship.services.reminders import send_due as send_due_reminders

__all__ = [
    "accept_proposal",
    "add_action_item",
    "add_note",
    "assign_mentee",
    "book_session",
    "cancel_booking",
    "capacity_refusal",
    "comment_on_goal",
    "create_goal",
    "decline_proposal",
    "end_assignment",
    "feed_of",
    "mark_attendance",
    "mark_read",
    "messaging_open",
    "propose_new_time",
    "record_progress",
    "reschedule_booking",
    "reset_feed",
    "revoke_feed",
    "send_digests",
    "send_due_reminders",
    "send_message",
    "set_goal_status",
    "thread_for",
]
