"""Builders and checks shared by the fault tests."""

from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from academy.models import OutboundEmail
from mentorship.models import Reminder
from mentorship.services import reminders
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import MentorScheduleFactory, make_booking

SHANGHAI = ZoneInfo("Asia/Shanghai")


def slot(days_ahead, hour, minute=0):
    """A time offered by ``open_mentor`` (09:00–17:00 in Shanghai, every day)."""
    day = timezone.now().astimezone(SHANGHAI).date() + timedelta(days=days_ahead)
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def booking_form(start, minutes=30, token=""):
    return {"start": start.isoformat(), "minutes": str(minutes), "token": token, "agenda": "朋友圈"}


def due_reminders(bookings):
    """``bookings`` sessions starting in half an hour, each with both reminders overdue.

    Each has its own mentor and mentee, so every person gets exactly one reminder.
    """
    now = timezone.now()
    for _ in range(bookings):
        profile = MentorScheduleFactory().mentor
        booking = make_booking(profile, shopkeeper(), start=now + timedelta(minutes=30), minutes=30)
        # Planned two hours ago: the one-hour reminders are due now.
        reminders.schedule(booking, now=now - timedelta(hours=2))
    rows = list(Reminder.objects.order_by("booking_id", "recipient_id", "minutes_before"))
    assert len(rows) == 2 * bookings
    return rows


def all_reminders_sent():
    return not Reminder.objects.filter(sent_at__isnull=True, cancelled_at__isnull=True).exists()


def outbox_sent():
    return (
        OutboundEmail.objects.exists()
        and not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
    )


def outbox_counter():
    return Counter(OutboundEmail.objects.values_list("to", "subject"))


def assert_each_sent_once(mailbox, expected):
    """Every expected (to, subject) was delivered exactly once, and nothing else."""
    delivered = Counter(mailbox)
    twice = {item: n for item, n in delivered.items() if n > 1}
    assert not twice, f"sent more than once: {twice}"
    expected = Counter(expected)
    missing, extra = expected - delivered, delivered - expected
    assert not missing and not extra, f"not sent: {dict(missing)}; not expected: {dict(extra)}"
