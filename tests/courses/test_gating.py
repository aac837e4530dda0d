"""Tier gating: who reaches courses, lessons, quizzes and lesson files, by URL."""

import pytest
from django.urls import reverse

from academy import roles
from courses import services
from courses.models import Enrolment, LessonProgress
from tests.academy.factories import staff
from tests.courses import factories, files

pytestmark = pytest.mark.django_db

ANON, BEGINNER, EXEMPTED, STAFF = "anonymous", "beginner", "exempted", "staff"
OK, LOGIN, FORBIDDEN = 200, "login", 403

# What each visitor gets from the URLs of a course in the (locked) intermediate tier.
MATRIX = {
    "course": {ANON: OK, BEGINNER: OK, EXEMPTED: OK, STAFF: OK},
    "lesson": {ANON: LOGIN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
    "quiz": {ANON: LOGIN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
    "image": {ANON: FORBIDDEN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
    "media": {ANON: FORBIDDEN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
    "document": {ANON: FORBIDDEN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
    "wagtail_document": {ANON: FORBIDDEN, BEGINNER: FORBIDDEN, EXEMPTED: OK, STAFF: OK},
}


@pytest.fixture
def locked(academy):
    """A beginner course and an intermediate course whose lesson has a picture, audio and a file."""
    factories.course(academy.beginner, "basics")
    doc, img, media = files.document(), files.image(), files.audio()
    course = factories.course(
        academy.intermediate,
        "groups",
        lessons=1,
        bodies={1: files.body_with_files(doc, img, media)},
    )
    lesson = factories.lessons_of(course)[0]
    return {
        "academy": academy,
        "course": course,
        "urls": {
            "course": course.url,
            "lesson": lesson.url,
            "quiz": factories.quiz_of(course).url,
            "image": reverse("courses:lesson_image", args=[lesson.id, img.id, "width-800"]),
            "media": reverse("courses:lesson_media", args=[lesson.id, media.id]),
            "document": reverse("courses:lesson_document", args=[lesson.id, doc.id]),
            "wagtail_document": doc.url,
        },
    }


def visitor(role, academy, course):
    if role == ANON:
        return None
    if role == STAFF:
        return staff(roles.PROGRAM_STAFF)
    user = factories.learner()
    if role == EXEMPTED:
        services.grant_exemption(
            user, academy.intermediate, reason="线下已学过", granted_by=staff(roles.PROGRAM_STAFF)
        )
        services.enrol(user, course)
    return user


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("target", list(MATRIX))
@pytest.mark.parametrize("role", [ANON, BEGINNER, EXEMPTED, STAFF])
def test_locked_tier_urls_answer_each_visitor_as_expected(client, locked, target, role):
    user = visitor(role, locked["academy"], locked["course"])
    if user is not None:
        client.force_login(user)
    response = client.get(locked["urls"][target])
    assert outcome(response) == MATRIX[target][role], (target, role, response.status_code)


def test_locked_lesson_says_why_and_what_unlocks_it(client, locked):
    client.force_login(factories.learner())
    response = client.get(locked["urls"]["lesson"])
    assert response.status_code == 403
    text = response.content.decode()
    assert "中班进阶" in text and "新手入门" in text
    assert "付费课时的内容" not in text


def test_anonymous_visitor_reads_the_course_description_but_not_lessons(client, locked):
    page = client.get(locked["urls"]["course"]).content.decode()
    assert "一门用来测试的课程" in page
    assert "付费课时的内容" not in page
    assert "登录" in page


def test_locked_course_page_shows_the_lock_and_no_enrol_button(client, locked):
    client.force_login(factories.learner())
    page = client.get(locked["urls"]["course"]).content.decode()
    assert "lock-reason" in page
    assert reverse("courses:enrol", args=[locked["course"].id]) not in page


def test_unlocked_but_not_enrolled_learner_is_sent_to_the_course_to_enrol(client, academy):
    course = factories.course(academy.beginner, "basics")
    client.force_login(factories.learner())
    response = client.get(factories.lessons_of(course)[0].url)
    assert response.status_code == 302
    assert response["Location"] == course.url


def test_completing_the_lower_tier_unlocks_the_next(client, locked):
    user = factories.learner()
    basics = locked["academy"].beginner.get_children().first().specific
    factories.complete(user, basics)
    services.enrol(user, locked["course"])
    client.force_login(user)
    assert client.get(locked["urls"]["lesson"]).status_code == 200


def test_enrolling_in_a_locked_course_is_refused_and_saves_nothing(client, locked):
    user = factories.learner()
    client.force_login(user)
    response = client.post(reverse("courses:enrol", args=[locked["course"].id]))
    assert response.status_code == 403
    assert not Enrolment.objects.filter(user=user).exists()


def test_progress_in_a_locked_tier_is_refused_and_saves_nothing(client, locked):
    user = factories.learner()
    client.force_login(user)
    lesson = factories.lessons_of(locked["course"])[0]
    response = client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    assert response.status_code == 403
    response = client.post(
        reverse("courses:lesson_position", args=[lesson.id]), {"seconds": 50, "duration": 60}
    )
    assert response.status_code == 403
    assert not LessonProgress.objects.filter(user=user).exists()


def test_progress_in_a_course_not_enrolled_is_refused_and_saves_nothing(client, academy):
    course = factories.course(academy.beginner, "basics")
    user = factories.learner()
    client.force_login(user)
    lesson = factories.lessons_of(course)[0]
    response = client.post(reverse("courses:complete_lesson", args=[lesson.id]))
    assert response.status_code == 403
    assert not LessonProgress.objects.filter(user=user).exists()


def test_a_file_not_used_by_the_lesson_is_not_served_through_it(client, academy):
    course = factories.course(academy.beginner, "basics", lessons=1)
    other = files.document(name="other.txt")
    user = factories.learner()
    services.enrol(user, course)
    client.force_login(user)
    lesson = factories.lessons_of(course)[0]
    response = client.get(reverse("courses:lesson_document", args=[lesson.id, other.id]))
    assert response.status_code == 404


def test_lesson_media_supports_range_requests_for_seeking(client, locked):
    user = visitor(EXEMPTED, locked["academy"], locked["course"])
    client.force_login(user)
    response = client.get(locked["urls"]["media"], HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"].startswith("bytes 100-199/")
    assert len(response.content) == 100
    assert response["Cache-Control"].startswith("private")


def test_lesson_pages_never_link_files_by_their_public_storage_url(client, locked):
    user = visitor(EXEMPTED, locked["academy"], locked["course"])
    client.force_login(user)
    page = client.get(locked["urls"]["lesson"]).content.decode()
    assert '"/media/' not in page  # no src/href into the public storage
    assert locked["urls"]["media"] in page and locked["urls"]["document"] in page
    assert locked["urls"]["image"] in page


def test_unpublished_course_closes_its_lessons_to_learners(client, academy):
    course = factories.course(academy.beginner, "basics")
    user = factories.learner()
    services.enrol(user, course)
    lesson = factories.lessons_of(course)[0]
    course.unpublish()
    client.force_login(user)
    response = client.get(lesson.url)
    assert response.status_code == 403
    assert "第 1 课的内容" not in response.content.decode()


@pytest.fixture
def two_required(academy):
    """A beginner tier with two required courses and an optional one; a course above it."""
    first = factories.course(academy.beginner, "first-sale", lessons=1, title="第一单")
    second = factories.course(academy.beginner, "moments", lessons=1, title="朋友圈")
    optional = factories.course(academy.beginner, "extra", lessons=1, required=False)
    above = factories.course(academy.intermediate, "groups", lessons=1)
    return {"first": first, "second": second, "optional": optional, "above": above}


def test_one_of_two_required_courses_does_not_complete_the_tier(client, two_required):
    from courses.models import Certificate, CertificateKind

    user = factories.learner()
    factories.complete(user, two_required["first"])
    factories.complete(user, two_required["optional"])
    client.force_login(user)
    above_lesson = factories.lessons_of(two_required["above"])[0]
    assert client.get(above_lesson.url).status_code == 403
    response = client.post(reverse("courses:enrol", args=[two_required["above"].id]))
    assert response.status_code == 403
    assert not Certificate.objects.filter(user=user, kind=CertificateKind.TIER).exists()
    dashboard = client.get("/me/").content.decode()
    assert "必修课 1/2" in dashboard

    factories.complete(user, two_required["second"])
    assert Certificate.objects.filter(user=user, kind=CertificateKind.TIER).count() == 1
    response = client.post(reverse("courses:enrol", args=[two_required["above"].id]))
    assert response.status_code == 302
    assert client.get(above_lesson.url).status_code == 200


@pytest.fixture
def debug_urls(settings):
    """The URLs as ``make run`` (DEBUG=True) builds them."""
    import importlib

    from django.urls import clear_url_caches

    import academy.urls

    settings.DEBUG = True
    importlib.reload(academy.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(academy.urls)
    clear_url_caches()


def test_under_debug_media_urls_never_bypass_the_lesson_permissions(client, locked, debug_urls):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtailmedia.models import get_media_model

    doc = get_document_model().objects.get()
    img = get_image_model().objects.get()
    media = get_media_model().objects.get()
    client.force_login(factories.learner())  # a beginner: the lesson is locked for her
    for stored in (doc.file, img.file, media.file):
        response = client.get(stored.url)
        assert response.status_code == 404, stored.url
    assert client.get(locked["urls"]["document"]).status_code == 403
    # Renditions (admin thumbnails) stay public in development.
    rendition = img.get_rendition("max-165x165")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
