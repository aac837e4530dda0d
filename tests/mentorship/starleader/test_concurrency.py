"""Seats under concurrency on PostgreSQL: real threads, each with its own connection.

SQLite serialises writers, so a green SQLite run proves nothing about locking.
"""

import pytest

from academy import roles
from mentorship.starleader import services
from mentorship.starleader.errors import CohortError
from mentorship.starleader.models import Application, ApplicationEvent, Status
from tests.academy.factories import staff
from tests.concurrency import run_concurrently
from tests.mentorship.starleader.factories import CohortFactory, apply

pytestmark = pytest.mark.postgres

# Each attempt is a thread with its own connection; PostgreSQL allows 100 in all.
ATTEMPTS, SEATS = 30, 8


def split(results):
    done = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, CohortError)]
    other = [r for r in results if not isinstance(r, Application | CohortError)]
    return done, refused, other


def count(cohort, status):
    return Application.objects.filter(cohort=cohort, status=status).count()


def test_many_admissions_at_once_fill_exactly_the_seats(postgres_db):
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(capacity=SEATS)
    applications = [apply(cohort) for _ in range(ATTEMPTS)]
    results = run_concurrently(lambda a: services.admit(a, officer), [(a,) for a in applications])
    done, refused, other = split(results)
    assert not other, other
    assert len(done) == SEATS
    assert {e.code for e in refused} == {"full"}
    assert count(cohort, Status.ADMITTED) == SEATS
    assert ApplicationEvent.objects.filter(to_status=Status.ADMITTED).count() == SEATS


def test_admit_or_waitlist_at_once_keeps_capacity_and_a_gapless_waitlist(postgres_db):
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(capacity=SEATS)
    applications = [apply(cohort) for _ in range(ATTEMPTS)]
    results = run_concurrently(
        lambda a: services.admit_or_waitlist(a, officer), [(a,) for a in applications]
    )
    _done, refused, other = split(results)
    assert not other and not refused, (other, refused)
    assert count(cohort, Status.ADMITTED) == SEATS
    positions = sorted(
        Application.objects.filter(cohort=cohort, status=Status.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, ATTEMPTS - SEATS + 1))


def test_many_confirmations_at_once_never_exceed_the_seats(postgres_db):
    """Every applicant tries to confirm at once: exactly the admitted ones get a seat."""
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(capacity=SEATS)
    applications = [apply(cohort) for _ in range(ATTEMPTS)]
    for application in applications:
        services.admit_or_waitlist(application, officer)
    results = run_concurrently(
        lambda a: services.confirm(a, a.applicant), [(a,) for a in applications]
    )
    done, refused, other = split(results)
    assert not other, other
    assert len(done) == SEATS
    assert {e.code for e in refused} == {"no_offer"}
    assert count(cohort, Status.CONFIRMED) == SEATS
    print(f"confirm burst: attempts {ATTEMPTS}, seats {SEATS}, confirmed {len(done)}")  # noqa: T201


def test_freed_seats_go_to_the_waitlist_in_order_even_when_promotions_race(postgres_db):
    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(capacity=5)
    applications = [apply(cohort) for _ in range(15)]
    for application in applications:
        services.admit_or_waitlist(application, officer)
    seated = applications[:5]
    # Five members withdraw at once; each withdrawal sends a promotion task on commit
    # (run eagerly here), so five promotions race for the freed seats.
    results = run_concurrently(
        lambda a: services.withdraw(a, a.applicant, reason="临时有事"), [(a,) for a in seated]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    admitted = set(
        Application.objects.filter(cohort=cohort, status=Status.ADMITTED).values_list(
            "pk", flat=True
        )
    )
    assert admitted == {a.pk for a in applications[5:10]}  # the first five in line
    # More promotion runs at once find no free seat.
    results = run_concurrently(lambda: services.promote_waitlist(cohort), [()] * 5)
    assert results == [[]] * 5
    assert count(cohort, Status.ADMITTED) == 5
    assert count(cohort, Status.WAITLISTED) == 5


def test_a_double_submitted_application_is_saved_once(postgres_db):
    cohort = CohortFactory()
    from tests.mentorship.starleader.factories import applicant

    user = applicant()
    results = run_concurrently(lambda: apply(cohort, user), [()] * 10)
    done, refused, other = split(results)
    assert not other, other
    assert len(done) == 1
    assert {e.code for e in refused} == {"twice"}
    assert Application.objects.filter(applicant=user).count() == 1


def test_two_expiry_runs_at_once_expire_each_offer_once_and_promote_once(postgres_db):
    from datetime import timedelta

    from django.utils import timezone

    officer = staff(roles.PROGRAM_STAFF)
    cohort = CohortFactory(capacity=3, offer_hours=1)
    applications = [apply(cohort) for _ in range(6)]
    past = timezone.now() - timedelta(hours=2)
    for application in applications:
        services.admit_or_waitlist(application, officer, now=past)
    results = run_concurrently(lambda: services.expire_due_offers(), [()] * 2)
    assert sum(results) == 3, results  # each offer expired by exactly one run
    assert count(cohort, Status.EXPIRED) == 3
    assert count(cohort, Status.ADMITTED) == 3
    assert ApplicationEvent.objects.filter(to_status=Status.EXPIRED).count() == 3
