"""Live sessions: questions and votes, replays gated like lessons, mentor and staff views."""

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from academy import roles
from courses.live import services
from courses.models import LiveQuestion, LiveQuestionVote, LiveReplayView
from tests.academy.factories import shopkeeper, staff
from tests.courses import files
from tests.courses.factories import course, live_session
from tests.forms import form_fields, rendered_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(live_index):
    return live_session(live_index)


@pytest.fixture
def past(live_index):
    return live_session(
        live_index,
        title="爆款选品复盘",
        start=timezone.now() - timedelta(days=3),
        replay_url="https://live.example.com/replay/77",
    )


def ask(client, session, text):
    return client.post(reverse("courses:live_ask", args=[session.pk]), {"text": text}, follow=True)


# --- questions ---------------------------------------------------------------------------


def test_question_text_is_escaped_and_sorted_by_votes(client, session):
    asker, voter = shopkeeper(), shopkeeper()
    services.sign_up(asker, session)
    services.sign_up(voter, session)
    client.force_login(asker)
    ask(client, session, "第一个问题")
    response = ask(client, session, "<script>alert('x')</script>怎么拉新？")
    page = response.content.decode()
    assert "问题已提交" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;怎么拉新？" in page
    popular = LiveQuestion.objects.get(text__startswith="<script>")
    services.vote(voter, popular)
    page = client.get(session.url).content.decode()
    assert page.index("怎么拉新") < page.index("第一个问题")


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "请先写下你的问题"), ("问" * 301, "问题请控制在 300 字以内")]
)
def test_empty_or_long_questions_are_refused(client, session, text, message):
    user = shopkeeper()
    services.sign_up(user, session)
    client.force_login(user)
    assert message in ask(client, session, text).content.decode()
    assert not LiveQuestion.objects.exists()


def test_people_not_signed_up_cannot_ask(client, session):
    client.force_login(shopkeeper())
    response = client.post(reverse("courses:live_ask", args=[session.pk]), {"text": "我能问吗"})
    assert response.status_code == 302
    assert not LiveQuestion.objects.exists()


def test_questions_are_rate_limited(client, session, settings):
    settings.ACADEMY_RATE_LIMITS = {**settings.ACADEMY_RATE_LIMITS, "live_question": "2/h"}
    user = shopkeeper()
    services.sign_up(user, session)
    client.force_login(user)
    ask(client, session, "问题一")
    ask(client, session, "问题二")
    response = ask(client, session, "问题三")
    assert "你提问太频繁了" in response.content.decode()
    assert LiveQuestion.objects.count() == 2


