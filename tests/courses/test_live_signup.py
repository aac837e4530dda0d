"""Live sessions: signing up (once, never over capacity), the calendar file and the join link."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from courses.live import services
from courses.models import LiveSessionState, LiveSignup
from tests.academy.factories import shopkeeper
from tests.courses.factories import course, live_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(live_index):
    return live_session(live_index)


def signup_count(session):
    return LiveSignup.objects.filter(session=session).count()


def test_signing_up_twice_keeps_one_row_and_says_so(client, session):
    user = shopkeeper()
    client.force_login(user)
    url = reverse("courses:live_signup", args=[session.pk])
    first = client.post(url, follow=True)
    assert "报名成功" in first.content.decode() or "You are signed up" in first.content.decode()
    second = client.post(url, follow=True)
    assert signup_count(session) == 1
    assert LiveSessionState.objects.get(session=session).signups == 1
    assert "你已经报名了这场直播" in second.content.decode()


def test_the_page_shows_sign_up_then_signed_up_with_calendar_link(client, session):
    user = shopkeeper()
    client.force_login(user)
    page = client.get(session.url).content.decode()
    assert "立即报名" in page
    services.sign_up(user, session)
    page = client.get(session.url).content.decode()
    assert "你已报名" in page
    assert reverse("courses:live_ics", args=[session.pk]) in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": -timedelta(hours=3)}, "这场直播已经结束"),
        ({"cancelled": True}, "这场直播已取消"),
    ],
)
def test_past_or_cancelled_sessions_refuse_sign_up(client, live_index, change, message):
    if "start" in change:  # relative to now when the test runs, not when it was collected
        change = {"start": timezone.now().replace(microsecond=0) + change["start"]}
    session = live_session(live_index, **change)
    client.force_login(shopkeeper())
    response = client.post(reverse("courses:live_signup", args=[session.pk]), follow=True)
    assert message in response.content.decode()
    assert signup_count(session) == 0


def test_a_full_session_refuses_and_saves_nothing(client, live_index):
    session = live_session(live_index, capacity=1)
    services.sign_up(shopkeeper(), session)
    client.force_login(shopkeeper())
    response = client.post(reverse("courses:live_signup", args=[session.pk]), follow=True)
    assert "名额已满" in response.content.decode()
    assert signup_count(session) == 1
    assert LiveSessionState.objects.get(session=session).signups == 1


def test_withdrawing_frees_the_place(live_index):
    session = live_session(live_index, capacity=1)
    first, second = shopkeeper(), shopkeeper()
    services.sign_up(first, session)
    assert services.withdraw(first, session)
    _signup, created = services.sign_up(second, session)
    assert created
    assert LiveSessionState.objects.get(session=session).signups == 1


def test_a_tier_the_shopkeeper_has_not_reached_refuses_sign_up(academy, live_index):
    course(academy.beginner, "basics", lessons=1, quiz=False)
    session = live_session(live_index, tier=academy.intermediate)
    with pytest.raises(services.LiveDenied, match="中班进阶"):
        services.sign_up(shopkeeper(), session)
    assert signup_count(session) == 0


def test_the_calendar_file_holds_the_session_in_utc_with_a_stable_uid(client, session):
    response = client.get(reverse("courses:live_ics", args=[session.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.start
    assert str(event["uid"]) == f"live-session-{session.pk}@127.0.0.1"
    assert session.title in str(event["summary"])
    assert "live.example.com" not in response.content.decode()  # the join link stays private


def test_the_calendar_file_links_to_the_site_url_whatever_the_host(client, session, settings):
    settings.SITE_URL = "https://academy.example.cn"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]
    response = client.get(reverse("courses:live_ics", args=[session.pk]), HTTP_HOST="evil.example")
    assert response.status_code == 200
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["url"]) == f"https://academy.example.cn{session.url}"
    assert "evil.example" not in response.content.decode()


def test_the_join_link_shows_only_to_people_signed_up_near_the_start(client, live_index):
    soon = live_session(live_index, start=timezone.now() + timedelta(minutes=10))
    later = live_session(live_index, start=timezone.now() + timedelta(days=1))
    user, stranger = shopkeeper(), shopkeeper()
    services.sign_up(user, soon)
    services.sign_up(user, later)
    client.force_login(stranger)
    assert "/join/" not in client.get(soon.url).content.decode()
    client.force_login(user)
    later_page = client.get(later.url).content.decode()
    assert "/join/" not in later_page
    assert "这里会出现“进入直播间”按钮" in later_page
    soon_page = client.get(soon.url).content.decode()
    assert reverse("courses:live_join", args=[soon.pk]) in soon_page
    assert "live.example.com" not in soon_page  # the stream address only after the click


def test_joining_records_the_click_and_redirects_to_the_stream(client, live_index):
    session = live_session(live_index, start=timezone.now() + timedelta(minutes=5))
    user = shopkeeper()
    services.sign_up(user, session)
    client.force_login(user)
    url = reverse("courses:live_join", args=[session.pk])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "https://live.example.com/room/8848"
    client.post(url)
    signup = LiveSignup.objects.get(session=session, user=user)
    assert signup.join_clicks == 2
    assert signup.joined_at is not None


def test_join_is_refused_far_from_start_and_to_people_not_signed_up(client, live_index):
    far = live_session(live_index, start=timezone.now() + timedelta(hours=3))
    near = live_session(live_index, start=timezone.now() + timedelta(minutes=5))
    user = shopkeeper()
    services.sign_up(user, far)
    client.force_login(user)
    response = client.post(reverse("courses:live_join", args=[far.pk]), follow=True)
    assert "直播开始前 15 分钟开放进入" in response.content.decode()
    response = client.post(reverse("courses:live_join", args=[near.pk]), follow=True)
    assert "报名后才能进入直播间" in response.content.decode()
    assert not LiveSignup.objects.filter(join_clicks__gt=0).exists()


def test_times_show_in_the_users_time_zone(client, live_index):
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    session = live_session(
        live_index, start=start.replace(hour=2, minute=0, second=0)
    )  # 10:00 Beijing
    berlin = shopkeeper(user__time_zone="Europe/Berlin")
    client.force_login(berlin)
    page = client.get(session.url).content.decode()
    berlin_time = session.start.astimezone(berlin.zone).strftime("%H:%M")  # 03:00 or 04:00
    assert f"{berlin_time}</time>" in page and "(柏林时间)" in page
    client.force_login(shopkeeper())
    page = client.get(session.url).content.decode()
    assert "10:00</time>–11:00 (北京时间)" in page


def test_home_page_lists_upcoming_sessions_in_few_queries(
    client, home_page, live_index, django_assert_max_num_queries
):
    for number in range(4):
        live_session(
            live_index, title=f"直播 {number}", start=timezone.now() + timedelta(days=number + 1)
        )
    live_session(live_index, title="已经结束的直播", start=timezone.now() - timedelta(days=2))
    user = shopkeeper()
    client.force_login(user)
    with django_assert_max_num_queries(25):
        page = client.get(home_page.url).content.decode()
    assert "直播 0" in page and "直播 2" in page
    assert "直播 3" not in page  # the next three only
    assert "已经结束的直播" not in page
