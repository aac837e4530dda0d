"""Reminders and notices to everyone signed up: batches, at most once, resumable, re-planned."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from academy.models import Notification, OutboundEmail
from courses.live import notices, services
from courses.models import LiveNoticeRun, LiveSignup
from tests.academy.factories import UserFactory
from tests.courses.factories import live_session

pytestmark = pytest.mark.django_db


def sign_up_many(session, count):
    users = UserFactory.create_batch(count, verified=False)
    for user in users:
        services.sign_up(user, session)
    return users


def reminders_of(session):
    return Notification.objects.filter(key__startswith=f"live:{session.pk}:reminder")


def test_publishing_plans_the_configured_reminders(live_index, settings):
    settings.LIVE_REMINDER_MINUTES = [24 * 60, 15]
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    runs = LiveNoticeRun.objects.filter(session=session).order_by("-minutes_before")
    assert [(r.kind, r.minutes_before) for r in runs] == [("reminder", 1440), ("reminder", 15)]
    assert runs[0].due_at == session.start - timedelta(hours=24)
    # Publishing again without changes plans nothing new.
    services.sync_schedule(session)
    assert LiveNoticeRun.objects.filter(session=session).count() == 2


def test_a_session_published_at_short_notice_skips_reminders_already_past(live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(hours=2))
    assert list(
        LiveNoticeRun.objects.filter(session=session).values_list("minutes_before", flat=True)
    ) == [15]


def test_reminders_go_out_in_batches_once_each(live_index, django_assert_max_num_queries):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    users = sign_up_many(session, 10)
    at = session.start - timedelta(hours=23)
    # Fixed, whatever the batch size; four of them choose the notices' channels
    # (keys already written, her choices, unusable channels, WeChat links).
    with django_assert_max_num_queries(15):
        assert notices.send_batch(at, batch_size=4) == 4
    assert reminders_of(session).count() == 4
    assert notices.send_due(at, batch_size=4) == 6
    assert reminders_of(session).count() == 10
    assert OutboundEmail.objects.filter(key__startswith=f"live:{session.pk}:reminder").count() == 10
    assert set(reminders_of(session).values_list("user_id", flat=True)) == {u.pk for u in users}
    # Running again (a second beat, a retried task) sends nothing more.
    assert notices.send_due(at, batch_size=4) == 0
    assert reminders_of(session).count() == 10
    run = LiveNoticeRun.objects.get(session=session, minutes_before=1440)
    assert run.finished_at is not None and run.sent == 10


def test_a_worker_dying_mid_batch_loses_nothing_and_repeats_nothing(live_index, monkeypatch):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    users = sign_up_many(session, 11)
    at = session.start - timedelta(hours=23)
    real_deliver = notices.deliver
    calls = []

    def dies_on_the_third_batch(run, batch):
        calls.append(len(batch))
        real_deliver(run, batch)  # the notices are written…
        if len(calls) == 3:
            raise SystemExit("worker killed")  # …and the worker dies before the commit

    monkeypatch.setattr(notices, "deliver", dies_on_the_third_batch)
    with pytest.raises(SystemExit):
        notices.send_due(at, batch_size=3)
    assert reminders_of(session).count() == 6  # two batches committed, the third rolled back
    run = LiveNoticeRun.objects.get(session=session, minutes_before=1440)
    assert run.finished_at is None and run.sent == 6

    monkeypatch.setattr(notices, "deliver", real_deliver)
    assert notices.send_due(at, batch_size=3) == 5
    keys = list(reminders_of(session).values_list("user_id", flat=True))
    assert sorted(keys) == sorted(u.pk for u in users)  # everyone exactly once


def test_the_reminder_text_is_in_the_recipients_zone_and_language(live_index):
    start = (timezone.now() + timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)
    session = live_session(live_index, start=start, title="社群裂变实战")  # 20:00 in Beijing
    beijing = UserFactory(verified=False)
    newyork = UserFactory(verified=False, time_zone="America/New_York", language="en")
    services.sign_up(beijing, session)
    services.sign_up(newyork, session)
    notices.send_due(start - timedelta(hours=23))
    zh = Notification.objects.get(user=beijing, key__contains=":reminder:1440:")
    en = Notification.objects.get(user=newyork, key__contains=":reminder:1440:")
    assert zh.title == "直播即将开始：社群裂变实战"
    assert "20:00（北京时间）" in zh.body and "24 小时后开始" in zh.body
    local = start.astimezone(newyork.zone).strftime("%H:%M")
    assert f"{local} (New York time)" in en.body and "in 24 hours" in en.body


def test_a_moved_session_announces_the_new_time_and_replans_reminders(live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    users = sign_up_many(session, 3)
    old_runs = list(LiveNoticeRun.objects.filter(session=session))
    session.start += timedelta(days=1)
    session.save_revision().publish()  # the page_published signal re-plans
    for run in old_runs:
        run.refresh_from_db()
        assert run.cancelled_at is not None
    now = timezone.now()
    assert notices.send_due(now) == 3
    moved = Notification.objects.filter(key__startswith=f"live:{session.pk}:moved")
    assert moved.count() == 3
    assert "改时间" in moved.first().title
    # The old 24-hour reminder time passes: nothing is sent for the old time.
    assert notices.send_due(now + timedelta(days=1, hours=1)) == 0
    assert not reminders_of(session).exists()
    # The new one goes out at its own time, to everyone still signed up.
    assert notices.send_due(session.start - timedelta(hours=23)) == len(users)


def test_a_cancelled_session_tells_everyone_and_sends_no_reminders(live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    sign_up_many(session, 2)
    session.cancelled = True
    session.save_revision().publish()
    assert notices.send_due(timezone.now()) == 2
    assert Notification.objects.filter(key__contains=":cancelled:").count() == 2
    assert notices.send_due(session.start - timedelta(minutes=10)) == 0
    assert not reminders_of(session).exists()


def test_when_the_beat_was_down_only_the_shorter_reminder_is_sent(live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    sign_up_many(session, 2)
    assert notices.send_due(session.start - timedelta(minutes=10)) == 2
    assert reminders_of(session).count() == 2
    assert reminders_of(session).filter(key__contains=":reminder:15:").count() == 2


def test_late_sign_ups_get_the_reminders_still_to_come(live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(days=2))
    sign_up_many(session, 2)
    notices.send_due(session.start - timedelta(hours=23))
    late = UserFactory(verified=False)
    services.sign_up(late, session)
    assert LiveSignup.objects.filter(session=session).count() == 3
    assert notices.send_due(session.start - timedelta(minutes=14)) == 3
    assert reminders_of(session).filter(user=late).count() == 1


def next_spring_forward(zone, after):
    """The first hour (UTC) after ``after`` at which ``zone`` moves its clocks forward."""
    moment = after.replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(zone).utcoffset()
    while True:
        moment += timedelta(hours=1)
        new_offset = moment.astimezone(zone).utcoffset()
        if new_offset > offset:
            return moment
        offset = new_offset


def test_reminders_across_a_daylight_saving_change_show_each_local_time(live_index, time_machine):
    # Berlin moves its clocks forward at 01:00 UTC on the last Sunday of March;
    # New York did two weeks before. The session starts an hour after Berlin's change.
    change = next_spring_forward(ZoneInfo("Europe/Berlin"), timezone.now())
    time_machine.move_to(change - timedelta(days=5), tick=False)
    start = change + timedelta(hours=1)  # 02:00 UTC, 10:00 in Beijing
    session = live_session(live_index, start=start, title="春季选品")
    berlin = UserFactory(verified=False, time_zone="Europe/Berlin", language="en")
    newyork = UserFactory(verified=False, time_zone="America/New_York", language="en")
    for user in (berlin, newyork):
        services.sign_up(user, session)
    run = LiveNoticeRun.objects.get(session=session, minutes_before=1440)
    assert run.due_at == start - timedelta(hours=24)  # 24 real hours, in UTC
    time_machine.move_to(run.due_at, tick=False)
    assert notices.send_due(run.due_at) == 2
    body = {n.user_id: n.body for n in Notification.objects.filter(key__contains=":1440:")}
    # Sent while Berlin is still on winter time (03:00 there), it names the summer time.
    day, day_before = change.date(), change.date() - timedelta(days=1)
    assert f"{day:%Y-%m-%d} 04:00 (Berlin time)" in body[berlin.pk]
    assert f"{day_before:%Y-%m-%d} 22:00 (New York time)" in body[newyork.pk]


def test_the_periodic_task_sends_what_is_due(live_index, settings):
    from courses.tasks import send_live_notices

    assert settings.CELERY_BEAT_SCHEDULE["courses-send-live-notices"]["task"] == (
        "courses.tasks.send_live_notices"
    )
    session = live_session(live_index, start=timezone.now() + timedelta(minutes=20))
    sign_up_many(session, 2)
    # Five minutes later the 15-minute reminder is due.
    LiveNoticeRun.objects.filter(session=session).update(due_at=timezone.now())
    assert send_live_notices.delay().get() == 2
    assert send_live_notices.delay().get() == 0
