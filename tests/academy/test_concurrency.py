"""Notices and the e-mail relay under concurrency, on PostgreSQL."""

import pytest
from django.core import mail

from academy import services
from academy.models import Notification, OutboundEmail
from tests.academy.factories import shopkeeper
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.postgres


def test_twenty_racing_sends_of_one_notice_store_it_once(postgres_db):
    user = shopkeeper()
    results = run_concurrently(
        lambda: services.notify(user, key="booking:42:confirmed", title="预约成功"),
        [()] * 20,
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    assert Notification.objects.filter(key="booking:42:confirmed").count() == 1
    assert OutboundEmail.objects.filter(key="booking:42:confirmed").count() == 1


def test_four_relays_at_once_send_each_e_mail_exactly_once(postgres_db):
    OutboundEmail.objects.bulk_create(
        OutboundEmail(key=f"notice:{n}", to="a@example.com", subject=f"通知 {n}", body="")
        for n in range(60)
    )
    results = run_concurrently(lambda: services.send_due_emails(limit=25), [()] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    # Whatever the split between relays, every row went out exactly once.
    assert sum(results) == 60
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == 60
    assert sorted(m.subject for m in mail.outbox) == sorted(f"通知 {n}" for n in range(60))
