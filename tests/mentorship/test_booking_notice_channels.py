"""A booking while the broker is down: it succeeds at once; the periodic relay sends its notices."""

import re
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from academy import devoutbox, tasks
from academy.celery import app as celery_app
from academy.models import Delivery, Notification, OutboundEmail
from mentorship.models import Booking
from tests.academy import notice_backends
from tests.academy.factories import shopkeeper
from tests.academy.notice_backends import link_wechat
from tests.mentorship.factories import open_mentor

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_booking_made_while_the_broker_is_down_is_quick_and_told_by_the_periodic_relay(
    client, settings, monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    settings.WEIXIN_MP_APP_ID = notice_backends.APP_ID
    today = timezone.localdate(timezone.now(), BEIJING)
    time_machine.move_to(datetime.combine(today, clock(10), tzinfo=BEIJING), tick=True)
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    profile = open_mentor()
    mentee = shopkeeper()
    link_wechat(mentee, "o-mentee")
    client.force_login(mentee)
    start = datetime.combine(today + timedelta(days=2), clock(10), tzinfo=BEIJING).astimezone(UTC)
    url = (
        reverse("mentorship:book", args=[profile.pk])
        + f"?start={quote(start.isoformat())}&minutes=60"
    )
    page = client.get(url).content.decode()
    fields = dict(re.findall(r'name="(start|minutes|token)" value="([^"]*)"', page))
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentorship:book", args=[profile.pk]), fields)
    assert time.monotonic() - started < 3
    assert response.status_code == 302
    assert Booking.objects.count() == 1
    # Nothing went out: in the academy at once, the rest waits for the relays.
    assert Notification.objects.filter(kind="booking_confirmed").count() == 2
    row = Delivery.objects.get()
    assert (row.user, row.channel, row.status) == (mentee, "wechat", "pending")
    assert devoutbox.read() == []
    # The beat's periodic relays (run here as beat would) send them.
    assert tasks.send_pending_notices() == 1
    assert tasks.send_pending_emails() == 2
    [message] = devoutbox.read(channel="wechat")
    assert message["to"] == "o-mentee" and str(profile.user) in message["text"]
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
