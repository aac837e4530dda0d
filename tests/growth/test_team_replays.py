"""Live-session replays as steps of a leader's new-recruit training plan."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from growth.models import PlanAssignment, PlanItem, PlanItemKind
from growth.teams import selectors, services
from tests.courses import factories as courses
from tests.courses import files
from tests.growth.builders import profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(home_page):
    index = courses.live_index(home_page)
    past = timezone.now() - timedelta(days=3)
    return {
        "video": courses.live_session(
            index, title="爆款选品复盘", start=past, replay_video=files.audio()
        ),
        "link": courses.live_session(
            index,
            title="社群早安打卡",
            start=past,
            replay_url="https://live.example.com/replay/77",
        ),
        "upcoming": courses.live_session(index, title="下周直播：朋友圈晒单"),
    }


def _plan_post(client, steps):
    data = {
        "title": "新人七天计划",
        "welcome": "",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "12",
    }
    for i, (course, replay, days) in enumerate(steps):
        data[f"steps-{i}-course"] = str(course or "")
        data[f"steps-{i}-replay"] = str(replay or "")
        data[f"steps-{i}-target_days"] = str(days or "")
    return client.post(reverse("teams:plan"), data, follow=True)


def test_the_leader_adds_a_replay_step_through_the_form(client, home_page, live):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "first", lessons=1, title="认识平台")
    leader = profile()
    client.force_login(leader.user)
    form = client.get(reverse("teams:plan")).content.decode()
    assert "爆款选品复盘" in form and "社群早安打卡" in form
    assert "下周直播" not in form  # no replay yet, so not offered
    _plan_post(client, [(course.id, None, 3), (None, live["video"].id, 7)])
    items = list(leader.training_plan.items.all())
    assert [(i.kind, i.title, i.target_days) for i in items] == [
        (PlanItemKind.COURSE, "认识平台", 3),
        (PlanItemKind.REPLAY, "爆款选品复盘", 7),
    ]
    assert items[1].live_session_id == live["video"].id and items[1].course_id is None
    # The saved plan comes back into the form with its replay chosen.
    form = client.get(reverse("teams:plan")).content.decode()
    assert f'<option value="{live["video"].id}" selected>' in form


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("upcoming", "有效的选项"),  # not offered: a session without a replay
        ("both", "不能同时选"),
        ("no_days", "天数"),
    ],
)
def test_a_bad_replay_step_is_refused_and_nothing_saved(client, home_page, live, step, message):
    tree_ = courses.academy(home_page)
    course = courses.course(tree_.beginner, "first", lessons=1)
    steps = {
        "upcoming": [(None, live["upcoming"].id, 7)],
        "both": [(course.id, live["video"].id, 7)],
        "no_days": [(None, live["video"].id, None)],
    }[step]
    client.force_login(profile().user)
    page = _plan_post(client, steps).content.decode()
    assert message in page
    assert not PlanItem.objects.exists()


def test_the_same_replay_twice_is_refused(home_page, live):
    leader = profile()
    with pytest.raises(services.TeamError, match=r"每场回放|Each replay"):
        services.save_plan(leader, title="计划", steps=[(live["link"], 3), (live["link"], 7)])
    assert not PlanItem.objects.exists()


def test_watching_the_replay_marks_the_step_done_for_recruit_and_leader(client, home_page, live):
    leader = profile()
    services.save_plan(leader, title="新人七天计划", steps=[(live["video"], 7), (live["link"], 7)])
    recruit = profile(leader)
    assert PlanAssignment.objects.filter(member=recruit).exists()
    client.force_login(recruit.user)
    dashboard = client.get(reverse("dashboard")).content.decode()
    replay_url = reverse("courses:live_replay", args=[live["video"].id])
    assert f'href="{replay_url}"' in dashboard and "爆款选品复盘" in dashboard
    assert "plan-step--done" not in dashboard
    # Opening the uploaded video and watching a third is not enough; to the end is.
    client.get(replay_url)
    position = reverse("courses:live_replay_position", args=[live["video"].id])
    client.post(position, {"seconds": "200", "duration": "600"})
    assert client.get(reverse("dashboard")).content.decode().count("plan-step--done") == 0
    client.post(position, {"seconds": "560", "duration": "600"})
    # A replay that is only a link elsewhere counts once opened.
    client.get(reverse("courses:live_replay", args=[live["link"].id]))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert dashboard.count("plan-step--done") == 2
    client.force_login(leader.user)
    member_page = client.get(reverse("teams:member", args=[recruit.pk])).content.decode()
    assert member_page.count("plan-step--done") == 2
    progress = selectors.plan_progress_for([recruit.plan_assignment])[recruit.pk]
    assert (progress.done, progress.total, progress.behind) == (2, 2, False)
    assert progress.steps[0].done_on == timezone.localdate()


def test_another_members_watching_does_not_count(client, home_page, live):
    leader = profile()
    services.save_plan(leader, title="计划", steps=[(live["link"], 7)])
    recruit, other = profile(leader), profile(leader)
    client.force_login(other.user)
    client.get(reverse("courses:live_replay", args=[live["link"].id]))
    progress = selectors.plan_progress_for([recruit.plan_assignment, other.plan_assignment])
    assert (progress[recruit.pk].done, progress[other.pk].done) == (0, 1)
