"""The pages a shopkeeper and a mentor use, through HTTP, in Chinese."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.celery import app as celery_app
from academy.models import MentorKind, Notification, OutboundEmail
from mentorship import services
from mentorship.models import (
    AvailabilityOverride,
    AvailabilityRule,
    Booking,
    BookingStatus,
    Goal,
    SessionNote,
)
from tests.academy.factories import shopkeeper
from tests.forms import form_fields, rendered_form, submit
from tests.mentorship.factories import make_booking, open_mentor

pytestmark = pytest.mark.django_db


def tomorrow_at(zone_name, hour):
    """A real future time: tomorrow (in ``zone``) at ``hour``, as UTC."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    day = timezone.now().astimezone(zone).date() + timedelta(days=2)
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def slot_links(html):
    return re.findall(r'href="(/mentorship/mentors/\d+/book/\?start=[^"]+)"', html)


def book_url(profile, start, minutes=60):
    from urllib.parse import quote

    return (
        reverse("mentorship:book", args=[profile.pk])
        + f"?start={quote(start.isoformat())}&minutes={minutes}"
    )


def booking_form(client, url):
    page = client.get(url).content.decode()
    fields = dict(re.findall(r'name="(start|minutes|token)" value="([^"]*)"', page))
    return page, fields


def test_a_shopkeeper_picks_a_slot_and_books_it(client):
    profile = open_mentor(days=range(7), hours=("09:00", "11:00"))
    mentee = shopkeeper()
    client.force_login(mentee)
    page = client.get(reverse("mentorship:mentor", args=[profile.pk])).content.decode()
    assert "有空档的日期" in page
    links = slot_links(page)
    assert links, page
    form_page, fields = booking_form(client, links[0].replace("&amp;", "&"))
    assert "确认预约" in form_page
    response = client.post(
        reverse("mentorship:book", args=[profile.pk]),
        {**fields, "agenda": "想学朋友圈文案"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentorship:booking", args=[booking.pk])
    page = client.get(response["Location"]).content.decode()
    assert "预约成功" in page
    assert "想学朋友圈文案" in page
    assert "mentor_wechat_88" in page  # shown to the booked mentee

    # The same form posted again (double tap, retry) books nothing more.
    again = client.post(
        reverse("mentorship:book", args=[profile.pk]), {**fields, "agenda": "想学朋友圈文案"}
    )
    assert again.status_code == 302
    assert Booking.objects.count() == 1


def test_the_picker_shows_times_in_the_mentees_zone_and_the_mentors(client):
    profile = open_mentor(zone="Europe/Berlin", days=range(7), hours=("09:00", "10:00"))
    mentee = shopkeeper(user__time_zone="Asia/Shanghai")
    client.force_login(mentee)
    page = client.get(
        reverse("mentorship:mentor", args=[profile.pk]) + "?minutes=60"
    ).content.decode()
    # 09:00 in Berlin is 16:00 (winter) or 15:00 (summer) in Shanghai.
    assert re.search(r">1[56]:00<small>导师 09:00</small>", page), page


def test_the_picker_never_shows_a_taken_time(client):
    profile = open_mentor(days=range(7), hours=("09:00", "10:00"), session_lengths=[60])
    start = tomorrow_at("Asia/Shanghai", 9)
    make_booking(profile, start=start)
    client.force_login(shopkeeper())
    page = client.get(
        reverse("mentorship:mentor", args=[profile.pk]) + f"?day={start.date()}"
    ).content.decode()
    assert start.isoformat().replace("+", "%2B").replace(":", "%3A") not in page


def test_a_link_to_a_time_taken_since_says_so_and_offers_no_booking(client):
    profile = open_mentor()
    start = tomorrow_at("Asia/Shanghai", 10)
    make_booking(profile, start=start)  # taken after the list was shown
    client.force_login(shopkeeper())
    response = client.get(book_url(profile, start))
    assert response.status_code == 200
    page = response.content.decode()
    assert "这个时间刚刚被预约了" in page
    assert 'name="agenda"' not in page


def test_a_taken_time_is_refused_with_a_clear_message_and_nothing_saved(client):
    profile = open_mentor()
    start = tomorrow_at("Asia/Shanghai", 10)
    mentee = shopkeeper()
    client.force_login(mentee)
    # The form as her browser shows it; then someone else is quicker.
    form = rendered_form(client.get(book_url(profile, start)).content.decode(), "main form")
    make_booking(profile, start=start)
    response = client.post(form["action"], {**dict(form_fields(form)), "agenda": "想请教拉新"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "抱歉，这个时间刚刚被预约了，请选择其他时间。" in page
    # She is led back to the free times, not offered the same time again.
    mentor_page = reverse("mentorship:mentor", args=[profile.pk])
    assert re.search(rf'<a [^>]*href="{mentor_page}"[^>]*>选择其他时间</a>', page)
    assert 'name="agenda"' not in page and "确认预约" not in page
    assert not Booking.objects.filter(mentee=mentee).exists()
    assert not Notification.objects.filter(user=mentee).exists()


@pytest.mark.parametrize(
    "start",
    ["garbage", "2026-12-02T09:00:00", "", "2026-13-45T99:00:00Z"],
)
def test_a_tampered_time_is_refused(client, start):
    profile = open_mentor()
    client.force_login(shopkeeper())
    response = client.post(
        reverse("mentorship:book", args=[profile.pk]),
        {"start": start, "minutes": "60", "token": "t"},
    )
    assert response.status_code == 400
    assert "这不是导师开放的预约时间" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_misaligned_or_wrong_length_time_is_refused(client):
    profile = open_mentor()
    client.force_login(shopkeeper())
    start = tomorrow_at("Asia/Shanghai", 10) + timedelta(minutes=7)
    response = client.post(
        reverse("mentorship:book", args=[profile.pk]),
        {"start": start.isoformat(), "minutes": "60", "token": "t"},
    )
    assert response.status_code == 400
    assert "这不是导师开放的预约时间" in response.content.decode()
    response = client.post(
        reverse("mentorship:book", args=[profile.pk]),
        {"start": (start - timedelta(minutes=7)).isoformat(), "minutes": "45", "token": "t"},
    )
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_an_official_mentor_shows_no_times_to_a_shopkeeper_not_assigned(client):
    profile = open_mentor(kind=MentorKind.OFFICIAL)
    client.force_login(shopkeeper())
    page = client.get(reverse("mentorship:mentor", args=[profile.pk])).content.decode()
    assert "只有分配给这位导师的学员才能预约" in page
    assert not slot_links(page)
    finder = client.get(reverse("mentorship:home")).content.decode()
    assert str(profile.user) not in finder


def test_a_booking_commits_and_its_notices_wait_when_the_broker_is_down(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    profile = open_mentor()
    client.force_login(shopkeeper())
    _page, fields = booking_form(client, book_url(profile, tomorrow_at("Asia/Shanghai", 10)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mentorship:book", args=[profile.pk]), fields)
    assert response.status_code == 302
    assert Booking.objects.count() == 1
    # The e-mails wait in the outbox for the periodic relay.
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 2
    assert Notification.objects.count() == 2


def test_the_mentor_writes_notes_and_action_items_that_become_goals(client):
    profile = open_mentor()
    mentee = shopkeeper()
    booking = make_booking(profile, mentee, start=timezone.now() - timedelta(hours=2))
    client.force_login(profile.user)
    url = reverse("mentorship:booking", args=[booking.pk])
    attendance = reverse("mentorship:attendance", args=[booking.pk])
    # The session has started: its mentor is offered to mark attendance.
    assert f'action="{attendance}"' in client.get(url).content.decode()
    client.post(
        reverse("mentorship:add_note", args=[booking.pk]),
        {"body": "她晚上才有空，私下记一下。", "visibility": "private"},
    )
    client.post(
        reverse("mentorship:add_note", args=[booking.pk]),
        {"body": "总结：朋友圈三段式。", "visibility": "shared"},
    )
    client.post(
        reverse("mentorship:add_action_item", args=[booking.pk]),
        {"title": "每周发 10 条买家秀", "target_value": "10", "unit": "条"},
    )
    client.post(reverse("mentorship:attendance", args=[booking.pk]), {"attended": "1"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ATTENDED
    goal = Goal.objects.get()
    assert goal.mentee == mentee and goal.source_booking == booking

    client.force_login(mentee)
    page = client.get(url).content.decode()
    assert f'action="{attendance}"' not in page  # only the mentor marks it
    assert "总结：朋友圈三段式。" in page
    assert "她晚上才有空" not in page  # the mentor's private note
    assert "每周发 10 条买家秀" in page
    goals = client.get(reverse("mentorship:goals")).content.decode()
    assert "每周发 10 条买家秀" in goals and "辅导行动项" in goals
    assert Notification.objects.filter(user=mentee, title__contains="新的行动项").exists()

    response = client.post(
        reverse("mentorship:goal", args=[goal.pk]),
        {"action": "progress", "value": "4", "comment": "发了 4 条"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.current_value == 4 and goal.percent == 40
    client.post(reverse("mentorship:goal", args=[goal.pk]), {"action": "progress", "value": "12"})
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_bad_goal_input_is_refused_and_nothing_saved(client):
    client.force_login(shopkeeper())
    for data in (
        {"title": "", "target_value": "10"},
        {"title": "目标", "target_value": "0"},
        {"title": "目标", "target_value": "-5"},
        {"title": "目标", "target_value": "很多"},
    ):
        response = client.post(reverse("mentorship:goals"), data)
        assert response.status_code == 400
    assert not Goal.objects.exists()


def test_messages_thread_with_unread_counts(client):
    profile = open_mentor()
    mentee = shopkeeper()
    booking = services.book_session(mentee, profile, tomorrow_at("Asia/Shanghai", 10), 60)
    client.force_login(mentee)
    response = client.get(reverse("mentorship:thread_with", args=[profile.user_id]))
    thread_url = response["Location"]
    client.post(thread_url, {"body": "老师好，我是丽娟"})
    client.force_login(profile.user)
    threads = client.get(reverse("mentorship:threads")).content.decode()
    assert '<span class="badge">1</span>' in threads
    page = client.get(thread_url).content.decode()
    assert "老师好，我是丽娟" in page
    threads = client.get(reverse("mentorship:threads")).content.decode()
    assert '<span class="badge">1</span>' not in threads
    assert booking.pk


def test_the_dashboard_shows_upcoming_sessions_goals_and_unread_messages(
    client, django_assert_max_num_queries
):
    profile = open_mentor()
    mentee = shopkeeper()
    services.book_session(mentee, profile, tomorrow_at("Asia/Shanghai", 10), 60)
    Goal.objects.create(
        mentee=mentee, title="每周销售 5000 元", target_value=5000, created_by=mentee
    )
    client.force_login(mentee)
    with django_assert_max_num_queries(25):
        page = client.get("/me/").content.decode()
    assert "一对一辅导" in page
    assert str(profile.user) in page
    assert "每周销售 5000 元" in page


# --- the availability editor -------------------------------------------------------


HOURS_FORM = "form:has(input[name=action][value=rules])"


def saved_hours():
    return list(AvailabilityRule.objects.values_list("weekday", "start_time", "end_time"))


def six_ranges_mentor():
    """A mentor open 09:00-17:00 Monday to Saturday: six weekly ranges."""
    profile = open_mentor(days=range(6))
    assert len(saved_hours()) == 6
    return profile


def save_hours(client, changes=None):
    return submit(client, reverse("mentorship:availability"), changes, form=HOURS_FORM)


def test_saving_the_weekly_hours_unchanged_keeps_them_all(client):
    profile = six_ranges_mentor()
    client.force_login(profile.user)
    before = saved_hours()
    response = save_hours(client)
    assert response.status_code == 302
    assert saved_hours() == before
    page = client.get(response["Location"]).content.decode()
    assert "每周时段已保存" in page


def test_a_range_added_in_a_blank_row_joins_the_others(client):
    profile = six_ranges_mentor()
    client.force_login(profile.user)
    response = save_hours(
        client, {"rules-6-weekday": "6", "rules-6-start_time": "19:30", "rules-6-end_time": "21:00"}
    )
    assert response.status_code == 302
    hours = saved_hours()
    assert len(hours) == 7
    assert (6, time(19, 30), time(21)) in hours


def test_ticking_remove_on_a_blank_row_loses_nothing(client):
    profile = six_ranges_mentor()
    client.force_login(profile.user)
    before = saved_hours()
    assert save_hours(client, {"rules-7-DELETE": True}).status_code == 302
    assert saved_hours() == before
    response = save_hours(
        client,
        {
            "rules-6-weekday": "6",
            "rules-6-start_time": "10:00",
            "rules-6-end_time": "12:00",
            "rules-7-DELETE": True,
        },
    )
    assert response.status_code == 302
    assert saved_hours() == sorted([*before, (6, time(10), time(12))])


def test_removing_one_range_keeps_the_other_five(client):
    profile = six_ranges_mentor()
    client.force_login(profile.user)
    before = saved_hours()
    response = save_hours(client, {"rules-2-DELETE": True})
    assert response.status_code == 302
    assert saved_hours() == [row for row in before if row[0] != 2]


def test_a_mentor_without_hours_saves_the_empty_form(client):
    profile = open_mentor(days=[])
    client.force_login(profile.user)
    page = client.get(reverse("mentorship:availability")).content.decode()
    assert 'name="rules-0-weekday"' in page
    response = save_hours(client)
    assert response.status_code == 302
    assert saved_hours() == []


def test_the_mentor_saves_weekly_hours(client):
    profile = open_mentor(days=[])
    client.force_login(profile.user)
    response = save_hours(
        client,
        {
            "rules-0-weekday": "0",
            "rules-0-start_time": "14:00",
            "rules-0-end_time": "17:00",
            "rules-1-weekday": "0",
            "rules-1-start_time": "09:00",
            "rules-1-end_time": "12:00",
        },
    )
    assert response.status_code == 302
    assert saved_hours() == [(0, time(9), time(12)), (0, time(14), time(17))]
    page = client.get(reverse("mentorship:availability")).content.decode()
    # Her two ranges, and two blank rows again for more.
    assert 'name="rules-3-weekday"' in page and 'name="rules-4-weekday"' not in page


def new_row(day, start, end):
    return {"rules-6-weekday": day, "rules-6-start_time": start, "rules-6-end_time": end}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (new_row("1", "12:00", "09:00"), "结束时间必须晚于开始时间"),
        (new_row("1", "11:00", "13:00"), "时段有重叠"),
        (new_row("1", "09:00", "25:00"), "输入一个有效的时间"),
        (new_row("", "18:00", "19:00"), "请选择星期几"),
        (new_row("1", "18:00", ""), "必需字段"),
        ({"rules-0-end_time": "08:00"}, "结束时间必须晚于开始时间"),
    ],
)
def test_bad_weekly_hours_are_form_errors_and_nothing_changes(client, changes, message):
    profile = six_ranges_mentor()
    client.force_login(profile.user)
    before = saved_hours()
    response = save_hours(client, changes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert saved_hours() == before


SETTINGS_FORM = "form:has(input[name=action][value=settings])"
OVERRIDE_FORM = "form:has(input[name=action][value=override])"


def test_the_mentor_saves_booking_settings_and_time_zone(client):
    profile = open_mentor()
    client.force_login(profile.user)
    response = submit(
        client,
        reverse("mentorship:availability"),
        {"time_zone": "Europe/Berlin", "session_lengths": ["45"], "notice_hours": "24"},
        form=SETTINGS_FORM,
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    profile.schedule.refresh_from_db()
    assert profile.time_zone == "Europe/Berlin"
    assert profile.schedule.session_lengths == [45]
    assert profile.schedule.minimum_notice == 24 * 60
    assert profile.schedule.wechat_id == "mentor_wechat_88"  # untouched fields stay


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "未知的时区：Mars/Olympus_Mons"),
        ({"session_lengths": None}, "请至少选择一种辅导时长"),
        ({"wechat_id": ""}, "请填写你的微信号"),
        ({"meeting_method": "online", "meeting_link": ""}, "请填写会议链接"),
        ({"buffer_after": "500"}, "不超过 120"),
        ({"horizon_days": "0"}, "1 到 180"),
        ({"notice_hours": "-1"}, "大于或等于0"),
    ],
)
def test_bad_booking_settings_are_form_errors(client, changes, message):
    profile = open_mentor()
    client.force_login(profile.user)
    response = submit(client, reverse("mentorship:availability"), changes, form=SETTINGS_FORM)
    assert response.status_code == 400
    assert message in response.content.decode()
    profile.refresh_from_db()
    profile.schedule.refresh_from_db()
    assert profile.time_zone == "Asia/Shanghai"
    assert profile.schedule.wechat_id == "mentor_wechat_88"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "off", "first_day": 10, "last_day": 1}, "结束日期不能早于开始日期"),
        (
            {"kind": "extra", "first_day": 10, "start_time": "20:00", "end_time": "19:00"},
            "结束时间必须晚于开始时间",
        ),
        ({"kind": "extra", "first_day": 10}, "加开时段需要填写开始和结束时间"),
        ({"kind": "off", "first_day": 10, "start_time": "10:00"}, "请同时填写两个时间"),
    ],
)
def test_bad_overrides_are_form_errors(client, data, message):
    profile = open_mentor()
    client.force_login(profile.user)
    today = timezone.now().astimezone(profile.zone).date()
    changes = {
        f"override-{name}": (today + timedelta(days=value)).isoformat()
        if isinstance(value, int)
        else value
        for name, value in data.items()
    }
    response = submit(client, reverse("mentorship:availability"), changes, form=OVERRIDE_FORM)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AvailabilityOverride.objects.exists()


def test_a_holiday_override_removes_those_days_from_the_picker(client):
    profile = open_mentor(days=range(7), hours=("09:00", "10:00"))
    day = (timezone.now() + timedelta(days=3)).astimezone(profile.zone).date()
    client.force_login(profile.user)
    submit(
        client,
        reverse("mentorship:availability"),
        {
            "override-kind": "off",
            "override-first_day": day.isoformat(),
            "override-note": "国庆假期",
        },
        form=OVERRIDE_FORM,
    )
    assert AvailabilityOverride.objects.get().last_day == day
    client.force_login(shopkeeper())
    page = client.get(reverse("mentorship:mentor", args=[profile.pk])).content.decode()
    assert f"day={day.isoformat()}" not in page
    assert f"day={(day + timedelta(days=1)).isoformat()}" in page


def test_notes_on_a_cancelled_session_are_refused(client):
    profile = open_mentor()
    booking = make_booking(profile, status="cancelled")
    client.force_login(profile.user)
    client.post(
        reverse("mentorship:add_note", args=[booking.pk]), {"body": "x", "visibility": "shared"}
    )
    assert not SessionNote.objects.exists()
