"""On a 360 px phone, a recruit with a team plan continues her lesson with one tap from home."""

import pytest

from courses import services
from growth.teams import services as teams
from tests.academy.factories import PASSWORD
from tests.courses import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recruit(home_page):
    """A recruit whose leader has a training plan, halfway through a course."""
    tree = factories.academy(home_page)
    course = factories.course(tree.beginner, "platform", title="认识平台", lessons=3, quiz=False)
    other = factories.course(tree.beginner, "moments", title="发朋友圈", lessons=1, quiz=False)
    leader = factories.learner(user__display_name="王姐").shopkeeper_profile
    teams.save_plan(leader, title="新人七天计划", steps=[(course, 7), (other, 14)])
    user = factories.learner(
        user__email="xiaomin@example.com", user__display_name="小敏", team_leader=leader
    )
    teams.on_team_change(user.shopkeeper_profile)
    services.enrol(user, course)
    services.record_lesson_complete(user, factories.lessons_of(course)[0])
    return user, factories.lessons_of(course)[1]


def in_first_screen(page, locator):
    box = locator.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_continue_learning_is_on_the_first_screen_and_opens_the_lesson(recruit, phone):
    _user, lesson = recruit
    phone.goto("/accounts/login/")
    phone.locator("input[name=login]").fill("xiaomin@example.com")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has([name=password]) button[type=submit]").click()
    phone.wait_for_url("**/me/")
    assert phone.get_by_text("新人七天计划").first.is_visible()  # the team plan is there
    button = phone.locator("[data-continue]")
    assert in_first_screen(phone, button)

    phone.goto("/")
    assert phone.evaluate("window.scrollY") == 0
    button = phone.locator("[data-continue]")
    assert button.inner_text().strip() == "继续学习：第2课"
    assert in_first_screen(phone, button)
    button.click()
    phone.wait_for_url(f"**{lesson.url}")
    assert phone.get_by_role("heading", name="第2课").is_visible()
