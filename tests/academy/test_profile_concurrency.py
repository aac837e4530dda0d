"""Team leader changes under concurrency, on PostgreSQL: no circle, however they interleave."""

import pytest

from academy import services
from academy.models import ShopkeeperProfile
from tests.academy.factories import ShopkeeperProfileFactory
from tests.concurrency import run_concurrently

pytestmark = pytest.mark.postgres


def _profile_change(profile, leader_shop_id):
    user = profile.user
    return services.update_profile(
        profile,
        display_name=user.display_name,
        province="浙江省",
        city="杭州",
        time_zone="Asia/Shanghai",
        team_leader_shop_id=leader_shop_id,
    )


def test_two_shopkeepers_naming_each_other_leader_at_once_make_no_circle(postgres_db):
    for _round in range(5):
        a = ShopkeeperProfileFactory()
        b = ShopkeeperProfileFactory()

        results = run_concurrently(_profile_change, [(a, b.shop_id), (b, a.shop_id)])

        refused = [r for r in results if isinstance(r, services.ProfileError)]
        assert len(refused) == 1, results  # one of them is told why
        assert refused[0].code == "circle"
        a.refresh_from_db()
        b.refresh_from_db()
        leaders = {a.team_leader_id, b.team_leader_id}
        assert leaders in ({b.pk, None}, {a.pk, None})


def test_a_refused_profile_change_saves_nothing(db):
    leader = ShopkeeperProfileFactory()
    member = ShopkeeperProfileFactory()
    services.set_team_leader(member, leader)

    with pytest.raises(services.ProfileError) as refused:
        _profile_change(leader, member.shop_id)

    assert refused.value.code == "circle"
    leader = ShopkeeperProfile.objects.get(pk=leader.pk)
    assert (leader.team_leader_id, leader.city) == (None, "周口")
