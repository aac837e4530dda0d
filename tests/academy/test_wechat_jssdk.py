"""JS-SDK sharing: the documented signature, the ticket's cache, and the card inside WeChat only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.wechat import jssdk
from tests.wechat import DESKTOP_UA, WECHAT_UA


def test_signature_matches_wechats_documented_example():
    assert (
        jssdk.signature(
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
            "Wm3WZYTPz0wzccnW",
            1414587457,
            "http://mp.weixin.qq.com?params=value",
        )
        == "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
    )


def test_ticket_is_cached_and_fetched_again_before_it_expires(fake_wechat, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = jssdk.jsapi_ticket()
    time_machine.shift(3600)
    assert jssdk.jsapi_ticket() == first
    assert fake_wechat.ticket_fetches == 1
    time_machine.shift(7200 - 3600 - 300)  # five minutes before WeChat's expiry
    second = jssdk.jsapi_ticket()
    assert second != first
    assert fake_wechat.ticket_fetches == 2


@pytest.mark.django_db
def test_config_is_signed_for_the_page_on_the_sites_address_not_the_host(
    client, fake_wechat, settings
):
    settings.SITE_URL = "https://academy.example.com"
    path = "/share/r/AB12CD/course/7/?from=timeline"
    response = client.get(
        reverse("wechat_share_config"),
        {"path": path + "#top"},
        headers={"user-agent": WECHAT_UA},  # Host: testserver
    )
    assert response.status_code == 200
    config = response.json()
    ticket = jssdk.jsapi_ticket()
    assert config["appId"] == settings.WEIXIN_MP_APP_ID
    assert config["signature"] == jssdk.signature(
        ticket, config["nonceStr"], config["timestamp"], "https://academy.example.com" + path
    )
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_config_is_refused_for_another_origin(client, fake_wechat):
    response = client.get(reverse("wechat_share_config"), {"path": "//evil.example.net/x"})
    assert response.status_code == 400


@pytest.fixture
def course_and_card(home_page):
    from growth.sharecards import services
    from tests.courses import factories as courses
    from tests.growth.builders import profile

    tree = courses.academy(home_page)
    course = courses.course(tree.beginner, "moments", lessons=1, title="朋友圈文案")
    user = profile(user__display_name="陈丽娟").user
    courses.complete(user, course)
    landing = reverse("sharecards:landing", args=[services.code_of(user).code, "course", course.id])
    return user, course, landing


def share_data(page):
    import json
    import re

    found = re.search(r'<script id="wechat-share" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1)) if found else None


@pytest.mark.django_db
def test_in_wechat_a_course_page_loads_the_sdk_with_its_card(client, fake_wechat, course_and_card):
    user, course, _ = course_and_card
    client.force_login(user)
    page = client.get(course.url + "?from=groupmessage", headers={"user-agent": WECHAT_UA})
    html = page.content.decode()
    assert "academy/vendor/jweixin-1.6.5.js" in html
    share = share_data(html)
    assert share["title"] == "朋友圈文案"
    assert share["link"].startswith("http://127.0.0.1:8000/")
    assert share["link"].endswith(course.url + "?from=groupmessage")
    assert share["imgUrl"].startswith("http://")


@pytest.mark.django_db
def test_a_share_card_page_shares_its_link_with_the_referral_code(
    client, fake_wechat, course_and_card, settings
):
    user, _, landing = course_and_card
    settings.SITE_URL = "https://academy.example.com"
    html = client.get(landing, headers={"user-agent": WECHAT_UA}).content.decode()
    share = share_data(html)
    assert share["link"] == "https://academy.example.com" + landing
    assert "陈丽娟" in share["title"]
    assert share["imgUrl"] == "https://academy.example.com" + landing + "card.png"

    # Her own card page shares the same public link, not the page she is on.
    client.force_login(user)
    card = client.get(
        reverse("sharecards:card", args=["course", course_and_card[1].id]),
        headers={"user-agent": WECHAT_UA},
    ).content.decode()
    assert share_data(card)["link"] == "https://academy.example.com" + landing


@pytest.mark.django_db
def test_outside_wechat_nothing_is_loaded(client, fake_wechat, course_and_card):
    user, course, landing = course_and_card
    for url in (landing, course.url):
        client.force_login(user)
        html = client.get(url, headers={"user-agent": DESKTOP_UA}).content.decode()
        assert "jweixin" not in html
        assert share_data(html) is None


@pytest.mark.django_db
def test_without_the_official_account_nothing_is_loaded_in_wechat_either(
    client, settings, course_and_card
):
    settings.WEIXIN_MP_APP_ID = settings.WEIXIN_MP_APP_SECRET = ""
    _, _, landing = course_and_card
    html = client.get(landing, headers={"user-agent": WECHAT_UA}).content.decode()
    assert "jweixin" not in html
