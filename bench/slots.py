"""A month of free slots for a mentor with 200 existing bookings: time per call and queries.

    .venv/bin/python bench/slots.py                 # a fresh SQLite database in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mentorship_bench .venv/bin/python bench/slots.py

Options: --bookings 200 --calls 50. It prints, for the slot computation of a
30-day horizon (load the calendar + compute), the time per call and the
queries per call; the same for the pure computation alone; and for the
whole slot-picker page rendered through Django's test client.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        os.environ["ACADEMY_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-slots-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(bookings):
    """A star mentor open 08:00-20:00 every day, 30/60-minute sessions, 10-minute buffers."""
    from datetime import time as clock

    from django.contrib.auth.models import Group

    from academy import roles
    from academy.models import MentorProfile, ShopkeeperProfile, User
    from mentorship.models import AvailabilityRule, Booking, MentorSchedule

    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    mentor = User.objects.create_user(email=f"bench-mentor-{stamp}@example.com", password=None)
    mentor.groups.add(Group.objects.get(name=roles.MENTOR))
    profile = MentorProfile.objects.create(user=mentor, capacity=10_000)
    schedule = MentorSchedule.objects.create(
        mentor=profile,
        session_lengths=[30, 60],
        slot_interval=15,
        buffer_after=10,
        minimum_notice=60,
        horizon_days=30,
    )
    AvailabilityRule.objects.bulk_create(
        AvailabilityRule(schedule=schedule, weekday=d, start_time=clock(8), end_time=clock(20))
        for d in range(7)
    )
    mentees = []
    for i in range(20):
        user = User.objects.create_user(email=f"bench-{stamp}-{i}@example.com", password=None)
        user.groups.add(Group.objects.get(name=roles.SHOPKEEPER))
        ShopkeeperProfile.objects.create(
            user=user, shop_id=f"7{stamp[-9:]}{i:02d}"[-12:], completed_at=datetime.now(UTC)
        )
        mentees.append(user)
    # Spread the bookings over the month: 30 minutes every ~3.6 hours of open time.
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    start = now + timedelta(days=1)
    rows, cursor = [], start
    while len(rows) < bookings:
        local = cursor.astimezone(profile.zone)
        if 8 <= local.hour < 19:
            rows.append(
                Booking(
                    mentor=mentor,
                    mentee=mentees[len(rows) % len(mentees)],
                    start=cursor,
                    end=cursor + timedelta(minutes=30),
                    blocked_start=cursor,
                    blocked_end=cursor + timedelta(minutes=40),
                )
            )
        cursor += timedelta(minutes=210)
    Booking.objects.bulk_create(rows)
    return profile, schedule, mentees[0]


def measure(label, func, calls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    func()  # warm up
    times, queries = [], []
    for _ in range(calls):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = func()
            times.append(time.perf_counter() - started)
        queries.append(len(captured.captured_queries))
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{label:<44} {statistics.mean(times) * 1000:8.2f} ms/call (p95 {p95 * 1000:.2f} ms)"
        f"  {max(queries):3d} queries/call"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from mentorship import selectors, slots
    from mentorship.models import Booking

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    profile, schedule, mentee = build(args.bookings)
    existing = Booking.objects.filter(mentor=profile.user).count()
    print(
        f"database: {connection.vendor}; mentor with {existing} bookings over 30 days, "
        f"open 08:00-20:00 daily, 15-minute steps, {args.calls} calls each"
    )

    def load_and_compute():
        now = timezone.now()
        calendar = selectors.load_period_calendar(schedule, profile, mentee, now=now)
        return slots.free_slots(calendar, 30, now)

    free = measure("load calendar + a month of 30-min slots", load_and_compute, args.calls)
    now = timezone.now()
    calendar = selectors.load_period_calendar(schedule, profile, mentee, now=now)
    measure(
        "computation alone (in memory)", lambda: slots.free_slots(calendar, 30, now), args.calls
    )
    measure(
        "one refusal check (the booking's re-check)",
        lambda: slots.refusal(calendar, free[len(free) // 2].start, 30, now),
        args.calls,
    )
    client = Client()
    client.force_login(mentee)
    url = reverse("mentorship:mentor", args=[profile.pk])

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    measure("slot picker page (GET, whole request)", page, max(10, args.calls // 5))
    print(f"free 30-minute slots in the month: {len(free)}")


if __name__ == "__main__":
    main()
