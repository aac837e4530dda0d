"""Racing requests on PostgreSQL, with real threads each on its own connection.

Exactly one booking per time, clean "just taken" answers, limits that hold,
no server errors. SQLite serialises writers, so these run on PostgreSQL only.
"""

import re
import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from academy.models import MentorKind
from mentorship import services
from mentorship.errors import AssignmentError, BookingError
from mentorship.models import Booking, MentorAssignment, MentorSchedule, Reminder
from mentorship.services import reminders
from mentorship.services.schedule import lock_schedule
from tests.academy.factories import shopkeeper
from tests.concurrency import run_concurrently
from tests.forms import submit
from tests.mentorship.factories import open_mentor, utc

pytestmark = pytest.mark.postgres

NOW = utc(2026, 12, 1, 0, 0)


@pytest.fixture(autouse=True)
def _at_now(time_machine):
    """These tests use fixed dates: travel there first, so model defaults agree with NOW."""
    time_machine.move_to(NOW, tick=False)


WED_10 = utc(2026, 12, 2, 2, 0)  # Wednesday 10:00 in Shanghai


def book(mentee, profile, start, minutes, key=""):
    return services.book_session(mentee, profile, start, minutes, idempotency_key=key, now=NOW)


def split(results):
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, BookingError)]
    other = [r for r in results if not isinstance(r, Booking | BookingError)]
    return booked, refused, other


def test_fifty_requests_for_one_slot_make_exactly_one_booking(postgres_db):
    profile = open_mentor()
    mentees = [shopkeeper() for _ in range(50)]
    results = run_concurrently(book, [(m, profile, WED_10, 60) for m in mentees])
    booked, refused, other = split(results)
    assert not other, other
    assert len(booked) == 1
    assert len(refused) == 49
    assert {e.code for e in refused} == {"taken"}
    assert Booking.objects.count() == 1
    assert Reminder.objects.count() == 4


def test_overlapping_requests_of_30_45_and_60_minutes_make_exactly_one_booking(postgres_db):
    profile = open_mentor(session_lengths=[30, 45, 60], slot_interval=15, buffer_after=10)
    # Every one of these covers 10:40, so any two overlap.
    shapes = [(0, 60), (15, 45), (30, 30), (15, 30), (30, 60), (30, 45)] * 5
    mentees = [shopkeeper() for _ in shapes]
    args = [
        (m, profile, WED_10 + timedelta(minutes=offset), minutes)
        for m, (offset, minutes) in zip(mentees, shapes, strict=True)
    ]
    booked, refused, other = split(run_concurrently(book, args))
    assert not other, other
    assert len(booked) == 1 and len(refused) == len(shapes) - 1
    assert {e.code for e in refused} == {"taken"}
    assert Booking.objects.count() == 1


def test_the_same_request_sent_twenty_times_at_once_books_once(postgres_db):
    profile = open_mentor()
    mentee = shopkeeper()
    results = run_concurrently(book, [(mentee, profile, WED_10, 60, "tap-1")] * 20)
    booked, refused, other = split(results)
    assert not other and not refused, results
    assert {b.pk for b in booked} == {Booking.objects.get().pk}


def test_two_racing_confirms_of_proposals_for_one_time_move_only_one(postgres_db):
    profile = open_mentor()
    target = utc(2026, 12, 5, 6, 0)  # Saturday 14:00, nobody's session
    proposals = []
    for hour in range(20):
        mentee = shopkeeper()
        start = utc(2026, 12, 2, 1, 0) + timedelta(days=hour // 8, hours=hour % 8)
        booking = book(mentee, profile, start, 30)
        proposals.append(
            (
                services.propose_new_time(
                    booking, profile.user, target, reason="统一改期", now=NOW
                ),
                mentee,
            )
        )
    results = run_concurrently(
        lambda proposal, mentee: services.accept_proposal(proposal, mentee, now=NOW), proposals
    )
    booked, refused, other = split(results)
    assert not other, other
    assert len(booked) == 1 and len(refused) == 19
    assert {e.code for e in refused} == {"taken"}
    assert Booking.objects.filter(start=target).count() == 1


def test_the_daily_limit_holds_under_concurrency(postgres_db):
    profile = open_mentor(daily_limit=3)
    args = [(shopkeeper(), profile, WED_10 + timedelta(minutes=30 * i), 30) for i in range(12)]
    booked, refused, other = split(run_concurrently(book, args))
    assert not other, other
    assert len(booked) == 3
    assert {e.code for e in refused} == {"daily_limit"}


def test_the_weekly_limit_per_mentee_holds_under_concurrency(postgres_db):
    profile = open_mentor(weekly_limit_per_mentee=2)
    mentee = shopkeeper()
    args = [(mentee, profile, WED_10 + timedelta(hours=i), 30) for i in range(6)]
    booked, refused, other = split(run_concurrently(book, args))
    assert not other, other
    assert len(booked) == 2
    assert {e.code for e in refused} == {"weekly_limit"}


def test_a_star_mentors_capacity_holds_under_concurrency(postgres_db):
    profile = open_mentor(capacity=5, hours=("08:00", "20:00"))
    args = [(shopkeeper(), profile, WED_10 + timedelta(minutes=30 * i), 30) for i in range(20)]
    booked, refused, other = split(run_concurrently(book, args))
    assert not other, other
    assert len(booked) == 5
    assert {e.code for e in refused} == {"capacity"}


def test_assignments_past_capacity_are_refused_under_concurrency(postgres_db):
    profile = open_mentor(kind=MentorKind.EXPERT, capacity=3)
    mentees = [shopkeeper() for _ in range(20)]

    def assign(mentee):
        return services.assign_mentee(
            profile.user, mentee, starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31)
        )

    results = run_concurrently(assign, [(m,) for m in mentees])
    made = [r for r in results if isinstance(r, MentorAssignment)]
    refused = [r for r in results if isinstance(r, AssignmentError)]
    assert len(made) == 3 and len(refused) == 17, results
    assert MentorAssignment.objects.count() == 3


