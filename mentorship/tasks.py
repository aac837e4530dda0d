"""Periodic tasks of mentorship: thin, idempotent wrappers run by the single beat."""

from celery import shared_task

from mentorship import services


@shared_task
def send_due_reminders():
    """Send reminders that are due; safe to run twice at once."""
    return services.send_due_reminders()


@shared_task
def announce_bookings():
    """Write the follow-ups of bookings whose request stopped before it did; each once."""
    return services.announce_pending_bookings()


@shared_task
def send_message_digests():
    """Announce messages left unread; each message at most once."""
    return services.send_digests()


# The Star Leader Program's tasks live in its package; importing registers them.
from mentorship.starleader import tasks as starleader_tasks  # noqa: E402, F401
