"""The team leader's training view: visibility, plans for new recruits, nudges."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import Notification, OutboundEmail, ShopkeeperProfile
from courses import services as course_services
from growth.models import Nudge, PlanAssignment
from growth.teams import selectors, services, tree
from tests.courses import factories as courses
from tests.forms import submit
from tests.growth.builders import move, profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    """Leader A with recruit R1 (who recruited R2, who recruited R3); leader B with M."""
    a, b = profile(), profile()
    r1 = profile(a)
    r2 = profile(r1)
    r3 = profile(r2)
    m = profile(b)
    return {"a": a, "b": b, "r1": r1, "r2": r2, "r3": r3, "m": m}


def test_the_team_reaches_down_to_the_configured_depth(team, settings):
    assert ShopkeeperProfile._meta.db_table == "academy_shopkeeperprofile"  # named in the SQL
    assert tree.member_depths(team["a"]) == {team["r1"].pk: 1, team["r2"].pk: 2}
    settings.ACADEMY_TEAM_DEPTH = 3
    assert tree.member_depths(team["a"]) == {team["r1"].pk: 1, team["r2"].pk: 2, team["r3"].pk: 3}
    assert tree.is_member(team["a"], team["r3"])
    assert not tree.is_member(team["a"], team["m"])
    assert not tree.is_member(team["a"], team["a"])


@pytest.mark.parametrize(
    ("viewer", "target", "visible"),
    [
        ("a", "r1", True),  # her direct recruit
        ("a", "r2", True),  # a recruit of her recruit
        ("a", "r3", False),  # below the default depth of 2
        ("a", "m", False),  # another leader's team
        ("r1", "a", False),  # a member never sees her leader
        ("r1", "r2", True),  # a member who recruited is a leader herself
        ("b", "r1", False),
    ],
)
def test_a_leader_opens_only_members_of_her_own_team(client, team, viewer, target, visible):
    client.force_login(team[viewer].user)
    response = client.get(reverse("teams:member", args=[team[target].pk]))
    assert response.status_code == (200 if visible else 404)
    if visible:
        assert str(team[target].user) in response.content.decode()


def test_moving_a_member_moves_visibility_at_once(client, team):
    client.force_login(team["a"].user)
    url = reverse("teams:member", args=[team["r1"].pk])
    assert client.get(url).status_code == 200
    move(team["r1"], team["b"])
    assert client.get(url).status_code == 404
    listing = client.get(reverse("teams:team")).content.decode()
    assert str(team["r1"].user) not in listing
    client.force_login(team["b"].user)
    assert client.get(url).status_code == 200
    listing = client.get(reverse("teams:team")).content.decode()
    assert str(team["r1"].user) in listing and str(team["r2"].user) in listing


def test_the_listing_shows_learning_and_stuck_flags(client, home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "first-sale", lessons=1)
    courses.course(tree_.intermediate, "group", lessons=1)
    quiz = courses.quiz_of(course)
    r1, r2 = team["r1"], team["r2"]
    courses.complete(r1.user, course)
    course_services.enrol(r2.user, course)
    for _ in range(2):
        course_services.submit_quiz(r2.user, quiz, courses.answers(quiz, right=False), uuid.uuid4())
    client.force_login(team["a"].user)
    page = client.get(reverse("teams:team")).content.decode()
    assert "新手入门" in page  # r2 is working in the beginner tier
    assert "中班进阶" in page  # r1 finished the only required beginner course
    assert "测验两次未通过" in page or "Failed a quiz twice" in page
    stuck = client.get(reverse("teams:team") + "?show=stuck").content.decode()
    assert str(r2.user) in stuck and str(r1.user) not in stuck


def test_a_member_without_learning_for_seven_days_is_stuck(team):
    old = timezone.now() - timedelta(days=10)
    user = team["r1"].user
    user.date_joined = old
    user.save(update_fields=["date_joined"])
    rows = {p.pk: p for p in selectors.team_queryset(team["a"])}
    assert rows[team["r1"].pk].idle
    assert not rows[team["r2"].pk].idle  # joined just now


def test_the_team_listing_costs_few_queries_whatever_its_size(
    client, home_page, team, django_assert_max_num_queries
):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1)
    leader = team["a"]
    services.save_plan(leader, title="新人计划", steps=[(course, 7)])
    for _ in range(25):
        member = profile(leader)
        course_services.enrol(member.user, course)
    client.force_login(leader.user)
    client.get(reverse("teams:team"))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("teams:team"))
    assert response.content.decode().count('class="card team-member') == 27


def test_a_new_recruit_gets_her_leaders_plan_and_sees_it(client, home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "first-week", lessons=1, title="新手第一周")
    leader = team["a"]
    services.save_plan(leader, title="新人七天计划", welcome="欢迎加入！", steps=[(course, 7)])
    recruit = profile(leader)
    assignment = PlanAssignment.objects.get(member=recruit)
    assert assignment.plan.leader == leader
    assert assignment.started_on == timezone.localdate()
    client.force_login(recruit.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "新人七天计划" in page and "新手第一周" in page and "欢迎加入！" in page
    courses.complete(recruit.user, course)
    progress = selectors.plan_progress_for([assignment])[recruit.pk]
    assert progress.done == 1 and not progress.behind


def test_moving_to_a_leader_without_a_plan_drops_the_old_plan(home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1)
    services.save_plan(team["a"], title="计划", steps=[(course, 7)])
    recruit = profile(team["a"])
    assert PlanAssignment.objects.filter(member=recruit).exists()
    move(recruit, team["b"])
    assert not PlanAssignment.objects.filter(member=recruit).exists()


def test_a_recruit_past_the_target_day_is_behind_the_plan(home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1)
    services.save_plan(team["a"], title="计划", steps=[(course, 3)])
    recruit = profile(team["a"])
    PlanAssignment.objects.filter(member=recruit).update(
        started_on=timezone.localdate() - timedelta(days=5)
    )
    behind = selectors.behind_plan(team["a"])
    assert [member.pk for member, _progress in behind] == [recruit.pk]


def test_the_leader_builds_a_plan_through_the_form(client, home_page, team):
    tree_ = courses.academy(home_page)
    first = courses.course(tree_.beginner, "a1", lessons=1, title="认识平台")
    second = courses.course(tree_.beginner, "a2", lessons=1, title="第一单")
    client.force_login(team["a"].user)
    data = {
        "title": "新人计划",
        "welcome": "",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "12",
        "steps-0-course": str(first.id),
        "steps-0-target_days": "3",
        "steps-1-course": str(second.id),
        "steps-1-target_days": "7",
        "steps-2-course": "",
        "steps-2-target_days": "",
    }
    response = client.post(reverse("teams:plan"), data)
    assert response.status_code == 302
    plan = team["a"].training_plan
    assert [(i.title, i.target_days) for i in plan.items.all()] == [("认识平台", 3), ("第一单", 7)]
    data["steps-1-course"] = str(first.id)  # the same course twice is refused
    response = client.post(reverse("teams:plan"), data, follow=True)
    assert "只能出现一次" in response.content.decode() or "only once" in response.content.decode()
    assert plan.items.count() == 2


def test_a_nudge_reaches_the_member_once_a_day(client, team):
    client.force_login(team["a"].user)
    url = reverse("teams:nudge", args=[team["r1"].pk])
    client.post(url, {"text": "今天学一课吧"})
    assert Nudge.objects.filter(member=team["r1"]).count() == 1
    notice = Notification.objects.get(user=team["r1"].user)
    assert notice.body == "今天学一课吧"
    email = OutboundEmail.objects.get(to=team["r1"].user.email)
    assert "今天学一课吧" in email.body
    response = client.post(url, {"preset": "0"}, follow=True)
    assert Nudge.objects.filter(member=team["r1"]).count() == 1
    assert Notification.objects.filter(user=team["r1"].user).count() == 1
    assert "今天已经提醒过" in response.content.decode() or "already been reminded" in (
        response.content.decode()
    )


def test_a_nudge_outside_the_team_is_refused_and_records_nothing(client, team):
    client.force_login(team["a"].user)
    response = client.post(reverse("teams:nudge", args=[team["m"].pk]), {"text": "hi"})
    assert response.status_code == 404
    with pytest.raises(services.TeamError):
        services.send_nudge(team["a"], team["m"], "hi")
    assert not Nudge.objects.exists() and not Notification.objects.exists()


def test_nudging_everyone_behind_the_plan_skips_those_reminded_today(home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1)
    services.save_plan(team["a"], title="计划", steps=[(course, 1)])
    late = [profile(team["a"]) for _ in range(3)]
    PlanAssignment.objects.filter(member__in=late).update(
        started_on=timezone.localdate() - timedelta(days=3)
    )
    services.send_nudge(team["a"], late[0], "加油")
    assert services.nudge_behind_plan(team["a"], "加油") == (2, 1)
    assert Nudge.objects.count() == 3


def _member_page(client, leader, member):
    client.force_login(leader.user)
    response = client.get(reverse("teams:member", args=[member.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_of_an_idle_member_says_how_long_she_has_not_learned(
    client, home_page, team, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1, title="朋友圈文案")
    course_services.enrol(team["r1"].user, course)
    learned_on = timezone.localdate()
    time_machine.shift(timedelta(days=selectors.STUCK_IDLE_DAYS + 3))
    page = _member_page(client, team["a"], team["r1"])
    assert f"{selectors.STUCK_IDLE_DAYS} 天没有学习" in page
    assert "朋友圈文案" in page and learned_on.isoformat() in page


def test_the_page_of_an_active_member_shows_her_last_learning_without_a_flag(
    client, home_page, team, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1, title="朋友圈文案")
    time_machine.shift(timedelta(days=selectors.STUCK_IDLE_DAYS + 3))
    course_services.enrol(team["r1"].user, course)
    page = _member_page(client, team["a"], team["r1"])
    assert "天没有学习" not in page
    assert "朋友圈文案" in page and timezone.localdate().isoformat() in page


def test_the_page_of_a_member_who_never_learned_says_so(client, home_page, team, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    time_machine.shift(timedelta(days=selectors.STUCK_IDLE_DAYS + 3))
    newcomer = profile(team["a"])  # joined today: not idle yet
    page = _member_page(client, team["a"], newcomer)
    assert "从未" in page and "还没有开始学习课程。" in page
    assert "天没有学习" not in page
    page = _member_page(client, team["a"], team["r1"])  # joined long ago, never learned
    assert "从未" in page and f"{selectors.STUCK_IDLE_DAYS} 天没有学习" in page


def test_joining_a_team_on_her_profile_page_gives_her_the_leaders_plan(client, home_page, team):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "first-week", lessons=1, title="新手第一周")
    leader = team["a"]
    services.save_plan(leader, title="新人七天计划", steps=[(course, 7)])
    newcomer = profile()
    client.force_login(newcomer.user)

    profile_page = reverse("profile")
    changes = {"display_name": "周桂英", "province": "安徽", "city": "阜阳"}

    response = submit(
        client, profile_page, {**changes, "team_leader_shop_id": leader.shop_id}, form="main form"
    )

    assert response.status_code == 302
    assert PlanAssignment.objects.get(member=newcomer).plan.leader == leader
    assert "新人七天计划" in client.get(reverse("dashboard")).content.decode()
    # Leaving the team on the same page drops the plan again.
    submit(client, profile_page, {"team_leader_shop_id": ""}, form="main form")
    assert not PlanAssignment.objects.filter(member=newcomer).exists()


def test_joining_a_team_by_the_platforms_shop_list_gives_her_the_leaders_plan(
    tmp_path, home_page, team
):
    from django.core.management import call_command

    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "c", lessons=1)
    leader = team["a"]
    services.save_plan(leader, title="新人七天计划", steps=[(course, 7)])
    newcomer = profile()
    shop_list = tmp_path / "shops.csv"
    shop_list.write_text(f"店铺ID,等级,团队长店铺ID\n{newcomer.shop_id},V2,{leader.shop_id}\n")

    call_command("import_platform_shops", str(shop_list))

    assert PlanAssignment.objects.get(member=newcomer).plan.leader == leader
