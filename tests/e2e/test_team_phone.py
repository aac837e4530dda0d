"""On 360 px phones: a leader builds a plan, a recruit signs up through her card, she follows up."""

import re

import pytest
from django.core import mail

from courses import services
from tests.academy.factories import PASSWORD
from tests.courses import factories
from tests.e2e.phone import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader(home_page):
    tree = factories.academy(home_page)
    first = factories.course(tree.beginner, "platform", title="认识平台", lessons=1, quiz=False)
    user = factories.learner(
        user__email="lijuan@example.com", user__display_name="陈丽娟", shop_id="88000001"
    )
    factories.complete(user, first)
    return user, first


def second_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_plan_share_card_sign_up_and_follow_up(
    leader, phone, browser, live_server, artifacts_dir, settings
):
    settings.SITE_URL = live_server.url  # the card's link and QR code point here
    _user, course = leader
    phone.goto("/accounts/login/")
    phone.locator("input[name=login]").fill("lijuan@example.com")
    phone.locator("input[name=password]").fill(PASSWORD)
    phone.locator("form:has([name=password]) button[type=submit]").click()
    phone.wait_for_url("**/me/")

    # 1. The leader builds her new-recruit plan.
    phone.goto("/team/")
    assert phone.get_by_role("heading", name="团队学习看板").is_visible()
    phone.get_by_role("link", name="制定新人培训计划").click()
    phone.get_by_label("计划名称").fill("新人七天计划")
    phone.locator("#id_steps-0-course").select_option(label="认识平台")
    phone.locator("#id_steps-0-target_days").fill("7")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-plan.png", full_page=True)
    phone.get_by_role("button", name="保存培训计划").click()
    phone.wait_for_url("**/team/")
    assert phone.get_by_text("新人七天计划").is_visible()

    # 2. She opens the card of the course she completed and takes its link.
    phone.goto("/share/")
    phone.get_by_role("link", name="学完了课程 认识平台").click()
    assert phone.get_by_role("button", name="一键复制文案").is_visible()
    card = phone.locator("img[src$='card.png']")
    card.scroll_into_view_if_needed()
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=card.element_handle()
    )
    assert card.evaluate("img => img.naturalWidth") == 750
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-card.png", full_page=True)
    link = phone.locator("#card-link").inner_text()

    # 3. A newcomer opens the link on her own phone and signs up.
    context, recruit = second_phone(browser, live_server)
    try:
        recruit.goto(link)
        assert recruit.get_by_role("heading", name=re.compile("陈丽娟")).is_visible()
        assert no_horizontal_scroll(recruit)
        recruit.screenshot(path=artifacts_dir / "03-landing.png", full_page=True)
        recruit.get_by_role("link", name="免费注册，一起学习").click()
        recruit.get_by_label("电子邮件").fill("xiaowang@example.com")
        recruit.get_by_label("昵称").fill("新人小王")
        recruit.get_by_label("店铺ID").fill("20261201")
        recruit.locator("#id_password1").fill("Kd83-lanzhou-spring")
        recruit.locator("#id_password2").fill("Kd83-lanzhou-spring")
        recruit.get_by_role("button", name="注册").click()
        recruit.wait_for_url("**/accounts/confirm-email/")
        confirm = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body)
        recruit.goto(confirm.group(0))
        recruit.get_by_role("button", name="确认").click()
        recruit.wait_for_url("**/profile/")
        # The sharer is suggested as her team leader.
        assert recruit.get_by_label("团队长的店铺ID").input_value() == "88000001"
        recruit.get_by_label("省份").select_option("河南")
        recruit.get_by_label("城市").fill("周口")
        recruit.get_by_role("button", name="保存").click()
        recruit.wait_for_url("**/me/")
        assert recruit.get_by_role("heading", name="我的新人培训计划").is_visible()
        assert recruit.get_by_role("link", name="认识平台").is_visible()
        assert no_horizontal_scroll(recruit)
        recruit.screenshot(path=artifacts_dir / "04-recruit-plan.png", full_page=True)
    finally:
        context.close()

    # 4. The recruit studies; her leader sees the progress against the plan.
    from academy.models import User

    newcomer = User.objects.get(email="xiaowang@example.com")
    services.enrol(newcomer, course)
    services.record_lesson_complete(newcomer, factories.lessons_of(course)[0])
    phone.goto("/team/")
    phone.get_by_role("link", name="新人小王").click()
    assert phone.get_by_text("已完成 1/1").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "05-leader-follows-up.png", full_page=True)
