"""Single-line text refuses control characters and invisible direction marks.

An escape sequence, a right-to-left override or a line break in a name shows a
different name in the admin, a CSV or an e-mail subject than the one typed.
"""

import pytest
from django.urls import reverse

from academy.models import ShopkeeperProfile, User
from mentorship.models import Goal
from tests.academy.factories import shopkeeper
from tests.forms import submit
from tests.growth.builders import profile

pytestmark = pytest.mark.django_db

REFUSED = "请去掉其中的换行、控制字符或文字方向符号"
PROFILE = "form:has([name=display_name])"
BAD = ["李\x1b[31m春燕", "李春燕\u202egnp.exe", "李春燕\r\n管理员"]


@pytest.mark.parametrize("text", BAD)
def test_a_display_name_with_control_characters_is_refused_on_the_profile(client, text):
    user = shopkeeper(user__display_name="李春燕")
    client.force_login(user)
    response = submit(
        client, reverse("profile"), {"display_name": text, "city": "周口"}, form=PROFILE
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "李春燕"


def test_a_city_with_a_direction_override_is_refused(client):
    user = shopkeeper(city="周口")
    client.force_login(user)
    response = submit(client, reverse("profile"), {"city": "周\u202e口"}, form=PROFILE)
    assert REFUSED in response.content.decode()
    assert ShopkeeperProfile.objects.get(user=user).city == "周口"


@pytest.mark.parametrize("text", BAD)
def test_a_display_name_with_control_characters_is_refused_at_signup(client, text):
    response = submit(
        client,
        reverse("account_signup"),
        {
            "email": "new.shopkeeper@example.com",
            "display_name": text,
            "shop_id": "12345678",
            "password1": "Kd83-lanzhou-spring",
            "password2": "Kd83-lanzhou-spring",
        },
        form="form[action='/accounts/signup/']",
    )
    assert REFUSED in response.content.decode()
    assert not User.objects.filter(email="new.shopkeeper@example.com").exists()


@pytest.mark.parametrize("text", BAD)
def test_a_goal_title_with_control_characters_is_refused(client, text):
    client.force_login(shopkeeper())
    response = submit(
        client,
        reverse("mentorship:goals"),
        {"title": text, "target_value": "10"},
        form="form:has([name=title])",
    )
    assert REFUSED in response.content.decode()
    assert not Goal.objects.exists()


def test_a_plan_name_with_control_characters_is_refused(client, home_page):
    from tests.courses import factories as courses

    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "a1", lessons=1, title="认识平台")
    leader = profile()
    profile(leader)
    client.force_login(leader.user)
    response = submit(
        client,
        reverse("teams:plan"),
        {
            "title": "新人\u202e计划",
            "steps-0-course": str(course.id),
            "steps-0-target_days": "3",
        },
        form="form[method='post']:has(input[name='title'])",
    )
    assert REFUSED in response.content.decode()
    assert not hasattr(leader, "training_plan") or leader.training_plan is None


def test_ordinary_chinese_names_with_emoji_and_spaces_are_kept(client):
    user = shopkeeper()
    client.force_login(user)
    response = submit(client, reverse("profile"), {"display_name": "春燕 👩‍🌾 小店"}, form=PROFILE)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "春燕 👩‍🌾 小店"
