"""Reminders: database rows claimed by the beat task, each sent once, never for an old time."""

from datetime import timedelta

import pytest
from django.core import mail

from academy import services as academy_services
from academy.models import Notification
from mentorship import services, tasks
from mentorship.models import Reminder
from mentorship.services import reminders
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor, utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 12, 1, 0, 0)
START = utc(2026, 12, 3, 1, 0)  # Thursday 09:00 in Shanghai


@pytest.fixture(autouse=True)
def _at_now(time_machine):
    """These tests use fixed dates: travel there first, so model defaults agree with NOW."""
    time_machine.move_to(NOW, tick=False)


def reminder_notices():
    return Notification.objects.filter(key__startswith="mentorship:reminder:")


def test_running_the_task_twice_sends_each_reminder_once(time_machine):
    profile = open_mentor()
    mentee = shopkeeper()
    services.book_session(mentee, profile, START, 60, now=NOW)
    day_before = START - timedelta(hours=24)
    time_machine.move_to(day_before, tick=False)
    assert tasks.send_due_reminders() == 2  # the 24-hour reminder, to both sides
    assert tasks.send_due_reminders() == 0
    assert reminder_notices().count() == 2
    academy_services.send_due_emails()
    sent = [m for m in mail.outbox if "提醒" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted([mentee.email, profile.user.email])
    # An hour before: the 1-hour reminder, once.
    time_machine.move_to(START - timedelta(minutes=59), tick=False)
    assert tasks.send_due_reminders() == 2
    assert tasks.send_due_reminders() == 0
    assert reminder_notices().count() == 4


def test_a_reminder_row_sent_twice_by_a_retried_task_gives_one_notice():
    profile = open_mentor()
    booking = services.book_session(shopkeeper(), profile, START, 60, now=NOW)
    row = Reminder.objects.filter(booking=booking, minutes_before=60).first()
    from mentorship.services import notices

    assert notices.reminder(row) is True
    assert notices.reminder(row) is False  # same key: a duplicate delivery is a no-op
    assert reminder_notices().count() == 1


def test_a_rescheduled_session_never_gets_the_old_reminder():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, START, 60, now=NOW)
    new_start = START + timedelta(days=2)
    services.reschedule_booking(booking, mentee, new_start, 60, now=NOW)
    # At the old reminder times nothing goes out.
    assert reminders.send_due(now=START - timedelta(hours=24)) == 0
    assert reminders.send_due(now=START - timedelta(minutes=30)) == 0
    assert not reminder_notices().exists()
    # At the new ones, the new time is announced.
    assert reminders.send_due(now=new_start - timedelta(hours=24)) == 2
    body = reminder_notices().first().body
    assert "2026-12-05" in body


def test_a_session_moved_after_its_reminder_is_reminded_again_at_the_new_time(time_machine):
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, START, 60, now=NOW)
    time_machine.move_to(START - timedelta(hours=24), tick=False)
    assert reminders.send_due() == 2  # the 24-hour reminders of the first time
    new_start = START + timedelta(days=2)
    services.reschedule_booking(booking, mentee, new_start, 60)
    time_machine.move_to(new_start - timedelta(hours=24), tick=False)
    assert reminders.send_due() == 2
    # Both sides got a second notice, announcing the new time.
    for user in (mentee, profile.user):
        notices = list(reminder_notices().filter(user=user).order_by("id"))
        assert len(notices) == 2
        assert "2026-12-05" in notices[-1].body and "2026-12-03" in notices[0].body
    academy_services.send_due_emails()
    sent = [m for m in mail.outbox if "提醒" in m.subject and m.to == [mentee.email]]
    assert len(sent) == 2


def test_a_stale_row_is_skipped_even_if_it_was_not_cancelled():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, START, 60, now=NOW)
    # Simulate a row of an older revision left pending (e.g. written by an older release).
    Reminder.objects.filter(booking=booking).update(sequence=0)
    booking.sequence = 3
    booking.save(update_fields=["sequence"])
    assert reminders.send_due(now=START - timedelta(hours=24)) == 0
    assert not reminder_notices().exists()


def test_a_cancelled_session_gets_no_reminder():
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, START, 60, now=NOW)
    services.cancel_booking(booking, mentee, "not_needed", now=NOW)
    assert reminders.send_due(now=START - timedelta(minutes=30)) == 0
    assert not reminder_notices().exists()


def test_after_a_beat_outage_only_the_nearest_reminder_is_sent():
    profile = open_mentor()
    services.book_session(shopkeeper(), profile, START, 60, now=NOW)
    # Beat was down for a day: both reminders are due now; only the 1-hour one is useful.
    assert reminders.send_due(now=START - timedelta(minutes=30)) == 2
    sent = Reminder.objects.filter(sent_at__isnull=False)
    assert sorted(sent.values_list("minutes_before", flat=True)) == [60, 60]
    assert reminder_notices().count() == 2
    assert reminders.send_due(now=START - timedelta(minutes=20)) == 0


def test_a_session_booked_at_short_notice_gets_no_past_due_reminders():
    profile = open_mentor()
    services.book_session(shopkeeper(), profile, utc(2026, 12, 1, 3, 0), 60, now=NOW)
    assert set(Reminder.objects.values_list("minutes_before", flat=True)) == {60}


def test_the_offsets_are_configurable(settings):
    settings.MENTORSHIP_REMINDER_MINUTES = [120]
    profile = open_mentor()
    services.book_session(shopkeeper(), profile, START, 60, now=NOW)
    assert set(Reminder.objects.values_list("minutes_before", flat=True)) == {120}


def test_the_beat_schedule_runs_the_reminder_task_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["mentorship-send-due-reminders"]
    assert entry["task"] == "mentorship.tasks.send_due_reminders"
    assert entry["schedule"].minute == set(range(60))


def test_a_reminder_that_keeps_failing_does_not_block_the_others(monkeypatch):
    profile = open_mentor()
    poisoned = services.book_session(shopkeeper(), profile, START, 60, now=NOW)
    healthy = services.book_session(shopkeeper(), profile, START + timedelta(hours=2), 60, now=NOW)
    from mentorship.services import notices

    real = notices.reminder

    def flaky(row):
        if row.booking_id == poisoned.pk:
            raise RuntimeError("template broken")
        return real(row)

    monkeypatch.setattr(notices, "reminder", flaky)
    due = START - timedelta(minutes=30)
    # The healthy session's 24-hour reminders go out to both sides all the same.
    assert reminders.send_due(now=due) == 2
    assert Reminder.objects.filter(booking=healthy, sent_at__isnull=False).count() == 2
    for _ in range(reminders.MAX_ATTEMPTS):
        reminders.send_due(now=due)
    row = Reminder.objects.filter(booking=poisoned, minutes_before=60).first()
    assert row.attempts == reminders.MAX_ATTEMPTS
    assert row.cancelled_at is not None and "template broken" in row.last_error
    assert (
        not reminder_notices()
        .filter(key__startswith=f"mentorship:reminder:{poisoned.pk}:")
        .exists()
    )
