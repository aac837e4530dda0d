"""Relays racing on PostgreSQL (real SKIP LOCKED, threads): every notice once per channel."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from academy import devoutbox, services
from academy.celery import app as celery_app
from academy.models import Delivery
from academy.notices import delivery
from tests.academy import notice_backends
from tests.academy.factories import shopkeeper
from tests.academy.notice_backends import link_wechat, verify_phone
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.postgres

BEIJING = ZoneInfo("Asia/Shanghai")


def test_two_relays_racing_send_each_notice_once_per_channel(
    postgres_db, settings, time_machine, monkeypatch
):
    # The broker is down: nothing is sent on commit, the periodic relays send it all.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    settings.WEIXIN_MP_APP_ID = notice_backends.APP_ID
    settings.ACADEMY_SMS_DAILY_LIMIT_PER_USER = 100
    day = timezone.localdate(timezone.now(), BEIJING) + timedelta(days=1)
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING), tick=True)
    on_wechat = [shopkeeper() for _ in range(4)]
    for user in on_wechat:
        link_wechat(user, f"o-race-{user.pk}")
    by_sms = [verify_phone(shopkeeper(), f"+86138001{n:05d}") for n in range(4)]
    for number in range(30):
        for user in on_wechat + by_sms:
            services.notify(
                user,
                key=f"race:{number}:{user.pk}",
                title="辅导已预约",
                kind="booking_confirmed",
                context={"name": "王老师", "when": "10:00"},
                email=False,
            )
    assert Delivery.objects.count() == 240

    def relay():
        return delivery.send_due(limit=20, batches=50)

    results = run_concurrently(relay, [()] * 2)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == 240
    assert all(r > 0 for r in results)  # both relays took part
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
    outbox = devoutbox.read(limit=1000)
    assert len(outbox) == 240
    per_recipient = Counter(m["to"] for m in outbox)
    assert set(per_recipient.values()) == {30}
    assert Counter(m["channel"] for m in outbox) == {"wechat": 120, "sms": 120}


def test_two_relays_racing_keep_her_daily_sms_limit(
    postgres_db, settings, time_machine, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    settings.ACADEMY_SMS_DAILY_LIMIT_PER_USER = 3
    day = timezone.localdate(timezone.now(), BEIJING) + timedelta(days=1)
    time_machine.move_to(datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING), tick=True)
    user = verify_phone(shopkeeper(), "+8613800191234")
    for number in range(12):
        services.notify(
            user,
            key=f"cap:{number}",
            title="辅导已预约",
            kind="booking_confirmed",
            context={"name": "王老师", "when": "10:00"},
            email=False,
        )

    def relay():
        return delivery.send_due(limit=2, batches=20)

    results = run_concurrently(relay, [()] * 2)
    assert sum(results) == 3, results
    assert len(devoutbox.read(channel="sms")) == 3
    assert Counter(Delivery.objects.values_list("status", flat=True)) == {
        "sent": 3,
        "skipped": 9,
    }
