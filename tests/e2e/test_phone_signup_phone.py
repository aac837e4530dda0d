"""A newcomer signs up on a 360 px phone with only her mobile number and a texted code."""

import pytest

from academy import devoutbox
from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def texted_code():
    [text] = [entry for entry in devoutbox.read(channel="sms") if entry["kind"] == "login_code"]
    assert text["to"] == "+8613800138000"
    return text["params"][0]


def test_she_signs_up_with_her_phone_only_and_lands_on_her_dashboard(
    phone, home_page, tmp_path, artifacts_dir
):
    phone.goto("/accounts/login/")
    # The phone comes first on the sign-in page.
    boxes = phone.locator("input[name=phone], input[name=login]")
    assert boxes.first.get_attribute("name") == "phone"
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "01-login.png", full_page=True)

    phone.get_by_role("link", name="用手机号注册").click()
    phone.get_by_label("手机号").fill("138 0013 8000")
    phone.get_by_label("昵称").fill("李春燕")
    phone.get_by_label("店铺ID").fill("20261128")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "02-signup.png", full_page=True)
    phone.get_by_role("button", name="注册").click()

    phone.wait_for_url("**/accounts/phone/verify/")
    assert phone.get_by_text("138 0013 8000").first.is_visible()
    phone.get_by_label("6位验证码").fill(texted_code())
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "03-code.png", full_page=True)
    phone.get_by_role("button", name="确认").click()

    phone.wait_for_url("**/profile/")
    phone.get_by_label("省份").select_option("河南")
    phone.get_by_label("城市").fill("周口")
    phone.get_by_role("button", name="保存").click()

    phone.wait_for_url("**/me/")
    assert phone.get_by_role("heading", name="我的学习").is_visible()
    assert phone.get_by_text("20261128").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=tmp_path / "04-dashboard.png", full_page=True)
    for shot in tmp_path.glob("*.png"):
        (artifacts_dir / shot.name).write_bytes(shot.read_bytes())
