"""On a 360 px phone: from her notices to 通知设置, she turns e-mail off for her sessions."""

import pytest

from academy.models import NoticePreference
from tests.academy.factories import PASSWORD, shopkeeper
from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_she_chooses_her_channels_on_a_phone(home_page, phone, artifacts_dir):
    user = shopkeeper(user__email="amy@example.com")
    phone.goto("/accounts/login/")
    phone.locator("input[name=login]").fill("amy@example.com")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has([name=password]) button[type=submit]").click()
    phone.wait_for_url("**/me/")
    phone.goto("/notifications/")
    phone.get_by_role("link", name="通知设置").click()
    assert phone.get_by_role("heading", name="通知设置").is_visible()
    sessions = phone.get_by_role("group", name="辅导预约")
    email = sessions.get_by_label("电子邮件")
    assert email.is_checked() and sessions.get_by_label("短信").is_checked()
    assert phone.get_by_role("group", name="我的团队").get_by_label("短信").count() == 0
    box = email.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 20  # big enough for a thumb
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "notice-settings.png", full_page=True)
    email.uncheck()
    phone.get_by_role("button", name="保存").click()
    assert phone.get_by_text("通知设置已保存。").is_visible()
    assert not phone.get_by_role("group", name="辅导预约").get_by_label("电子邮件").is_checked()
    assert (
        NoticePreference.objects.get(user=user, group="bookings", channel="email").enabled is False
    )
