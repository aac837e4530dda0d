"""On a 360 px phone, in Chinese: a shopkeeper books a mentor, the mentor writes notes
and action items, and the shopkeeper finds them among her goals."""

import pytest
from django.test import Client

from tests.academy.factories import shopkeeper
from tests.e2e.phone import no_horizontal_scroll
from tests.mentorship.factories import open_mentor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def people(transactional_db):
    profile = open_mentor(days=range(7), hours=("09:00", "17:00"), capacity=5)
    profile.user.display_name = "王晓红老师"
    profile.user.save()
    mentee = shopkeeper(user__display_name="陈丽娟")
    return profile, mentee


def test_book_a_mentor_then_notes_and_action_items_on_a_phone(
    transactional_db,
    people,
    phone,
    live_server,
    artifacts_dir,
):
    profile, mentee = people

    # The shopkeeper finds the mentor and books the first free time.
    sign_in(phone, live_server, mentee)
    phone.goto("/mentorship/")
    assert phone.get_by_role("heading", name="找导师").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-finder.png", full_page=True)
    phone.get_by_role("link", name="查看可约时间").first.click()
    assert phone.get_by_role("heading", name="有空档的日期").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-slots.png", full_page=True)
    phone.locator("a.mm-slot").first.click()
    phone.get_by_label("我想解决的问题").fill("朋友圈发了没人回复，想学文案。")
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "03-confirm.png", full_page=True)
    phone.get_by_role("button", name="确认预约").click()
    phone.wait_for_url("**/mentorship/bookings/*/")
    assert phone.get_by_text("预约成功！已通知你和导师。").is_visible()
    assert phone.get_by_text("mentor_wechat_88").is_visible()
    booking_url = phone.url
    phone.screenshot(path=artifacts_dir / "04-booked.png", full_page=True)

    # The mentor sees it on her agenda and writes a summary and an action item.
    sign_in(phone, live_server, profile.user)
    phone.goto("/mentorship/agenda/")
    assert phone.get_by_text("学员：陈丽娟").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "05-agenda.png", full_page=True)
    phone.get_by_text("学员：陈丽娟").click()
    phone.get_by_text("朋友圈发了没人回复，想学文案。").wait_for()  # the session page has loaded
    phone.get_by_label("写笔记或辅导总结").fill("总结：朋友圈用三段式，每天固定 3 条。")
    phone.get_by_role("button", name="保存笔记").click()
    assert phone.get_by_text("笔记已保存。").is_visible()
    phone.get_by_text("添加行动项").click()
    phone.get_by_label("行动项").fill("每周发 10 条买家秀")
    phone.get_by_label("目标值").fill("10")
    phone.get_by_label("单位").fill("条")
    phone.get_by_role("button", name="加入学员的目标").click()
    assert phone.get_by_text("行动项已加入学员的目标。").is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "06-notes.png", full_page=True)

    # The shopkeeper reads the summary and finds the action item among her goals.
    sign_in(phone, live_server, mentee)
    phone.goto(booking_url)
    assert phone.get_by_text("总结：朋友圈用三段式，每天固定 3 条。").is_visible()
    phone.goto("/mentorship/goals/")
    assert phone.get_by_role("link", name="每周发 10 条买家秀").is_visible()
    assert phone.get_by_text("辅导行动项").first.is_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "07-goals.png", full_page=True)
    phone.get_by_role("link", name="每周发 10 条买家秀").click()
    phone.get_by_label("目前完成").fill("4")
    phone.get_by_role("button", name="保存进展").click()
    assert phone.get_by_text("进展已保存。").is_visible()
    phone.screenshot(path=artifacts_dir / "08-progress.png", full_page=True)


# Text that overflows its box, and time fields too narrow for "下午 05:00" and their
# clock button (a time field's own text does not show in scrollWidth).
CUT_TIMES = """
() => [...document.querySelectorAll(
    "input[type=time], input[type=date], select, .mm-slot, .mm-session__when, .mm-day"
  )].filter(e => e.offsetParent !== null && (
      e.scrollWidth > e.clientWidth + 1 || (e.type === "time" && e.clientWidth < 140)))
   .map(e => (e.name || e.className) + ": " + (e.value || e.textContent.trim()))
"""


def test_times_are_never_cut_on_a_phone_in_another_zone(
    transactional_db, phone, live_server, artifacts_dir
):
    from datetime import UTC, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from tests.mentorship.factories import make_booking

    # A mentor in Berlin whose account says Shanghai, and a mentee in Shanghai.
    profile = open_mentor(zone="Europe/Berlin", days=range(7), hours=("09:00", "17:00"))
    profile.user.display_name = "王晓红老师"
    profile.user.save()
    mentee = shopkeeper(user__display_name="陈丽娟")
    berlin = ZoneInfo("Europe/Berlin")
    day = timezone.now().astimezone(berlin).date() + timedelta(days=1)
    start = datetime.combine(day, time(23, 30), tzinfo=berlin).astimezone(UTC)
    make_booking(profile, mentee, start=start, minutes=30)

    sign_in(phone, live_server, profile.user)
    for number, path in enumerate(["/mentorship/agenda/", "/mentorship/availability/"]):
        phone.goto(path)
        phone.screenshot(path=artifacts_dir / f"{number:02}-mentor.png", full_page=True)
        if "agenda" in path:
            assert phone.get_by_text("23:30–00:00").first.is_visible()
        assert phone.evaluate(CUT_TIMES) == [], path
        assert no_horizontal_scroll(phone), path

    sign_in(phone, live_server, mentee)
    phone.goto(f"/mentorship/mentors/{profile.pk}/?minutes=60")
    phone.screenshot(path=artifacts_dir / "10-picker.png", full_page=True)
    assert phone.evaluate(CUT_TIMES) == []
    assert no_horizontal_scroll(phone)
    phone.locator("a.mm-slot").first.click()
    phone.screenshot(path=artifacts_dir / "11-book.png", full_page=True)
    assert phone.evaluate(CUT_TIMES) == []
    assert no_horizontal_scroll(phone)