def test_one_vote_per_person(client, session):
    user = shopkeeper()
    services.sign_up(user, session)
    question = services.ask(user, session, "怎么选品？")
    client.force_login(user)
    url = reverse("courses:live_vote", args=[question.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "你已经给这个问题点过赞了" in response.content.decode()
    question.refresh_from_db()
    assert question.votes == 1 == LiveQuestionVote.objects.count()


def test_staff_hide_a_question_and_nobody_else_can(client, session):
    user = shopkeeper()
    services.sign_up(user, session)
    question = services.ask(user, session, "广告：加我微信")
    client.force_login(user)
    assert client.post(reverse("courses:live_hide", args=[question.pk])).status_code == 404
    client.force_login(staff(roles.PROGRAM_STAFF))
    client.post(reverse("courses:live_hide", args=[question.pk]))
    question.refresh_from_db()
    assert question.hidden_at is not None
    client.force_login(user)
    assert "广告：加我微信" not in client.get(session.url).content.decode()


# --- replays -----------------------------------------------------------------------------


def test_the_replay_is_recorded_like_a_lesson(client, past):
    user = shopkeeper()
    client.force_login(user)
    page = client.get(past.url).content.decode()
    assert reverse("courses:live_replay", args=[past.pk]) in page
    response = client.get(reverse("courses:live_replay", args=[past.pk]))
    assert "https://live.example.com/replay/77" in response.content.decode()
    client.get(reverse("courses:live_replay", args=[past.pk]))
    view = LiveReplayView.objects.get(user=user, session=past)
    assert view.views == 2
    position = reverse("courses:live_replay_position", args=[past.pk])
    assert client.post(position, {"seconds": "30", "duration": "600"}).json()["completed"] is False
    data = client.post(position, {"seconds": "560", "duration": "600"}).json()
    assert data["completed_now"] is True
    assert client.post(position, {"seconds": "abc", "duration": "600"}).status_code == 400


def test_an_uploaded_replay_streams_to_those_allowed(client, live_index):
    media = files.audio()
    past = live_session(live_index, start=timezone.now() - timedelta(days=1), replay_video=media)
    url = reverse("courses:live_replay_media", args=[past.pk])
    assert client.get(url).status_code == 403
    client.force_login(shopkeeper())
    response = client.get(url, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206


def test_a_replay_for_a_tier_not_reached_is_refused_like_a_locked_lesson(
    client, academy, live_index
):
    course(academy.beginner, "basics", lessons=1, quiz=False)
    past = live_session(
        live_index,
        start=timezone.now() - timedelta(days=1),
        tier=academy.intermediate,
        replay_url="https://live.example.com/replay/9",
    )
    client.force_login(shopkeeper())
    response = client.get(reverse("courses:live_replay", args=[past.pk]))
    assert response.status_code == 403
    assert "完成新手入门的全部必修课后开放" in response.content.decode()
    assert "live.example.com" not in response.content.decode()
    assert not LiveReplayView.objects.exists()
    page = client.get(past.url).content.decode()
    assert "完成新手入门的全部必修课后开放" in page


def test_no_replay_before_the_session_is_over(client, session):
    client.force_login(shopkeeper())
    response = client.get(reverse("courses:live_replay", args=[session.pk]))
    assert response.status_code == 403


def test_visitors_are_sent_to_log_in_for_the_replay(client, past):
    response = client.get(reverse("courses:live_replay", args=[past.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- lists, mentor and staff -------------------------------------------------------------


def test_the_list_filters_by_topic_and_shows_replays(client, live_index, past):
    live_session(live_index, title="社群早安打卡", topic="community")
    live_session(live_index, title="朋友圈晒单", topic="moments")
    page = client.get(live_index.url + "?topic=community").content.decode()
    assert "社群早安打卡" in page and "朋友圈晒单" not in page
    page = client.get(live_index.url).content.decode()
    assert "爆款选品复盘" in page and "精彩回放" in page


def test_the_list_filtered_by_tier_keeps_the_sessions_for_everyone(client, academy, live_index):
    live_session(live_index, title="人人可听的直播")
    live_session(live_index, title="中班的直播", tier=academy.intermediate)
    live_session(live_index, title="高班的直播", tier=academy.advanced)
    page = client.get(live_index.url).content.decode()
    chosen = dict(form_fields(rendered_form(page, ".live-filter")))
    chosen["tier"] = str(academy.intermediate.level)
    response = client.get(live_index.url, chosen)
    assert response.status_code == 200
    page = response.content.decode()
    assert "人人可听的直播" in page and "中班的直播" in page
    assert "高班的直播" not in page


def test_the_mentor_sees_her_sessions_and_questions_by_votes(client, session, live_index):
    mentor_user = session.mentor.user
    other = live_session(live_index, title="别的导师的直播")
    fans = [shopkeeper() for _ in range(3)]
    for fan in fans:
        services.sign_up(fan, session)
    low = services.ask(fans[0], session, "少人问的问题")
    high = services.ask(fans[1], session, "很多人想问的问题")
    for fan in fans:
        services.vote(fan, high)
    services.vote(fans[2], low)
    client.force_login(mentor_user)
    page = client.get(reverse("courses:live_mentor")).content.decode()
    assert session.title in page and "3 人报名" in page
    assert "别的导师的直播" not in page
    page = client.get(reverse("courses:live_mentor_session", args=[session.pk])).content.decode()
    assert page.index("很多人想问的问题") < page.index("少人问的问题")
    assert "3 人点赞" in page
    url = reverse("courses:live_mentor_session", args=[other.pk])
    assert client.get(url).status_code == 404


def test_staff_on_a_session_page_are_led_back_to_their_report(client, session):
    client.force_login(staff(roles.PROGRAM_STAFF))
    page = client.get(reverse("courses:live_mentor_session", args=[session.pk])).content.decode()
    crumbs = [a["href"] for a in BeautifulSoup(page, "html.parser").select(".breadcrumbs a")]
    assert crumbs == [reverse("courses:live_staff")]
    assert client.get(crumbs[0]).status_code == 200


def test_staff_see_attendance_and_export_it(client, live_index, django_assert_max_num_queries):
    session = live_session(live_index, start=timezone.now() + timedelta(minutes=5))
    came, stayed_away = shopkeeper(user__display_name="=陈丽娟"), shopkeeper()
    services.sign_up(came, session)
    services.sign_up(stayed_away, session)
    services.join(came, session)
    for number in range(3):
        live_session(live_index, title=f"其他直播 {number}")
    client.force_login(staff(roles.PROGRAM_STAFF))
    with django_assert_max_num_queries(15):
        page = client.get(reverse("courses:live_staff")).content.decode()
    assert "2 人报名 · 1 人进入直播间 · 0 人看了回放" in page
    response = client.get(reverse("courses:live_staff_csv", args=[session.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["姓名", "邮箱"]
    assert len(rows) == 3
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email[came.email][5] == "1"
    assert by_email[came.email][0] == "'=陈丽娟"  # no formula injection in spreadsheets
    assert by_email[stayed_away.email][4] == ""


def test_the_attendance_report_and_export_are_for_staff_only(client, session):
    urls = [reverse("courses:live_staff"), reverse("courses:live_staff_csv", args=[session.pk])]
    for url in urls:
        assert client.get(url).status_code == 302  # to log in
    client.force_login(shopkeeper())
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(staff(roles.EDITOR))
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_my_learning_lists_the_sessions_i_signed_up_for(client, session, live_index):
    live_session(live_index, title="没报名的直播")
    user = shopkeeper()
    services.sign_up(user, session)
    client.force_login(user)
    page = client.get(reverse("dashboard")).content.decode()
    assert session.title in page and "没报名的直播" not in page
    client.force_login(session.mentor.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("courses:live_mentor") in page


def test_materials_follow_the_sessions_tier(client, academy, live_index):
    course(academy.beginner, "basics", lessons=1, quiz=False)
    handout, secret = files.document(), files.document(name="团队方案.txt")
    open_session = live_session(
        live_index, materials=[{"type": "file", "value": {"document": handout.id, "label": ""}}]
    )
    locked = live_session(
        live_index,
        tier=academy.advanced,
        materials=[{"type": "file", "value": {"document": secret.id, "label": ""}}],
    )
    client.force_login(shopkeeper())
    page = client.get(open_session.url).content.decode()
    url = reverse("courses:live_material", args=[open_session.pk, handout.id])
    assert url in page
    assert client.get(url).status_code == 200
    assert (
        client.get(reverse("courses:live_material", args=[locked.pk, secret.id])).status_code == 403
    )
    assert (
        client.get(reverse("courses:live_material", args=[open_session.pk, secret.id])).status_code
        == 404
    )
    # Nor through the document's own address.
    assert (
        client.get(reverse("wagtaildocs_serve", args=[secret.id, secret.filename])).status_code
        == 403
    )
    assert (
        client.get(reverse("wagtaildocs_serve", args=[handout.id, handout.filename])).status_code
        == 200
    )


def test_the_session_page_costs_the_same_queries_with_many_questions(
    client, session, django_assert_max_num_queries
):
    people = [shopkeeper() for _ in range(4)]
    for person in people:
        services.sign_up(person, session)
    for number in range(30):
        question = services.ask(people[number % 4], session, f"问题 {number}")
        services.vote(people[(number + 1) % 4], question)
    client.force_login(people[0])
    with django_assert_max_num_queries(22):
        page = client.get(session.url).content.decode()
    assert page.count('class="card live-question') == 30
