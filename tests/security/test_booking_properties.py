"""Property test of booking: whatever mentors and mentees do, in whatever order,
no two active sessions ever overlap, and every slot offered can be booked.

Hypothesis drives a mentor in Berlin (across the 2027 spring DST change, with
buffers, a daily limit and a weekly limit per mentee) and three mentees in
Shanghai through random sequences of rule changes, days off, bookings of
offered and of arbitrary times, moves and cancellations, using the same
services as the pages.
"""

import itertools
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from academy.models import MentorKind
from mentorship import selectors, slots
from mentorship.errors import BookingError
from mentorship.models import Booking, BookingStatus
from mentorship.services import booking as booking_services
from mentorship.services import schedule as schedule_services
from tests.academy.factories import shopkeeper
from tests.mentorship.factories import open_mentor

pytestmark = pytest.mark.django_db

# Tuesday 23 March 2027, 09:00 UTC; Berlin moves its clocks on Sunday 28 March.
NOW = datetime(2027, 3, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _at_now(time_machine):
    """These tests use fixed dates: travel there first, so model defaults agree with NOW."""
    time_machine.move_to(NOW, tick=False)


LENGTHS = (30, 45, 60)
HOURS = [(time(h), time(h + span)) for h in (7, 9, 13, 17) for span in (1, 2, 3)]


class Booking_(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.profile = open_mentor(
            kind=MentorKind.STAR,
            zone="Europe/Berlin",
            hours=("09:00", "12:00"),
            session_lengths=list(LENGTHS),
            slot_interval=15,
            buffer_before=10,
            buffer_after=15,
            minimum_notice=60,
            horizon_days=10,
            daily_limit=4,
            weekly_limit_per_mentee=3,
        )
        self.mentees = [shopkeeper(user__time_zone="Asia/Shanghai") for _ in range(3)]

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def offered(self, mentee, minutes):
        schedule = selectors.schedule_for(self.profile)
        calendar = selectors.load_period_calendar(schedule, self.profile, mentee, now=NOW)
        return slots.free_slots(calendar, minutes, NOW)

    def active(self):
        return list(
            Booking.objects.filter(mentor=self.profile.user, status=BookingStatus.CONFIRMED)
        )

    @rule(who=st.integers(0, 2), minutes=st.sampled_from(LENGTHS), pick=st.integers(0, 500))
    def book_an_offered_slot(self, who, minutes, pick):
        mentee = self.mentees[who]
        offered = self.offered(mentee, minutes)
        if offered:
            slot = offered[pick % len(offered)]
            # Offered means bookable: this must not raise.
            booking_services.book_session(mentee, self.profile, slot.start, minutes, now=NOW)

    @rule(
        who=st.integers(0, 2),
        minutes=st.sampled_from((*LENGTHS, 20)),
        offset=st.integers(-120, 12 * 24 * 60),
    )
    def book_any_time(self, who, minutes, offset):
        start = NOW + timedelta(minutes=offset)
        try:
            booking_services.book_session(self.mentees[who], self.profile, start, minutes, now=NOW)
        except BookingError:
            pass

    @precondition(lambda self: self.active())
    @rule(pick=st.integers(0, 100), minutes=st.sampled_from(LENGTHS), slot=st.integers(0, 500))
    def move_to_an_offered_slot(self, pick, minutes, slot):
        active = self.active()
        booking = active[pick % len(active)]
        schedule = selectors.schedule_for(self.profile)
        calendar = selectors.load_period_calendar(
            schedule, self.profile, booking.mentee, now=NOW, exclude=booking
        )
        offered = slots.free_slots(calendar, minutes, NOW)
        if offered:
            target = offered[slot % len(offered)]
            try:
                booking_services.reschedule_booking(
                    booking, booking.mentee, target.start, minutes, now=NOW
                )
            except BookingError as error:
                # Only the mentor's change cut-off may refuse an offered time.
                assert error.code == "cutoff", error.code

    @precondition(lambda self: self.active())
    @rule(pick=st.integers(0, 100), by_mentor=st.booleans())
    def cancel(self, pick, by_mentor):
        active = self.active()
        booking = active[pick % len(active)]
        by = self.profile.user if by_mentor else booking.mentee
        try:
            booking_services.cancel_booking(booking, by, "other", note="有事", now=NOW)
        except BookingError as error:
            assert error.code == "cutoff", error.code

    @rule(
        days=st.sets(st.integers(0, 6), min_size=1),
        hours=st.lists(st.sampled_from(HOURS), max_size=2),
    )
    def change_weekly_hours(self, days, hours):
        ranges = {}
        for day in days:
            merged = []
            for start, end in sorted(set(hours)):
                if merged and start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                else:
                    merged.append((start, end))
            ranges[day] = merged
        schedule_services.replace_weekly_rules(self.profile, ranges)

    @rule(day=st.integers(0, 10))
    def take_a_day_off(self, day):
        first = (NOW + timedelta(days=day)).date()
        schedule_services.add_override(self.profile, kind="off", first_day=first, last_day=first)

    @invariant()
    def no_two_active_sessions_overlap(self):
        active = sorted(self.active(), key=lambda b: b.blocked_start)
        for earlier, later in itertools.pairwise(active):
            assert earlier.blocked_end <= later.blocked_start, (earlier, later)
        for mentee in self.mentees:
            own = sorted((b for b in active if b.mentee_id == mentee.pk), key=lambda b: b.start)
            for earlier, later in itertools.pairwise(own):
                assert earlier.end <= later.start


Booking_.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_no_sequence_of_actions_double_books_or_offers_an_unbookable_slot(db):
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(Booking_, settings=Booking_.TestCase.settings)
