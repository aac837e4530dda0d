"""Bursts of live-session sign-ups and reminder runs on PostgreSQL: real threads and connections."""

from datetime import timedelta

import pytest
from django.utils import timezone

from academy.models import Notification, User
from courses.live import notices, services
from courses.models import LiveSessionPage, LiveSessionState, LiveSignup
from tests.academy.factories import UserFactory
from tests.concurrency import run_concurrently
from tests.courses.factories import live_index, live_session

pytestmark = pytest.mark.postgres

PEOPLE = 20


@pytest.fixture
def index(postgres_db, home_page):
    return live_index(home_page)


def sign_up(user_id, session_id):
    user = User.objects.get(pk=user_id)
    session = LiveSessionPage.objects.get(pk=session_id)
    try:
        return services.sign_up(user, session)[1]
    except services.LiveError as error:
        return error.message


def test_a_burst_with_double_taps_makes_one_sign_up_per_person(index):
    session = live_session(index)
    users = UserFactory.create_batch(PEOPLE, verified=False)
    # Every person taps twice at the same moment.
    attempts = [(u.pk, session.pk) for u in users] * 2
    results = run_concurrently(sign_up, attempts)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == PEOPLE and results.count(False) == PEOPLE
    assert LiveSignup.objects.filter(session=session).count() == PEOPLE
    assert LiveSessionState.objects.get(session=session).signups == PEOPLE


def test_a_burst_never_goes_over_the_capacity(index):
    session = live_session(index, capacity=7)
    users = UserFactory.create_batch(PEOPLE + 10, verified=False)
    results = run_concurrently(sign_up, [(u.pk, session.pk) for u in users])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 7
    assert results.count("这场直播名额已满。") == len(users) - 7
    assert LiveSignup.objects.filter(session=session).count() == 7
    assert LiveSessionState.objects.get(session=session).signups == 7


def test_workers_sending_at_once_split_the_batches_and_send_each_reminder_once(index):
    session = live_session(index, start=timezone.now() + timedelta(days=2))
    other = live_session(index, start=timezone.now() + timedelta(days=2))
    for user in UserFactory.create_batch(PEOPLE, verified=False):
        services.sign_up(user, session)
        services.sign_up(user, other)
    at = session.start - timedelta(hours=23)
    results = run_concurrently(lambda: notices.send_due(at, batch_size=3), [()] * 4)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 2 * PEOPLE
    for page in (session, other):
        sent = Notification.objects.filter(key__startswith=f"live:{page.pk}:reminder:1440:")
        assert sent.count() == PEOPLE
