"""The shop profile form: team leader rules and time zone."""

import pytest
from django.urls import reverse

from academy.models import ShopkeeperProfile
from tests.academy.factories import shopkeeper

pytestmark = pytest.mark.django_db


def post_profile(client, **overrides):
    data = {
        "display_name": "周桂英",
        "province": "安徽",
        "city": "阜阳",
        "team_leader_shop_id": "",
        "time_zone": "Asia/Shanghai",
        **overrides,
    }
    return client.post(reverse("profile"), data)


def test_team_leader_is_linked_by_shop_id(client):
    leader = shopkeeper(shop_id="11112222")
    me = shopkeeper()
    client.force_login(me)
    assert post_profile(client, team_leader_shop_id="11112222").status_code == 302
    assert ShopkeeperProfile.objects.get(user=me).team_leader == leader.shopkeeper_profile


@pytest.mark.parametrize(
    ("leader_shop_id", "message"),
    [
        ("99999999", "没有店铺ID为 99999999 的店主"),
        ("abc", "店铺ID为6到12位数字"),
    ],
)
def test_unknown_or_malformed_team_leader_is_refused(client, leader_shop_id, message):
    me = shopkeeper()
    client.force_login(me)
    response = post_profile(client, team_leader_shop_id=leader_shop_id)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ShopkeeperProfile.objects.get(user=me).team_leader is None


def test_own_shop_id_and_own_recruit_cannot_be_team_leader(client):
    me = shopkeeper(shop_id="10101010")
    recruit = shopkeeper(shop_id="20202020", team_leader=me.shopkeeper_profile)
    client.force_login(me)
    response = post_profile(client, team_leader_shop_id="10101010")
    assert "不能把自己设为团队长" in response.content.decode()
    response = post_profile(client, team_leader_shop_id=recruit.shopkeeper_profile.shop_id)
    assert "是您团队中的成员" in response.content.decode()
    assert ShopkeeperProfile.objects.get(user=me).team_leader is None


def test_unknown_time_zone_is_a_form_error(client):
    me = shopkeeper()
    client.force_login(me)
    response = post_profile(client, time_zone="Mars/Olympus")
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    me.refresh_from_db()
    assert me.time_zone == "Asia/Shanghai"


def test_a_user_without_shop_profile_is_sent_back_to_the_dashboard(client):
    from tests.academy.factories import mentor

    client.force_login(mentor())
    assert client.get(reverse("profile"))["Location"] == reverse("dashboard")
