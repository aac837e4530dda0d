"""Two web processes and two Celery workers sharing PostgreSQL and Redis.

This is the academy on several machines: a booking burst spread over both web
processes books each slot exactly once, a double submit to both books once,
and both workers sending reminders at the same time send each exactly once.
"""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from academy.models import Notification
from mentorship.models import Booking, BookingStatus, Reminder
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor
from tests.reliability.helpers import (
    all_reminders_sent,
    assert_each_sent_once,
    booking_form,
    due_reminders,
    outbox_counter,
    outbox_sent,
    slot,
)
from tests.reliability.stack import Visitor, wait_for

pytestmark = pytest.mark.postgres

SLOTS = 4
PER_SLOT = 6


@pytest.fixture(scope="module")
def nodes(private_redis, app_database_url, production):
    stack = production(app_database_url, private_redis.url(0))
    stack.webs = stack.start(stack.web("web-a"), stack.web("web-b"))
    stack.workers = stack.start(stack.worker("worker-a"), stack.worker("worker-b"))
    return stack


def test_a_booking_burst_over_two_web_processes_books_each_slot_once(postgres_db, nodes):
    nodes.clear_mailbox()  # the tests of this module share the nodes, in any order
    profile = open_mentor()
    starts = [slot(3, 9 + n) for n in range(SLOTS)]
    path = reverse("mentorship:book", args=[profile.pk])
    attempts = []
    for number in range(SLOTS * PER_SLOT):
        web = nodes.webs[number % 2]
        visitor = Visitor.logged_in(web.url, shopkeeper())
        visitor.get(path)  # the CSRF cookie, as the booking page gives it
        attempts.append((visitor, booking_form(starts[number % SLOTS], token=f"t{number}")))
    # One more mentee taps twice, and the two taps reach different web processes.
    twice = shopkeeper()
    taps = [Visitor.logged_in(web.url, twice) for web in nodes.webs]
    for tap in taps:
        tap.get(path)
    double = booking_form(slot(4, 10), token="same-tap")
    attempts += [(tap, double) for tap in taps]

    with ThreadPoolExecutor(len(attempts)) as pool:
        responses = list(pool.map(lambda a: a[0].post(path, a[1], timeout=30), attempts))

    statuses = Counter(r.status_code for r in responses)
    assert statuses == {302: SLOTS + 2, 409: SLOTS * (PER_SLOT - 1)}, statuses
    refused = [r for r in responses if r.status_code == 409]
    assert all("这个时间刚刚被预约了" in r.text for r in refused), refused[0].text[:3000]
    bookings = Booking.objects.filter(status=BookingStatus.CONFIRMED)
    assert sorted(b.start for b in bookings.exclude(mentee=twice)) == starts
    # The double tap: one booking, and both taps land on it.
    (booked_twice,) = bookings.filter(mentee=twice)
    detail = reverse("mentorship:booking", args=[booked_twice.pk])
    assert [r.headers["Location"] for r in responses[-2:]] == [detail, detail]
    # Both workers relay the booking notices: each e-mail goes out once.
    wait_for(outbox_sent, 30, message="the booking e-mails to be relayed")
    assert_each_sent_once(nodes.sent_emails(), outbox_counter().elements())
    assert len(nodes.sent_emails()) == 2 * (SLOTS + 1)


def test_two_workers_send_each_reminder_once(postgres_db, nodes):
    nodes.clear_mailbox()
    rows = due_reminders(10)
    for _ in range(3):
        for _worker in nodes.workers:
            nodes.send_task("mentorship.tasks.send_due_reminders")
    wait_for(all_reminders_sent, 60, interval=0.5, message="every reminder to be sent")
    wait_for(outbox_sent, 30, message="the reminder e-mails to be relayed")

    assert Reminder.objects.filter(sent_at__isnull=False).count() == len(rows)
    assert Notification.objects.count() == len(rows)
    assert_each_sent_once(nodes.sent_emails(), outbox_counter().elements())
    assert len(nodes.sent_emails()) == len(rows)
    # Both workers took part.
    for name in ("worker-a", "worker-b"):
        assert "send_due_reminders" in nodes.log(name)
