"""Inside WeChat at 360 px, a shopkeeper signs in with WeChat for the first time."""

import re

import pytest

from academy import devoutbox
from tests.e2e.phone import no_horizontal_scroll
from tests.wechat import WECHAT_UA

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wechat_phone(django_db_setup, browser, live_server, fake_wechat, settings):
    """A 360 px phone in WeChat's browser; the site's address is the live server's."""
    settings.SITE_URL = live_server.url
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "form-action": ["'self'", fake_wechat.url]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_UA,
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def texted_code():
    [text] = [entry for entry in devoutbox.read(channel="sms") if entry["kind"] == "login_code"]
    return text["params"][0]


def test_first_wechat_sign_in_asks_once_for_her_number_and_shop(
    wechat_phone, fake_wechat, home_page, tmp_path, artifacts_dir
):
    fake_wechat.add_user(nickname="王小梅", unionid="union-wang")
    page = wechat_phone
    page.goto("/accounts/login/")
    button = page.get_by_role("button", name="微信一键登录")
    # Inside WeChat it is the first thing under the heading.
    heading_bottom = page.get_by_role("heading", name="登录", exact=True).bounding_box()
    phone_box = page.locator("input[name=phone]").bounding_box()
    assert heading_bottom["y"] < button.bounding_box()["y"] < phone_box["y"]
    assert no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "01-login-in-wechat.png", full_page=True)
    button.click()

    # Back from WeChat's consent (the fragment WeChat's OAuth link carries stays on).
    page.wait_for_url(re.compile(r"/accounts/3rdparty/signup/"))
    assert page.get_by_label("昵称").input_value() == "王小梅"
    page.get_by_label("手机号").fill("138 0013 8000")
    page.get_by_label("店铺ID").fill("20261207")
    assert no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "02-once.png", full_page=True)
    page.get_by_role("button", name="继续").click()

    page.wait_for_url("**/accounts/phone/verify/")
    page.get_by_label("6位验证码").fill(texted_code())
    page.get_by_role("button", name="确认").click()

    page.wait_for_url("**/profile/")
    assert page.get_by_text("已关联微信「王小梅」").is_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=tmp_path / "03-profile.png", full_page=True)
    for shot in tmp_path.glob("*.png"):
        (artifacts_dir / shot.name).write_bytes(shot.read_bytes())
