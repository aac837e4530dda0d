"""On a 360 px phone the platform's 进入商学院 link signs a new shopkeeper in, in Chinese."""

import pytest

from academy.models import ShopkeeperProfile
from academy.platform import make_entry_token
from tests.academy.factories import ShopkeeperProfileFactory
from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_platforms_link_signs_her_in_and_leads_to_my_learning(
    phone, home_page, artifacts_dir, settings
):
    settings.ACADEMY_PLATFORM_ENTRY = True
    settings.ACADEMY_PLATFORM_JWT_ALGORITHM = "HS256"
    settings.ACADEMY_PLATFORM_JWT_SECRET = "a-test-secret-of-the-platform-for-entry-links"
    ShopkeeperProfileFactory(shop_id="88000001")
    token = make_entry_token(
        shop_id="20261207",
        level=2,
        leader_shop_id="88000001",
        region={"province": "河南", "city": "周口"},
    )

    phone.goto(f"/enter/?token={token}")
    phone.wait_for_url("**/profile/")
    assert phone.get_by_role("heading", name="完善店铺资料").is_visible()
    assert phone.get_by_label("城市").input_value() == "周口"
    assert phone.get_by_label("团队长的店铺ID").input_value() == "88000001"
    phone.get_by_label("昵称").fill("王秀英")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-profile.png", full_page=True)
    phone.get_by_role("button", name="保存").click()

    phone.wait_for_url("**/me/")
    assert phone.get_by_role("heading", name="我的学习").is_visible()
    assert phone.get_by_text("20261207").first.is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-dashboard.png", full_page=True)
    assert ShopkeeperProfile.objects.get(shop_id="20261207").shop_verified

    phone.goto(f"/enter/?token={token}")  # the same link again
    assert phone.get_by_role("heading", name="此链接无法登录").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "03-used-link.png", full_page=True)
