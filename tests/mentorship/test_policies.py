"""The shared rules of mentorship: the mentee's cut-off and assignments in force on a day."""

from datetime import date, timedelta

import pytest

from mentorship import policies
from mentorship.models import AssignmentStatus, MentorAssignment
from tests.mentorship.factories import AssignmentFactory, make_booking, open_mentor, utc

pytestmark = pytest.mark.django_db

START = utc(2026, 12, 2, 1, 0)


def test_the_mentee_may_change_a_session_until_the_cutoff_and_not_a_minute_later():
    profile = open_mentor(change_cutoff=6 * 60)
    booking = make_booking(profile, start=START)
    schedule = profile.schedule

    deadline = policies.change_deadline(booking, schedule)

    assert deadline == START - timedelta(hours=6)
    assert policies.mentee_may_change(booking, schedule, deadline)
    assert not policies.mentee_may_change(booking, schedule, deadline + timedelta(minutes=1))


def test_the_cutoff_reads_in_whole_or_half_hours():
    profile = open_mentor(change_cutoff=90)

    assert policies.cutoff_hours(profile.schedule) == "1.5"


def test_an_assignment_is_in_force_from_its_first_to_its_last_day_while_active():
    first, last = date(2026, 12, 1), date(2026, 12, 31)
    assignment = AssignmentFactory(starts_on=first, ends_on=last)
    AssignmentFactory(starts_on=first, ends_on=last, status=AssignmentStatus.REVOKED)
    days = [first - timedelta(days=1), first, last, last + timedelta(days=1)]

    in_force = [list(policies.active_assignments(on=day)) for day in days]
    one_by_one = [
        [a for a in MentorAssignment.objects.all() if policies.is_active_on(a, day)] for day in days
    ]

    assert in_force == [[], [assignment], [assignment], []]
    assert one_by_one == in_force


def test_active_assignments_narrows_a_given_queryset():
    assignment = AssignmentFactory(starts_on=date(2026, 12, 1))
    AssignmentFactory(starts_on=date(2026, 12, 1))
    mine = MentorAssignment.objects.filter(mentee=assignment.mentee)

    assert list(policies.active_assignments(mine, on=date(2026, 12, 5))) == [assignment]
    assert MentorAssignment.objects.filter(policies.active_on(date(2026, 12, 5))).count() == 2


def test_an_assignment_is_in_force_during_a_period_it_touches_on_one_day_or_more():
    assignment = AssignmentFactory(starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31))

    def touching(first, last):
        return list(MentorAssignment.objects.filter(policies.active_between(first, last)))

    assert touching(date(2026, 11, 1), date(2026, 12, 1)) == [assignment]
    assert touching(date(2026, 12, 31), date(2027, 1, 31)) == [assignment]
    assert touching(date(2026, 11, 1), date(2026, 11, 30)) == []
    assert touching(date(2027, 1, 1), date(2027, 1, 31)) == []


def test_only_a_confirmed_session_not_yet_started_is_still_ahead():
    profile = open_mentor()
    confirmed = make_booking(profile, start=START)
    cancelled = make_booking(profile, start=START, status="cancelled")

    assert policies.still_ahead(confirmed, START - timedelta(minutes=1))
    assert not policies.still_ahead(confirmed, START)
    assert not policies.still_ahead(cancelled, START - timedelta(days=1))
