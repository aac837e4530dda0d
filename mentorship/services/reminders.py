"""Reminders before sessions: database rows claimed by a one-minute beat task.

Never Celery ETA/countdown tasks: a broker redelivers those after its visibility
timeout and they would be sent again and again. A row is unique per booking,
recipient, offset and booking revision; sending sets ``sent_at`` in the same
transaction as the notice (itself unique by key), so a retried or duplicated
task, or two workers at once, send each reminder once. A moved booking's old
rows are cancelled, and a row whose booking moved on is skipped, not sent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from academy.claims import claim
from mentorship.models import BookingStatus, Reminder

logger = logging.getLogger(__name__)

# A reminder that fails this often (a poison row) is given up, not retried forever.
MAX_ATTEMPTS = 5


def offsets():
    """Minutes before a session at which both sides are reminded (24 h and 1 h by default)."""
    return sorted(set(getattr(settings, "MENTORSHIP_REMINDER_MINUTES", [24 * 60, 60])))


def schedule(booking, now=None):
    """Plan the reminders of the booking's current revision; cancel those of older ones.

    Rows already planned for this revision stay as they are (one insert for all).
    """
    now = now or timezone.now()
    cancel(booking, now, keep_sequence=booking.sequence)
    if booking.status != BookingStatus.CONFIRMED:
        return []
    rows = [
        Reminder(
            booking=booking,
            recipient_id=recipient_id,
            minutes_before=minutes,
            sequence=booking.sequence,
            due_at=booking.start - timedelta(minutes=minutes),
        )
        for minutes in offsets()
        # Booked at short notice: the confirmation says it all.
        if booking.start - timedelta(minutes=minutes) > now
        for recipient_id in (booking.mentee_id, booking.mentor_id)
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return rows


def cancel(booking, now=None, keep_sequence=None):
    """Cancel reminders not yet sent (of every revision but ``keep_sequence``)."""
    qs = Reminder.objects.filter(booking=booking, sent_at__isnull=True, cancelled_at__isnull=True)
    if keep_sequence is not None:
        qs = qs.exclude(sequence=keep_sequence)
    return qs.update(cancelled_at=now or timezone.now())


def send_due(now=None, limit=200):
    """Send the reminders that are due; returns how many went out.

    Rows are claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL), so
    concurrent runs split the work; on SQLite write transactions are serialised.
    """
    from mentorship.services import notices

    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = claim(
            Reminder.objects.filter(
                sent_at__isnull=True, cancelled_at__isnull=True, due_at__lte=now
            )
            .filter(attempts__lt=MAX_ATTEMPTS)
            .select_related(
                "booking__mentor__mentor_profile__schedule", "booking__mentee", "recipient"
            )
            .order_by("booking_id", "recipient_id", "minutes_before")
        )
        announced = set()
        for row in due[:limit]:
            booking = row.booking
            pair = (row.booking_id, row.recipient_id)
            stale = (
                booking.status != BookingStatus.CONFIRMED
                or booking.sequence != row.sequence
                or booking.start <= now
                # A shorter reminder is due too (the beat was down): send only that one.
                or pair in announced
            )
            if stale:
                row.cancelled_at = now
                row.save(update_fields=["cancelled_at"])
                continue
            try:
                with transaction.atomic():
                    notices.reminder(row)
                    row.sent_at = now
                    row.save(update_fields=["sent_at"])
            except Exception as exc:  # one bad row must not stop the others
                logger.exception("Reminder %s could not be sent", row.pk)
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.cancelled_at = now
                row.save(update_fields=["attempts", "last_error", "cancelled_at"])
                continue
            announced.add(pair)
            sent += 1
    return sent
