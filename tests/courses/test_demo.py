"""The demo academy: a real Chinese curriculum, pictures made locally, a learner with progress."""

import io

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model

from academy.models import User
from courses.models import Certificate, CoursePage, Enrolment, LessonPage, QuizPage, TierPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_academy", shopkeepers="20")


def has_chinese(text):
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_demo_academy_is_a_living_curriculum(seeded, client):
    """One seeding, several checks: seeding takes seconds (pictures, a PDF)."""
    check_curriculum()
    check_lesson_blocks()
    check_demo_shopkeeper(client)
    check_pages_render(client)
    check_demo_video(client)


def check_curriculum():
    for tier in TierPage.objects.order_by("level"):
        courses = CoursePage.objects.child_of(tier).live()
        assert courses.count() >= 3, tier.title
        for course in courses:
            lessons = LessonPage.objects.child_of(course).live()
            assert 3 <= lessons.count() <= 6, course.title
            assert has_chinese(course.title) and has_chinese(course.summary)
            assert course.instructor is not None
            assert course.instructor.user.email.endswith("@example.com")
            assert course.cover_image is not None
            quiz = QuizPage.objects.child_of(course).get()
            questions = quiz.question_list()
            assert len(questions) >= 3
            assert all(has_chinese(q["explanation"]) for q in questions)
            assert {q["kind"] for q in questions} & {"single", "multiple", "true_false"}


def check_lesson_blocks():
    kinds = set()
    for lesson in LessonPage.objects.all():
        kinds |= {block.block_type for block in lesson.body}
    assert {"paragraph", "image", "callout", "share_card", "audio"} <= kinds
    assert get_image_model().objects.filter(title__startswith="课时配图").exists()


def check_demo_shopkeeper(client):
    # One beginner course done with a certificate, one half-way.
    user = User.objects.get(email="shopkeeper@example.com")
    done = Enrolment.objects.filter(user=user, completed_at__isnull=False)
    assert done.count() == 1
    assert Enrolment.objects.filter(user=user, completed_at__isnull=True).count() == 1
    certificate = Certificate.objects.get(user=user, kind="course")
    assert certificate.pdf
    client.force_login(user)
    page = client.get("/me/").content.decode()
    assert certificate.title in page
    assert "继续" in page


def test_seeding_twice_changes_nothing(seeded):
    counts = (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
        get_image_model().objects.count(),
    )
    call_command("seed_academy", shopkeepers="20")
    assert counts == (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
        get_image_model().objects.count(),
    )


def check_pages_render(client):
    for url in ["/", "/academy/", "/academy/beginner/", "/academy/beginner/moments-basics/"]:
        assert client.get(url).status_code == 200, url
    client.force_login(User.objects.get(email="shopkeeper@example.com"))
    for url in [
        "/academy/beginner/how-the-platform-works/",
        "/academy/beginner/how-the-platform-works/s2b2c/",
        "/academy/beginner/how-the-platform-works/quiz/",
        "/academy/intermediate/",
        "/me/",
    ]:
        assert client.get(url).status_code == 200, url


def check_demo_video(client):
    """The lesson the demo shopkeeper continues at streams the demo video as HLS."""
    from courses.demo import DEMO_VIDEO_TITLE
    from courses.models import MediaStream

    stream = MediaStream.objects.get(media__title=DEMO_VIDEO_TITLE)
    assert stream.status == "ready"
    assert [r["name"] for r in stream.renditions] == ["360p", "720p"]
    client.force_login(User.objects.get(email="shopkeeper@example.com"))
    html = client.get("/academy/beginner/first-sale/follow-up/").content.decode()
    assert "data-hls-src=" in html and "x5-playsinline" in html


def test_without_ffmpeg_the_seed_says_so_and_goes_on_without_the_video(settings):
    settings.DEBUG = True
    settings.ACADEMY_FFMPEG = "no-such-ffmpeg"
    out = io.StringIO()
    call_command("seed_academy", shopkeepers="0", stdout=out)
    assert "ffmpeg is not installed: no demo video" in out.getvalue()
    lesson = LessonPage.objects.get(slug="follow-up")
    assert "video" not in {block.block_type for block in lesson.body}
