"""我的学习, lessons and the signed-in home page are kept per learner: each sees only her
own progress, and what she just did (or an editor just published) is on her next page."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from courses import services
from courses.models import LessonPage
from tests.courses import factories
from tests.kept_pages import kept, warm

pytestmark = pytest.mark.django_db

BUDGET = 8


def completed_shown(page):
    return re.search(r'<p class="status-pill status-pill--completed" data-lesson-status>', page)


def steps_done(page, course_title):
    found = re.search(
        rf"<strong>{re.escape(course_title)}</strong>.*?(\d+) of (\d+) steps done|"
        rf"<strong>{re.escape(course_title)}</strong>.*?已完成 (\d+)/(\d+) 步",
        page,
        re.S,
    )
    assert found, page
    numbers = [int(n) for n in found.groups() if n is not None]
    return tuple(numbers)


@pytest.fixture
def course(academy):
    return factories.course(academy.beginner, "how-to-share", lessons=3, title="朋友圈分享")


@pytest.fixture
def learner(client):
    user = factories.learner(user__display_name="王丽娟")
    client.force_login(user)
    return user


def test_two_learners_on_the_same_lesson_each_see_their_own_progress(academy, course):
    other_course = factories.course(academy.beginner, "live-selling", lessons=2, title="直播带货")
    alice = factories.learner(user__display_name="王丽娟")
    bob = factories.learner(user__display_name="李国强")
    lesson = factories.lessons_of(course)[0]
    services.enrol(alice, course)
    services.record_lesson_complete(alice, lesson)
    services.enrol(bob, course)
    services.enrol(bob, other_course)
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    for url in (lesson.url, "/me/", "/"):
        warm(as_alice, url)
        page_a = warm(as_alice, url).content.decode()
        page_b = warm(as_bob, url).content.decode()
        assert "王丽娟" not in page_b
        assert "李国强" not in page_a
        if url == lesson.url:
            assert completed_shown(page_a)
            assert not completed_shown(page_b)
        if url == "/me/":
            assert "直播带货" in page_b
            assert "直播带货" not in page_a


def test_completing_a_lesson_shows_on_the_very_next_pages(client, course, learner):
    services.enrol(learner, course)
    lesson = factories.lessons_of(course)[0]
    assert not completed_shown(warm(client, lesson.url).content.decode())
    before = steps_done(warm(client, "/me/").content.decode(), "朋友圈分享")
    client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    assert completed_shown(client.get(lesson.url).content.decode())
    assert steps_done(client.get("/me/").content.decode(), "朋友圈分享")[0] == before[0] + 1


def test_enrolling_shows_the_course_on_the_next_dashboard(client, course, learner):
    assert "朋友圈分享" not in warm(client, "/me/").content.decode()
    response = client.post(reverse("courses:enrol", args=[course.id]))
    client.get(response["Location"])  # the first lesson, with its one-off message
    page = client.get("/me/")
    assert not kept(page)
    assert "朋友圈分享" in page.content.decode()


def test_a_quiz_answer_shows_on_the_next_dashboard(client, course, learner):
    factories.complete(learner, factories.course(course.get_parent(), "warm-up", lessons=1))
    services.enrol(learner, course)
    quiz = factories.quiz_of(course)
    page = warm(client, "/me/").content.decode()
    assert page.count("· 100% ·") == 1
    client.post(quiz.url, factories.post_data(quiz, factories.answers(quiz), uuid.uuid4()))
    assert client.get("/me/").content.decode().count("· 100% ·") == 2


def test_a_player_report_moves_continue_learning_at_once(client, course, learner):
    services.enrol(learner, course)
    lessons = factories.lessons_of(course)
    client.get(lessons[0].url)
    assert f'href="{lessons[0].url}" data-continue' in warm(client, "/").content.decode()
    position = reverse("courses:lesson_position", args=[lessons[2].id])
    assert client.post(position, {"seconds": "30", "duration": "600"}).status_code == 200
    assert f'href="{lessons[2].url}" data-continue' in client.get("/").content.decode()


def test_going_back_to_a_kept_lesson_still_moves_continue_learning(client, course, learner):
    services.enrol(learner, course)
    first, second, _third = factories.lessons_of(course)
    warm(client, first.url)
    client.get(second.url)
    assert f'href="{second.url}" data-continue' in client.get("/me/").content.decode()
    client.get(first.url)
    assert f'href="{first.url}" data-continue' in client.get("/me/").content.decode()


def test_published_and_unpublished_lessons_reach_learners_with_kept_pages(client, course, learner):
    services.enrol(learner, course)
    lessons = factories.lessons_of(course)
    assert steps_done(warm(client, "/me/").content.decode(), "朋友圈分享")[1] == 4
    warm(client, lessons[2].url)
    lessons[2].unpublish()
    assert client.get(lessons[2].url).status_code == 404
    assert steps_done(client.get("/me/").content.decode(), "朋友圈分享")[1] == 3
    warm(client, "/me/")
    added = course.add_child(
        instance=LessonPage(title="第4课", slug="lesson-4", body=[factories.paragraph("新课")])
    )
    added.save_revision().publish()
    assert steps_done(client.get("/me/").content.decode(), "朋友圈分享")[1] == 4
    warm(client, lessons[0].url)
    lessons[0].title = "朋友圈第一课（新版）"
    lessons[0].save_revision().publish()
    assert "朋友圈第一课（新版）" in client.get(lessons[0].url).content.decode()


@pytest.mark.parametrize("which", ["dashboard", "lesson", "home"])
def test_signed_in_pages_stay_within_budget_on_a_warm_cache(
    client, course, learner, which, django_assert_max_num_queries
):
    services.enrol(learner, course)
    lesson = factories.lessons_of(course)[1]
    services.record_lesson_complete(learner, factories.lessons_of(course)[0])
    url = {"dashboard": "/me/", "lesson": lesson.url, "home": "/"}[which]
    warm(client, url)
    with django_assert_max_num_queries(BUDGET):
        assert client.get(url).status_code == 200
