"""Racing requests on PostgreSQL, with real threads each on its own connection.

Exactly one booking per time, clean "just taken" answers, limits that hold,
no server errors. SQLite serialises writers, so these run on PostgreSQL only.
"""

import re
import threading
import time as time_module
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from academy.models import MentorKind, Notification, OutboundEmail
from mentorship import selectors, services, slots
from mentorship.errors import AssignmentError, BookingError
from mentorship.models import (
    Booking,
    BookingEvent,
    MentorAssignment,
    MentorSchedule,
    Reminder,
    Thread,
)
from mentorship.services import reminders
from mentorship.services.schedule import lock_schedule
from tests.academy.factories import shopkeeper
from tests.concurrency import run_concurrently
from tests.forms import submit
from tests.mentorship.factories import make_booking, open_mentor, utc

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


TAKEN = "抱歉，这个时间刚刚被预约了，请选择其他时间。"


def browser(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def booking_form(client, profile, start, minutes=60):
    """The confirm form as her browser shows it (while the time is still free)."""
    url = reverse("mentorship:book", args=[profile.pk])
    page = client.get(url, {"start": start.isoformat(), "minutes": minutes}).content.decode()
    fields = dict(re.findall(r'name="(start|minutes|token)" value="([^"]*)"', page))
    assert set(fields) == {"start", "minutes", "token"}, "the time was not offered"
    return url, fields


def saved_for(user):
    """Every row a booking writes for its mentee, by kind."""
    return {
        "bookings": Booking.objects.filter(mentee=user).count(),
        "events": BookingEvent.objects.filter(actor=user).count(),
        "reminders": Reminder.objects.filter(recipient=user).count(),
        "notices": Notification.objects.filter(user=user).count(),
        "emails": OutboundEmail.objects.filter(to=user.email).count() if user.email else 0,
        "threads": Thread.objects.filter(mentee=user).count(),
    }


NOTHING = {"bookings": 0, "events": 0, "reminders": 0, "notices": 0, "emails": 0, "threads": 0}


class HeldLock:
    """The mentor's schedule lock held by another connection, as a booking in progress holds it.

    ``during`` runs inside that transaction once the lock is held (e.g. writing the
    booking that transaction is making); the lock is kept until ``release``.
    """

    def __init__(self, profile, during=None):
        self.profile, self.during = profile, during
        self.held, self.released = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self):
        try:
            with transaction.atomic():
                lock_schedule(self.profile)
                if self.during:
                    self.during()
                self.held.set()
                self.released.wait(timeout=60)
        finally:
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.held.wait(timeout=30)
        # Another connection really cannot take it now.
        with pytest.raises(DatabaseError), transaction.atomic():
            MentorSchedule.objects.select_for_update(nowait=True).get(mentor=self.profile)
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.thread.join(timeout=30)


def post_in_background(client, url, fields):
    answers = []

    def post():
        try:
            response = client.post(url, fields)
            answers.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    thread = threading.Thread(target=post)
    thread.start()
    return thread, answers


def test_a_post_for_a_time_already_taken_is_refused_without_waiting_for_the_mentors_lock(
    postgres_db,
):
    profile = open_mentor()
    winner, late = shopkeeper(), shopkeeper()
    client = browser(late)
    url, fields = booking_form(client, profile, WED_10)
    book(winner, profile, WED_10, 60)
    with HeldLock(profile):  # another booking of this mentor is in progress
        started = time_module.monotonic()
        posting, answers = post_in_background(client, url, fields)
        posting.join(timeout=20)
        answered_while_locked = not posting.is_alive()
        seconds = time_module.monotonic() - started
    posting.join(timeout=30)
    assert answered_while_locked, "the post for a taken time waited for the mentor's lock"
    assert seconds < 10
    [(status, page)] = answers
    assert status == 409 and TAKEN in page
    assert saved_for(late) == NOTHING
    assert Booking.objects.count() == 1


