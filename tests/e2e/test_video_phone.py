"""A shopkeeper watches an HLS lesson on a 360 px phone: hls.js plays it from the lowest
rendition through her signed links, and after a reload it resumes where she stopped."""

import pytest

from courses import services
from courses.models import LessonProgress, MediaStream, StreamStatus
from tests.courses import factories, files
from tests.e2e.phone import no_horizontal_scroll
from tests.e2e.test_course_phone import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLAYING = "() => { const v = document.querySelector('video'); return v.currentTime > %s; }"


@pytest.fixture
def watcher(home_page):
    tree = factories.academy(home_page)
    # Saved and committed: the conversion task runs (eagerly in tests) as after an upload.
    video = files.clip("朋友圈实拍示范", size="854x480", seconds=12, rate=10)
    assert MediaStream.objects.get(media=video).status == StreamStatus.READY
    course = factories.course(
        tree.beginner,
        "watch",
        lessons=2,
        bodies={1: [{"type": "video", "value": {"video": video.id, "caption": "实拍示范"}}]},
    )
    user = factories.learner(user__email="watcher@example.com")
    services.enrol(user, course)
    return user, factories.lessons_of(course)[0]


def play(phone):
    phone.wait_for_function("() => document.querySelector('video').hls !== undefined")
    phone.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")


def test_the_lesson_video_streams_through_hls_js_and_resumes_after_a_reload(
    watcher, phone, artifacts_dir
):
    user, lesson = watcher
    fetched = []
    phone.on("request", lambda request: fetched.append(request.url))
    log_in(phone, "watcher@example.com")
    phone.goto(lesson.url)
    assert no_horizontal_scroll(phone)
    play(phone)
    phone.wait_for_function(PLAYING % 1.5)
    assert phone.evaluate("document.querySelector('video').readyState") >= 2
    segments = [url for url in fetched if url.endswith(".ts")]
    assert "/learn/hls/" in segments[0] and "/360p/seg_00000.ts" in segments[0]  # lowest first
    assert phone.evaluate("document.querySelector('video').hls.levels.length") == 2
    phone.screenshot(path=artifacts_dir / "01-playing.png")

    # Pausing reports the position; the reload starts there, not at the beginning.
    phone.evaluate("() => { const v = document.querySelector('video'); v.currentTime = 9; }")
    phone.wait_for_function(PLAYING % 9)
    with phone.expect_response(lambda response: "/position/" in response.url):
        phone.evaluate("() => document.querySelector('video').pause()")
    saved = LessonProgress.objects.get(user=user, lesson=lesson).position_seconds
    assert saved >= 9
    fetched.clear()
    phone.reload()
    play(phone)
    phone.wait_for_function(PLAYING % (saved - 0.5))
    segments = [url for url in fetched if url.endswith(".ts")]
    assert "seg_00000.ts" not in segments[0]  # started at the saved position
    assert no_horizontal_scroll(phone)
    phone.screenshot(path=artifacts_dir / "02-resumed.png")
