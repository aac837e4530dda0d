"""A Celery worker killed (SIGKILL) in the middle of a reminder batch.

The batch is one transaction: the test holds back one reminder's notice (an
uncommitted row with its key), so the worker is stuck half-way through, with
notices written, when it is killed. A new worker then sends every reminder
exactly once: in-site notices and e-mails.
"""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from academy.models import Notification
from mentorship.models import Reminder
from tests.reliability.helpers import (
    all_reminders_sent,
    assert_each_sent_once,
    due_reminders,
    outbox_counter,
    outbox_sent,
)
from tests.reliability.stack import wait_for

pytestmark = pytest.mark.postgres

BOOKINGS = 12


def reminder_key(row):
    return (
        f"mentorship:reminder:{row.booking_id}:{row.recipient_id}:"
        f"{row.minutes_before}:{row.sequence}"
    )


class HeldNotice(threading.Thread):
    """An uncommitted notice with a reminder's key: whoever writes that key waits for us."""

    def __init__(self, row):
        super().__init__(daemon=True)
        self.row = row
        self.holding = threading.Event()
        self.release = threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user_id=self.row.recipient_id, key=reminder_key(self.row), title="held"
                )
                self.holding.set()
                self.release.wait(60)
                transaction.set_rollback(True)
        finally:
            connection.close()


def waiting_on_lock(database):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [database],
        )
        return cursor.fetchone()[0]


def test_reminders_are_sent_once_after_a_worker_dies_mid_batch(
    postgres_db, private_redis, app_database_url, production
):
    stack = production(app_database_url, private_redis.url(0))
    (worker,) = stack.start(stack.worker("worker-1"))
    rows = due_reminders(BOOKINGS)
    held = HeldNotice(rows[len(rows) // 2])
    held.start()
    assert held.holding.wait(10)

    # Beat's tick: the worker claims every due reminder and gets stuck half-way.
    stack.send_task("mentorship.tasks.send_due_reminders")
    database = connection.settings_dict["NAME"]
    wait_for(lambda: waiting_on_lock(database), 30, message="the batch to reach the held notice")
    stack.kill(worker)
    held.release.set()
    held.join(10)

    # Nothing of the half-done batch was kept.
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    assert not Notification.objects.exists()

    stack.start(stack.worker("worker-2"))

    def tick_until_sent():
        # Beat ticks every minute; here every second.
        if all_reminders_sent():
            return True
        stack.send_task("mentorship.tasks.send_due_reminders")
        return False

    wait_for(tick_until_sent, 60, interval=1, message="every reminder to be sent")
    wait_for(outbox_sent, 30, message="the reminder e-mails to be relayed")

    # Every reminder once: its in-site notice and its e-mail, to each person.
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == sorted(reminder_key(row) for row in rows)
    assert_each_sent_once(stack.sent_emails(), outbox_counter().elements())
    recipients = sorted(to for to, _subject in stack.sent_emails())
    assert len(recipients) == len(rows) == len(set(recipients))
    assert Reminder.objects.filter(sent_at__lte=timezone.now()).count() == len(rows)
