"""In-site notices and the e-mail outbox: each notice at most once."""

from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from academy import services
from academy.models import Notification, OutboundEmail
from tests.academy.factories import shopkeeper

pytestmark = pytest.mark.django_db


def test_the_same_notice_twice_is_sent_once(django_capture_on_commit_callbacks):
    user = shopkeeper()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(
            user, key="welcome:1", title="欢迎", body="欢迎来到商学院", url="/me/"
        )
        assert not services.notify(user, key="welcome:1", title="欢迎", body="欢迎来到商学院")
    assert Notification.objects.filter(user=user).count() == 1
    # The relay ran once after commit (eagerly in tests); running it again sends nothing more.
    assert services.send_due_emails() == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "欢迎" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/me/" in mail.outbox[0].body


def test_an_e_mail_that_fails_is_retried_later_and_then_sent(monkeypatch):
    user = shopkeeper()
    services.notify(user, key="k", title="提醒")
    monkeypatch.setattr("django.core.mail.EmailMessage.send", lambda self: 1 / 0)
    assert services.send_due_emails() == 0
    row = OutboundEmail.objects.get()
    assert (
        row.sent_at is None and row.attempts == 1 and "ZeroDivisionError" in row.last_error
    ) or row.last_error
    monkeypatch.undo()
    # Not due yet: the claim pushed it five minutes ahead.
    assert services.send_due_emails() == 0
    OutboundEmail.objects.update(next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC))
    assert services.send_due_emails() == 1
    assert len(mail.outbox) == 1


def test_a_notice_rolled_back_with_its_cause_is_never_sent():
    from django.db import transaction

    user = shopkeeper()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(user, key="booking:1", title="预约成功")
        raise RuntimeError("booking failed")
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_notices_page_shows_only_my_notices_in_my_time_zone(client):
    me = shopkeeper(user__time_zone="America/New_York")
    other = shopkeeper()
    services.notify(me, key="mine", title="我的通知", email=False)
    services.notify(other, key="theirs", title="别人的通知", email=False)
    Notification.objects.filter(key="mine").update(
        created_at=datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    )
    client.force_login(me.shopkeeper_profile.user)
    page = client.get(reverse("notifications")).content.decode()
    assert "我的通知" in page
    assert "别人的通知" not in page
    assert "2026-11-28 07:00" in page  # 12:00 UTC is 07:00 in New York

    response = client.post(reverse("notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).exists()


def test_a_dead_broker_costs_one_attempt_not_one_per_notice(
    monkeypatch, django_capture_on_commit_callbacks
):
    import time

    from academy import tasks
    from academy.celery import app as celery_app

    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setattr(services, "_broker_failed_at", None)
    attempts = []
    publish = tasks.send_pending_emails.delay

    def counting_delay(*args, **kwargs):
        attempts.append(1)
        return publish(*args, **kwargs)

    monkeypatch.setattr(tasks.send_pending_emails, "delay", counting_delay)
    user = shopkeeper()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for number in range(3):
            services.notify(user, key=f"booking:{number}", title="预约成功")
    kicks = [c for c in callbacks if c is services._kick_email_relay]
    assert len(kicks) == 1  # one kick for the whole transaction
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user, key="booking:later", title="预约已改期")
    assert time.monotonic() - started < 3
    # The second transaction does not try the broker that just refused.
    assert len(attempts) == 1
    # Nothing is lost: the periodic relay sends all four.
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 4
    assert services.send_due_emails() == 4
