"""The tiers on the home page, 我的学习 on the dashboard, and a mentee's progress for a mentor."""

import pytest
from django.test import RequestFactory

from academy import roles, sections
from courses import services
from tests.academy.factories import mentor, staff
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_tiers(academy):
    first = factories.course(academy.beginner, "basics", title="认识平台", lessons=2)
    factories.course(academy.intermediate, "groups", title="社群运营", lessons=1)
    return first


def test_home_shows_tiers_with_the_visitors_status(client, two_tiers):
    page = client.get("/").content.decode()
    assert "新手入门" in page and "中班进阶" in page
    assert page.count("status-pill--locked") == 2  # anonymous: what opens after what

    user = factories.learner()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert page.count("status-pill--unlocked") == 1
    assert page.count("status-pill--locked") == 2

    factories.complete(user, two_tiers)
    page = client.get("/").content.decode()
    assert page.count("status-pill--completed") == 1
    assert page.count("status-pill--unlocked") == 1
    assert page.count("status-pill--locked") == 1


def test_dashboard_shows_courses_next_lesson_certificates_tiers_and_quiz_results(
    client, academy, two_tiers
):
    user = factories.learner()
    other = factories.course(academy.beginner, "moments", title="发朋友圈", lessons=3)
    factories.complete(user, two_tiers)
    services.enrol(user, other)
    services.record_lesson_complete(user, factories.lessons_of(other)[0])
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert "发朋友圈" in page
    assert other.url + "lesson-2/" in page  # continue with the next lesson
    assert "认识平台" in page  # certificate of the completed course
    assert "课程测验" in page  # recent quiz result
    assert 'value="25"' in page  # one of three lessons and the quiz


def test_a_new_learner_is_invited_to_browse(client, two_tiers):
    client.force_login(factories.learner())
    page = client.get("/me/").content.decode()
    assert 'href="/academy/"' in page


def mentee_section(viewer, mentee):
    request = RequestFactory().get("/")
    request.user = viewer
    found = sections.render_context(sections.MENTEE, request, mentee=mentee)
    return next((s for s in found if s["name"] == "learning"), None)


def test_a_mentor_sees_a_mentees_course_progress(two_tiers):
    mentee = factories.learner(user__display_name="陈丽娟")
    services.enrol(mentee, two_tiers)
    services.record_lesson_complete(mentee, factories.lessons_of(two_tiers)[0])
    section = mentee_section(mentor(), mentee)
    assert section is not None
    progress = section["context"]["current"][0]
    assert progress.course.title == "认识平台"
    assert progress.done_steps == 1
    from django.template.loader import render_to_string

    html = render_to_string(section["template"], {"section": section["context"]})
    assert "陈丽娟" in html and "认识平台" in html


def test_another_shopkeeper_gets_no_mentee_section(two_tiers):
    mentee = factories.learner()
    assert mentee_section(factories.learner(), mentee) is None
    assert mentee_section(staff(roles.PROGRAM_STAFF), mentee) is not None


def test_continue_learning_on_the_home_page_opens_the_lesson_at_its_position(client, academy):
    from tests.courses import files

    media = files.audio()
    audio = [{"type": "audio", "value": {"audio": media.id, "title": "语音"}}]
    course = factories.course(
        academy.beginner, "listen", title="听导师讲", lessons=3, bodies={2: audio}
    )
    older = factories.course(academy.beginner, "older", title="先报的课", lessons=2)
    user = factories.learner()
    services.enrol(user, older)
    services.enrol(user, course)
    lessons = factories.lessons_of(course)
    services.record_lesson_complete(user, lessons[0])
    client.force_login(user)
    client.get(lessons[1].url)  # she listened to the second lesson and left it
    services.record_position(user, lessons[1], seconds="42", duration="100")

    page = client.get("/").content.decode()
    link = page[page.index("data-continue") - 200 : page.index("data-continue")]
    assert f'href="{lessons[1].url}"' in link
    assert page.index("data-continue") < page.index("<h1")  # the first thing she sees
    assert "继续学习：第2课" in page
    assert 'data-resume-at="42"' in client.get(lessons[1].url).content.decode()


def test_without_a_course_in_progress_the_home_page_offers_my_learning(client, two_tiers):
    client.force_login(factories.learner())
    page = client.get("/").content.decode()
    assert "data-continue" not in page
    assert 'class="button" href="/me/">我的学习</a>' in page
    client.logout()
    assert "data-continue" not in client.get("/").content.decode()
