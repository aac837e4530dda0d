"""PostgreSQL restarted under light load (a private cluster, never the shared one).

Shopkeepers keep reading their bookings and booking new sessions while the
database restarts. The site may fail for the seconds the database is away, then
recovers by itself: no stale connection is kept (``CONN_HEALTH_CHECKS``), and
every booking is whole: its event, notices and e-mails, or nothing.
"""

import threading
import time

import pytest
import requests
from django.urls import reverse

from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor
from tests.reliability.helpers import booking_form, slot
from tests.reliability.stack import Visitor

pytestmark = pytest.mark.postgres

MENTEES = 8
BEFORE, AFTER = 2.0, 5.0  # seconds of load before and after the restart
RECOVERY = 3.0  # seconds after the database is back by which every request succeeds


class Load(threading.Thread):
    """One shopkeeper's requests in a loop, each outcome recorded with its time."""

    def __init__(self, send, pause):
        super().__init__(daemon=True)
        self.send = send
        self.pause = pause
        self.outcomes = []  # (time, status or None for no answer, response)
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                response = self.send()
            except requests.RequestException:
                response = None
            status = response.status_code if response is not None else None
            self.outcomes.append((time.monotonic(), status, response))
            time.sleep(self.pause)


def test_the_site_recovers_by_itself_after_a_postgres_restart(
    postgres_db, app_database_url, private_postgres, private_redis, production
):
    profile = open_mentor()
    mentees = [shopkeeper() for _ in range(MENTEES)]
    sessions = [Visitor.logged_in("", mentee).cookies for mentee in mentees]
    private_postgres.copy_database(app_database_url, "academy")
    stack = production(private_postgres.url("academy"), private_redis.url(2))
    (web,) = stack.start(stack.web())

    visitors = [Visitor(web.url, cookies) for cookies in sessions]
    path = reverse("mentorship:book", args=[profile.pk])
    for visitor in visitors:
        assert visitor.get(reverse("mentorship:mentor", args=[profile.pk])).status_code == 200
    starts = iter([slot(day, hour, minute) for day in (2, 3, 4) for hour in range(9, 17)
                   for minute in (0, 30)])  # fmt: skip
    count = iter(range(10_000))

    def book():
        number = next(count)
        return visitors[number % MENTEES].post(path, booking_form(next(starts), token=f"b{number}"))

    reads = Load(lambda: visitors[0].get(reverse("mentorship:bookings")), 0.05)
    writes = Load(book, 0.1)
    reads.start()
    writes.start()
    time.sleep(BEFORE)
    down = time.monotonic()
    private_postgres.restart("fast")
    back = time.monotonic()
    time.sleep(AFTER)
    reads.stop.set()
    writes.stop.set()
    reads.join(30)
    writes.join(30)

    outcomes = reads.outcomes + writes.outcomes
    ok = {200, 302}
    failed = [(t, status) for t, status, _ in outcomes if status not in ok]
    assert not [f for f in failed if f[0] < down], "failures before the restart"
    # Errors only while the database was away, and shortly after.
    late = [(round(t - back, 2), status) for t, status in failed if t > back + RECOVERY]
    assert not late, f"still failing after the database came back: {late}"
    for load in (reads, writes):
        recent = [status for t, status, _ in load.outcomes if t > back + RECOVERY]
        assert len(recent) >= 5
        assert set(recent) <= ok

    # A restart while nobody is looking: the next requests find no stale connection.
    private_postgres.restart("fast")
    statuses = [visitors[n % MENTEES].get(reverse("mentorship:bookings")) for n in range(8)]
    assert [r.status_code for r in statuses] == [200] * 8

    # Every booking is whole; every one the site confirmed exists.
    db = private_postgres
    assert int(db.psql("SELECT count(*) FROM mentorship_booking", "academy")) >= 10
    assert (
        db.psql(
            """SELECT b.id FROM mentorship_booking b
           WHERE (SELECT count(*) FROM mentorship_bookingevent e
                  WHERE e.booking_id = b.id AND e.kind = 'booked') <> 1
              OR (SELECT count(*) FROM academy_notification n
                  WHERE n.key LIKE 'mentorship:booking:' || b.id || ':booked:%') <> 2
              OR (SELECT count(*) FROM academy_outboundemail o
                  WHERE o.key LIKE 'mentorship:booking:' || b.id || ':booked:%') <> 2""",
            "academy",
        )
        == ""
    )
    confirmed = {
        int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        for _, status, response in writes.outcomes
        if status == 302
    }
    stored = {int(i) for i in db.psql("SELECT id FROM mentorship_booking", "academy").split()}
    assert confirmed <= stored
