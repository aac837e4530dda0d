"""On a 360 px phone, in Chinese: a shopkeeper signs up for a star mentor's live session from
the home page, adds it to her calendar, asks a question, and later watches the replay."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.demo import demo_audio
from courses.models import LiveQuestion, LiveReplayView, LiveSignup
from tests.academy.factories import MentorProfileFactory, shopkeeper
from tests.courses.factories import live_index, live_session
from tests.e2e.test_mentorship_phone import no_horizontal_scroll, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session(transactional_db, home_page):
    mentor = MentorProfileFactory(kind="star", headline="百万团队长，朋友圈运营十年")
    mentor.user.display_name = "王晓红老师"
    mentor.user.save()
    return live_session(
        live_index(home_page),
        title="朋友圈三段式文案实战",
        mentor=mentor,
        start=(timezone.now() + timedelta(days=2)).replace(microsecond=0),
    )


def test_sign_up_from_home_add_to_calendar_ask_then_watch_the_replay(
    transactional_db, session, phone, live_server, artifacts_dir
):
    user = shopkeeper(user__display_name="陈丽娟")
    sign_in(phone, live_server, user)

    # The home page lists the session; one tap opens it, one more signs up.
    phone.goto("/")
    expect(phone.get_by_role("heading", name="明星导师直播分享")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "01-home.png", full_page=True)
    phone.get_by_role("link", name="朋友圈三段式文案实战").click()
    expect(phone.get_by_text("明星导师 · 王晓红老师")).to_be_visible()
    phone.get_by_role("button", name="立即报名").click()
    expect(phone.get_by_text("报名成功！开播前会提醒你。")).to_be_visible()
    expect(phone.get_by_text("你已报名")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-signed-up.png", full_page=True)
    assert LiveSignup.objects.filter(user=user, session=session).exists()

    # The calendar file holds the session.
    with phone.expect_download() as download:
        phone.get_by_role("link", name="加入我的日历").click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "BEGIN:VCALENDAR" in content and "朋友圈三段式文案实战" in content

    # She asks the mentor a question before the session.
    phone.get_by_label("你的问题").fill("客户只看不回复，怎么破？")
    phone.get_by_role("button", name="提交问题").click()
    expect(phone.get_by_text("问题已提交，其他学员可以为它点赞。")).to_be_visible()
    expect(phone.get_by_text("客户只看不回复，怎么破？")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "03-question.png", full_page=True)
    assert LiveQuestion.objects.filter(author=user, session=session).count() == 1

    # Later: the session is over and the editor attached the replay.
    session.start = timezone.now() - timedelta(hours=3)
    session.replay_video = demo_audio()
    session.save_revision().publish()
    phone.goto(session.url)
    phone.get_by_role("link", name="观看回放").click()
    expect(phone.get_by_role("heading", name="朋友圈三段式文案实战")).to_be_visible()
    player = phone.locator("video[data-lesson-player]")
    player.wait_for()
    phone.wait_for_function("() => document.querySelector('video').readyState >= 1")
    phone.evaluate(
        "(() => { const v = document.querySelector('video');"
        " v.currentTime = v.duration - 1; v.dispatchEvent(new Event('pause')); })()"
    )
    expect(phone.get_by_text("你已看完这场回放。")).to_be_visible()
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "04-replay.png", full_page=True)
    view = LiveReplayView.objects.get(user=user, session=session)
    assert view.completed_at is not None
