"""The platform's shop list: levels and team leaders of verified shops, all lines or none."""

import json

import pytest
from django.core.management import CommandError, call_command

from academy import services
from academy.models import ShopkeeperProfile
from tests.academy.factories import ShopkeeperProfileFactory

pytestmark = pytest.mark.django_db


def state():
    return sorted(ShopkeeperProfile.objects.values_list("shop_id", "level", "team_leader__shop_id"))


def run(tmp_path, text, name="shops.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return call_command("import_platform_shops", str(path))


@pytest.fixture
def shops():
    leader = ShopkeeperProfileFactory(shop_id="10000001", level=3)
    member = ShopkeeperProfileFactory(shop_id="10000002", level=1)
    claimant = ShopkeeperProfileFactory(shop_id="10000003", level=1, shop_verified=False)
    return leader, member, claimant


def test_levels_and_leaders_of_verified_shops_follow_the_platform(tmp_path, shops, capsys):
    leader, member, claimant = shops
    run(
        tmp_path,
        "店铺ID,等级,团队长店铺ID\n10000001,V4,\n10000002,2,10000001\n10000003,V5,10000001\n"
        "10000009,V2,10000001\n",
        encoding="gb18030",
    )
    member.refresh_from_db()
    claimant.refresh_from_db()
    leader.refresh_from_db()
    assert (leader.level, member.level, member.team_leader_id) == (4, 2, leader.pk)
    # An unproven claim gets neither the level nor the team: the platform has not linked her.
    assert (claimant.level, claimant.team_leader_id) == (1, None)
    out = capsys.readouterr().out
    assert "读取 4 个店铺" in out and "2 个店铺在商学院还没有已核实的账号" in out


def test_the_teams_the_list_names_are_no_longer_hers_to_edit(tmp_path, shops):
    leader, member, claimant = shops
    services.set_team_leader(member, leader)  # she had typed it herself
    run(tmp_path, "店铺ID,等级,团队长店铺ID\n10000001,V4,\n10000002,2,10000001\n")
    member.refresh_from_db()
    leader.refresh_from_db()
    claimant.refresh_from_db()
    # Confirmed by the platform, even where it changed nothing; "no leader" is a fact too.
    assert member.team_from_platform and leader.team_from_platform
    assert not claimant.team_from_platform
    services.update_profile(
        member,
        display_name="小美",
        province="河南",
        city="周口",
        time_zone="Asia/Shanghai",
        team_leader_shop_id="",
    )
    member.refresh_from_db()
    assert member.team_leader == leader


def test_json_lines_work_the_same(tmp_path, shops):
    leader, member, _claimant = shops
    lines = [
        {"shop_id": "10000002", "level": 3, "leader_shop_id": "10000001"},
        {"shop_id": 10000001, "level": "V5", "leader_shop_id": None},
    ]
    run(tmp_path, "\n".join(json.dumps(x) for x in lines) + "\n", name="shops.jsonl")
    member.refresh_from_db()
    assert (member.level, member.team_leader_id) == (3, leader.pk)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("店铺ID,等级\n10000001,V5\n10000002,V9\n", "第3行「等级」"),
        ("店铺ID,等级\n10000001,V5\nabc,V1\n", "“abc”"),
        ("店铺ID,等级,团队长店铺ID\n10000001,V2,\n10000001,V3,\n", "第3行"),
        ("店铺ID,等级,团队长店铺ID\n10000001,V5,\n10000002,V2,10000002\n", "第3行"),
        ("等级\nV1\n", "店铺ID"),
        ('{"shop_id": "10000001", "level": 5}\nnot json\n', "第2行"),
        ("店铺ID,等级\n", "没有"),
    ],
)
def test_a_file_with_a_bad_line_changes_nothing(tmp_path, shops, text, message, capsys):
    before = state()
    with pytest.raises(CommandError):
        run(tmp_path, text)
    assert state() == before
    assert message in capsys.readouterr().err


def test_a_circle_in_the_list_is_refused_whole(tmp_path, shops, capsys):
    leader, member, _claimant = shops
    services.set_team_leader(member, leader)
    before = state()
    with pytest.raises(CommandError):
        run(tmp_path, "店铺ID,等级,团队长店铺ID\n10000001,V5,10000002\n")
    assert state() == before
    assert "10000002" in capsys.readouterr().err
