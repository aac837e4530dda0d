"""A newcomer signs up and completes her profile on a 360 px phone, in Chinese."""

import re

import pytest
from django.core import mail

from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_signup_verify_and_profile_on_a_phone(
    phone, home_page, artifacts_dir, live_server, settings
):
    settings.SITE_URL = live_server.url  # the confirmation link points here
    phone.goto("/")
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-home.png", full_page=True)

    phone.get_by_role("link", name="免费开始学习").click()
    phone.get_by_label("电子邮件").fill("chunyan@example.com")
    phone.get_by_label("昵称").fill("李春燕")
    phone.get_by_label("店铺ID").fill("20261128")
    phone.locator("#id_password1").fill("Kd83-lanzhou-spring")
    phone.locator("#id_password2").fill("Kd83-lanzhou-spring")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-signup.png", full_page=True)
    phone.get_by_role("button", name="注册").click()
    phone.wait_for_url("**/accounts/confirm-email/")

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="确认").click()

    phone.wait_for_url("**/profile/")
    assert phone.get_by_role("heading", name="完善店铺资料").is_visible()
    phone.get_by_label("省份").select_option("河南")
    phone.get_by_label("城市").fill("周口")
    assert phone.get_by_label("店主等级").count() == 0  # her level comes from verification
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "03-profile.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    phone.wait_for_url("**/me/")
    assert phone.get_by_role("heading", name="我的学习").is_visible()
    assert phone.get_by_text("20261128").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "04-dashboard.png", full_page=True)