def test_a_post_for_a_free_time_waits_for_the_lock_and_is_checked_again_inside_it(postgres_db):
    """The time looks free when she posts: a booking holding the lock has not committed
    yet. Her request waits for the lock and, checked again, hears it was just taken."""
    profile = open_mentor()
    winner, late = shopkeeper(), shopkeeper()
    client = browser(late)
    url, fields = booking_form(client, profile, WED_10)
    with HeldLock(profile, during=lambda: make_booking(profile, mentee=winner, start=WED_10)):
        posting, answers = post_in_background(client, url, fields)
        posting.join(timeout=2)
        waited = posting.is_alive()
    posting.join(timeout=30)
    assert waited, "the post for a free time did not wait for the mentor's lock"
    [(status, page)] = answers
    assert status == 409 and TAKEN in page
    assert saved_for(late) == NOTHING
    assert list(Booking.objects.values_list("mentee", flat=True)) == [winner.pk]


def test_thirty_browsers_posting_the_last_free_time_book_it_once_and_nothing_for_the_others(
    postgres_db,
):
    # Open one hour on Wednesdays, bookable a week ahead: one free time is left.
    profile = open_mentor(days=[2], hours=("10:00", "11:00"), session_lengths=[60], horizon_days=7)
    schedule = profile.schedule
    calendar = selectors.load_period_calendar(schedule, profile, None, now=NOW)
    assert [s.start for s in slots.free_slots(calendar, 60, NOW)] == [WED_10]
    mentees = [shopkeeper() for _ in range(30)]
    clients = [browser(m) for m in mentees]
    forms = [booking_form(c, profile, WED_10) for c in clients]
    answers = run_concurrently(
        lambda c, form: c.post(*form), list(zip(clients, forms, strict=True))
    )
    statuses = [a.status_code for a in answers]
    assert sorted(statuses) == [302] + [409] * 29, statuses
    assert all(TAKEN in a.content.decode() for a in answers if a.status_code == 409)
    [winner] = [m for m, a in zip(mentees, answers, strict=True) if a.status_code == 302]
    assert list(Booking.objects.values_list("mentee", flat=True)) == [winner.pk]
    # Hers: the booking, its history, her 24-hour and 1-hour reminders, the notice and
    # its e-mail, the thread with her mentor.
    assert saved_for(winner) == {
        "bookings": 1,
        "events": 1,
        "reminders": 2,
        "notices": 1,
        "emails": 1,
        "threads": 1,
    }
    assert not Booking.objects.get().pending_announcement
    for loser in mentees:
        if loser != winner:
            assert saved_for(loser) == NOTHING, loser


def test_the_benchmarks_server_says_how_long_a_booking_held_the_mentors_lock(postgres_db, settings):
    """Only with the benchmark's middleware (ACADEMY_BENCH_URLS): a booking reports the
    time from taking the mentor's lock to its commit; a time already taken never takes it."""
    profile = open_mentor()
    first, second = shopkeeper(), shopkeeper()
    production = browser(first)
    url, fields = booking_form(production, profile, WED_10 + timedelta(hours=4))
    assert "Server-Timing" not in production.post(url, fields).headers

    settings.MIDDLEWARE = ["academy.timings.ServerTimingMiddleware", *settings.MIDDLEWARE]
    bench_first, bench_second = browser(first), browser(second)
    _url, late_fields = booking_form(bench_second, profile, WED_10)
    _url, fields = booking_form(bench_first, profile, WED_10)
    booked = bench_first.post(url, fields)
    assert booked.status_code == 302
    timing = dict(re.findall(r"([\w-]+);dur=([\d.]+)", booked.headers["Server-Timing"]))
    assert {"app", "cpu", "booking-lock-wait", "booking-lock"} <= set(timing)
    assert 0 < float(timing["booking-lock"]) < float(timing["app"])

    refused = bench_second.post(url, late_fields)
    assert refused.status_code == 409
    assert "booking-lock" not in refused.headers["Server-Timing"]
