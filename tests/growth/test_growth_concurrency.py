"""Nudges and plans under concurrency, on PostgreSQL."""

import pytest

from academy.models import Notification
from growth.models import Nudge
from growth.teams import services
from tests.concurrency import run_concurrently
from tests.growth.builders import profile

pytestmark = pytest.mark.postgres


def test_twenty_racing_nudges_of_one_member_send_one(postgres_db):
    leader = profile()
    member = profile(leader)
    results = run_concurrently(lambda: services.send_nudge(leader, member, "加油"), [()] * 20)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, services.TeamError) for e in errors), errors
    assert len(errors) == 19
    assert Nudge.objects.count() == 1
    assert Notification.objects.filter(user=member.user).count() == 1


def test_two_leaders_saving_plans_at_once_each_keep_their_own(postgres_db, home_page):
    from tests.courses import factories as courses

    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "c", lessons=1)
    leader = profile()
    results = run_concurrently(
        lambda days: services.save_plan(leader, title="计划", steps=[(course, days)]),
        [(3,), (7,), (14,)],
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    plan = leader.training_plan
    assert plan.items.count() == 1  # one whole plan won, never a mix of two


def test_two_claimants_verified_at_once_leave_one_verified_holder(postgres_db):
    from academy import roles
    from academy import services as account_services
    from academy.models import ShopkeeperProfile
    from tests.academy.factories import staff

    claimants = [profile(shop_id="51234567", shop_verified=False) for _ in range(6)]
    officer = staff(roles.PROGRAM_STAFF)
    results = run_concurrently(
        lambda claimant: account_services.verify_shop(claimant, by=officer),
        [(c,) for c in claimants],
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, account_services.ShopVerificationError) for e in errors), errors
    assert len(errors) == 5
    assert ShopkeeperProfile.objects.filter(shop_id="51234567", shop_verified=True).count() == 1