def test_the_database_refuses_overlaps_even_without_the_services(postgres_db):
    profile = open_mentor()
    first = Booking.objects.create(
        mentor=profile.user,
        mentee=shopkeeper(),
        start=WED_10,
        end=WED_10 + timedelta(hours=1),
        blocked_start=WED_10,
        blocked_end=WED_10 + timedelta(hours=1, minutes=15),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            mentor=profile.user,
            mentee=shopkeeper(),
            start=WED_10 + timedelta(hours=1),
            end=WED_10 + timedelta(hours=2),
            blocked_start=WED_10 + timedelta(hours=1),
            blocked_end=WED_10 + timedelta(hours=2),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            mentor=open_mentor().user,
            mentee=first.mentee,
            start=WED_10 + timedelta(minutes=30),
            end=WED_10 + timedelta(minutes=90),
            blocked_start=WED_10 + timedelta(minutes=30),
            blocked_end=WED_10 + timedelta(minutes=90),
        )
    # A cancelled booking frees the range.
    Booking.objects.filter(pk=first.pk).update(status="cancelled", cancelled_at=NOW)
    Booking.objects.create(
        mentor=profile.user,
        mentee=shopkeeper(),
        start=WED_10,
        end=WED_10 + timedelta(hours=1),
        blocked_start=WED_10,
        blocked_end=WED_10 + timedelta(hours=1),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE contype = 'x'")
        assert cursor.fetchone()[0] >= 3


def test_four_reminder_workers_at_once_send_each_reminder_once(postgres_db):
    profile = open_mentor(hours=("08:00", "20:00"))
    for i in range(15):
        book(shopkeeper(), profile, WED_10 + timedelta(minutes=30 * i), 30)
    due = utc(2026, 12, 1, 9, 0)  # every 24-hour reminder is due, no 1-hour one yet
    results = run_concurrently(lambda: reminders.send_due(now=due, limit=10), [()] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    # Each of the 15 sessions' two participants gets the reminder once.
    assert sum(results) == 30
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 30


def test_twenty_browsers_posting_one_slot_get_one_booking_and_no_server_error(
    postgres_db, settings
):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    profile = open_mentor()
    mentees = [shopkeeper() for _ in range(20)]
    # 10:00 in Shanghai the day after tomorrow: inside the mentor's hours at any time of day.
    shanghai = ZoneInfo("Asia/Shanghai")
    day = datetime.now(shanghai).date() + timedelta(days=2)
    start = datetime.combine(day, time(10), tzinfo=shanghai)
    clients = []
    for mentee in mentees:
        client = Client(raise_request_exception=False)
        client.force_login(mentee)
        clients.append(client)
    url = reverse("mentorship:book", args=[profile.pk])
    forms = []
    for client in clients:
        page = client.get(url, {"start": start.isoformat(), "minutes": 60}).content.decode()
        forms.append(dict(re.findall(r'name="(start|minutes|token)" value="([^"]*)"', page)))
    results = run_concurrently(
        lambda c, data: c.post(url, data).status_code, list(zip(clients, forms, strict=True))
    )
    assert sorted(results) == [302] + [409] * 19, results
    assert Booking.objects.count() == 1


def test_booking_settings_wait_for_a_booking_holding_the_schedule_then_save_whole(
    postgres_db,
):
    """Settings and time zone change in one transaction under the schedule lock: while a
    booking holds it, none of the change shows; once it commits, all of it does."""
    profile = open_mentor(daily_limit=None)
    client = Client()
    client.force_login(profile.user)
    held, release, answers = threading.Event(), threading.Event(), []

    def book_slowly():
        try:
            with transaction.atomic():
                lock_schedule(profile)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def save_settings():
        try:
            response = submit(
                client,
                reverse("mentorship:availability"),
                {"daily_limit": "3", "time_zone": "Europe/Berlin"},
                form="form:has(input[name=action][value=settings])",
            )
            answers.append(response.status_code)
        finally:
            connection.close()

    booking = threading.Thread(target=book_slowly)
    booking.start()
    assert held.wait(timeout=30)
    saving = threading.Thread(target=save_settings)
    saving.start()
    saving.join(timeout=2)
    waited = saving.is_alive()
    profile.refresh_from_db()
    zone_while_waiting = profile.time_zone
    release.set()
    booking.join(timeout=30)
    saving.join(timeout=30)

    assert waited, "the settings were saved while a booking held the mentor's schedule"
    assert zone_while_waiting == "Asia/Shanghai"
    assert answers == [302]
    profile.refresh_from_db()
    assert profile.time_zone == "Europe/Berlin"
    assert MentorSchedule.objects.get(mentor=profile).daily_limit == 3
