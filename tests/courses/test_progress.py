"""Enrolment and lesson progress: one tap, idempotent, resumable, kept through content changes."""

import pytest
from django.urls import reverse

from academy import roles
from courses import services
from courses.models import Certificate, Enrolment, LessonProgress
from tests.academy.factories import staff
from tests.courses import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(academy):
    return factories.course(academy.beginner, "how-to-share", lessons=3)


@pytest.fixture
def user(client):
    user = factories.learner()
    client.force_login(user)
    return user


def test_course_and_lesson_urls_are_readable(course):
    lesson = factories.lessons_of(course)[0]
    assert course.url == "/academy/beginner/how-to-share/"
    assert lesson.url == "/academy/beginner/how-to-share/lesson-1/"
    assert factories.quiz_of(course).url == "/academy/beginner/how-to-share/quiz/"


def test_one_tap_enrols_and_opens_the_first_lesson(client, course, user):
    response = client.post(reverse("courses:enrol", args=[course.id]))
    assert response.status_code == 302
    assert response["Location"] == "/academy/beginner/how-to-share/lesson-1/"
    assert Enrolment.objects.filter(user=user, course=course).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "第 1 课的内容" in page


def test_enrolling_twice_keeps_one_enrolment(client, course, user):
    for _ in range(2):
        client.post(reverse("courses:enrol", args=[course.id]))
    assert Enrolment.objects.filter(user=user).count() == 1


def test_enrol_needs_a_post_and_a_login(client, course):
    assert client.get(reverse("courses:enrol", args=[course.id])).status_code in {302, 405}
    client.logout()
    response = client.post(reverse("courses:enrol", args=[course.id]))
    assert response["Location"].startswith("/accounts/login/")
    assert not Enrolment.objects.exists()


def test_marking_a_lesson_complete_twice_records_one_completion(client, course, user):
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    first = client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    progress = LessonProgress.objects.get(user=user, lesson=lesson)
    assert progress.completed_at is not None
    assert LessonProgress.objects.filter(user=user).count() == 1
    assert first["Location"] == "/academy/beginner/how-to-share/lesson-2/"


def test_the_course_page_shows_progress_and_continues_at_the_next_lesson(client, course, user):
    services.enrol(user, course)
    services.record_lesson_complete(user, factories.lessons_of(course)[0])
    page = client.get(course.url).content.decode()
    assert 'value="25"' in page  # one of three lessons and the quiz
    assert "/academy/beginner/how-to-share/lesson-2/" in page


def test_resume_returns_to_the_lesson_left_open(client, course, user):
    services.enrol(user, course)
    lessons = factories.lessons_of(course)
    services.record_lesson_complete(user, lessons[0])
    client.get(lessons[2].url)  # the learner jumped ahead and left here
    page = client.get("/me/").content.decode()
    assert "/academy/beginner/how-to-share/lesson-3/" in page


def test_rereading_a_lesson_writes_nothing_until_minutes_pass(client, course, user):
    services.enrol(user, course)
    lessons = factories.lessons_of(course)
    client.get(lessons[1].url)
    enrolment = Enrolment.objects.get(user=user, course=course)
    assert enrolment.last_lesson_id == lessons[1].id
    first_seen = enrolment.last_seen_at
    client.get(lessons[1].url)
    assert Enrolment.objects.get(pk=enrolment.pk).last_seen_at == first_seen
    # Another lesson is remembered at once; the same one again after a while.
    client.get(lessons[2].url)
    assert Enrolment.objects.get(pk=enrolment.pk).last_lesson_id == lessons[2].id
    an_hour_ago = first_seen - services.VISIT_GRANULARITY * 12
    Enrolment.objects.filter(pk=enrolment.pk).update(last_seen_at=an_hour_ago)
    client.get(lessons[2].url)
    assert Enrolment.objects.get(pk=enrolment.pk).last_seen_at > an_hour_ago


def test_player_position_is_kept_and_resumed(client, academy, user):
    from tests.courses import files

    media = files.audio()
    course = factories.course(
        academy.beginner,
        "listen",
        lessons=1,
        bodies={1: [{"type": "audio", "value": {"audio": media.id, "title": "语音"}}]},
    )
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    url = reverse("courses:lesson_position", args=[lesson.id])
    response = client.post(url, {"seconds": "42.5", "duration": "100"})
    assert response.json() == {"position": 42, "completed": False, "completed_now": False}
    assert 'data-resume-at="42"' in client.get(lesson.url).content.decode()


def test_watching_ninety_percent_completes_the_lesson(client, course, user):
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    url = reverse("courses:lesson_position", args=[lesson.id])
    assert client.post(url, {"seconds": 80, "duration": 100}).json()["completed"] is False
    data = client.post(url, {"seconds": 90, "duration": 100}).json()
    assert data == {"position": 90, "completed": True, "completed_now": True}
    assert LessonProgress.objects.get(user=user, lesson=lesson).completed_at is not None


@pytest.mark.parametrize(
    "data",
    [
        {"seconds": "abc", "duration": "100"},
        {"seconds": "-1", "duration": "100"},
        {"seconds": "10", "duration": "0"},
        {"seconds": "10"},
        {"seconds": "nan", "duration": "100"},
        {"seconds": "10", "duration": "999999999"},
    ],
)
def test_bad_player_positions_are_refused_and_save_nothing(client, course, user, data):
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    response = client.post(reverse("courses:lesson_position", args=[lesson.id]), data)
    assert response.status_code == 400
    assert "秒" in response.json()["error"]
    assert not LessonProgress.objects.filter(user=user).exists()


def test_unknown_lesson_is_a_404(client, user):
    assert client.post(reverse("courses:complete_lesson", args=[999999])).status_code == 404


def test_editing_a_lesson_keeps_learners_progress(course, user):
    factories.complete(user, course)
    lesson = factories.lessons_of(course)[0]
    lesson.title = "改过的标题"
    lesson.body = [factories.paragraph("全新的内容")]
    lesson.save_revision().publish()
    assert LessonProgress.objects.get(user=user, lesson=lesson).completed_at is not None
    assert Enrolment.objects.get(user=user).completed_at is not None


def test_adding_a_lesson_after_completion_does_not_revoke_it(course, user):
    from courses.models import LessonPage

    factories.complete(user, course)
    course.add_child(
        instance=LessonPage(title="新课时", slug="new", body=[factories.paragraph("新")])
    )
    assert Enrolment.objects.get(user=user).completed_at is not None


def test_unpublishing_a_course_keeps_progress_and_certificates(client, course, user):
    factories.complete(user, course)
    from wagtail.actions.unpublish_page import UnpublishPageAction

    admin = staff(roles.ADMINISTRATOR)
    UnpublishPageAction(course, user=admin, include_descendants=True).execute()
    assert Enrolment.objects.get(user=user).completed_at is not None
    assert LessonProgress.objects.filter(user=user, completed_at__isnull=False).count() == 3
    certificate = Certificate.objects.get(user=user, kind="course")
    page = client.get("/me/").content.decode()
    assert certificate.title in page


def test_deleting_a_course_keeps_progress_and_certificates(client, course, user):
    factories.complete(user, course)
    title = course.title
    course.delete()
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.course is None and enrolment.course_title == title
    assert LessonProgress.objects.filter(user=user, lesson__isnull=True).count() == 3
    certificate = Certificate.objects.get(user=user, kind="course")
    assert certificate.course is None and certificate.title == title
    assert client.get(certificate.get_absolute_url()).status_code == 200
    page = client.get("/me/").content.decode()
    assert title in page
