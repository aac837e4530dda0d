"""The production stack behind Debian's nginx, as docs/deployment.md configures it.

Lesson files pass the academy's permission check and then leave through nginx
(X-Accel-Redirect): nginx sends the bytes and answers Range requests itself, a
locked learner gets a 403 and nothing else, and nobody reaches the internal
location or private uploads directly. Static files come from nginx, cached and
compressed.
"""

import re

import pytest
import redis
from django.urls import reverse

from courses import services as courses
from tests.academy.factories import shopkeeper
from tests.courses import files
from tests.courses.factories import academy, course, lessons_of
from tests.reliability.stack import Visitor

pytestmark = pytest.mark.postgres

AUDIO_SIZE = 256 * 1024


@pytest.fixture(scope="module")
def stack(private_redis, app_database_url, production):
    env = production(app_database_url, private_redis.url(0))
    (env.web_process,) = env.start(env.web(workers=1))
    return env


@pytest.fixture
def lessons(postgres_db, home_page, stack, private_redis, settings):
    """An open lesson and a locked one, each with an audio file and a document."""
    settings.MEDIA_ROOT = stack.media_root  # files where the stack's nginx finds them
    tiers = academy(home_page)
    made = {}
    for name, tier in (("open", tiers.beginner), ("locked", tiers.intermediate)):
        doc, img, audio = files.document(), files.image(), files.audio(size=AUDIO_SIZE)
        page = course(
            tier,
            f"{name}-course",
            lessons=1,
            quiz=False,
            bodies={1: files.body_with_files(doc, img, audio)},
        )
        lesson = lessons_of(page)[0]
        made[name] = {
            "course": page,
            "audio": audio,
            "doc": doc,
            "media_url": reverse("courses:lesson_media", args=[lesson.id, audio.id]),
            "document_url": reverse("courses:lesson_document", args=[lesson.id, doc.id]),
        }
    learner = shopkeeper()
    courses.enrol(learner, made["open"]["course"])
    # The stack's catalogue, cached in its own Redis by an earlier test, knows other pages.
    redis.Redis.from_url(private_redis.url(0)).flushdb()
    made["learner"] = Visitor.logged_in(stack.web_process.url, learner)
    return made


def test_nginx_sends_lesson_files_after_the_academys_check(lessons):
    learner, lesson = lessons["learner"], lessons["open"]
    audio = lesson["audio"].file.read()
    whole = learner.get(lesson["media_url"])
    assert whole.status_code == 200
    assert whole.content == audio
    assert whole.headers["Content-Type"] == "audio/mpeg"
    assert whole.headers["Cache-Control"].startswith("private")
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in whole.headers  # nginx keeps its internal path to itself
    # nginx's own ETag (mtime-size in hex): the bytes came from nginx, not from gunicorn.
    size = f"{AUDIO_SIZE:x}"
    assert re.fullmatch(rf'"[0-9a-f]+-{size}"', whole.headers["ETag"])

    # Seeking: nginx answers the range (the academy's own answer is empty).
    part = learner.get(lesson["media_url"], headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{AUDIO_SIZE}"
    assert part.content == audio[1000:2000]

    document = lesson["doc"].file.read()
    download = learner.get(lesson["document_url"])
    assert download.status_code == 200
    assert download.content == document
    assert download.headers["Content-Disposition"].startswith("attachment")
    # Wagtail's own document URL: its permission hook, then the same hand-over to nginx.
    wagtails = learner.get(lesson["doc"].url)
    assert wagtails.status_code == 200
    assert wagtails.content == document


def test_a_locked_learner_and_direct_paths_get_no_bytes(lessons):
    learner, locked = lessons["learner"], lessons["locked"]
    audio = locked["audio"].file.read()
    refused = learner.get(locked["media_url"])
    assert refused.status_code == 403
    assert audio[:64] not in refused.content
    assert learner.get(locked["doc"].url).status_code == 403
    stored = locked["audio"].file.name
    for path in (f"/_protected/{stored}", f"/media/{stored}", f"/media/{locked['doc'].file.name}"):
        direct = learner.get(path)
        assert direct.status_code == 404, path
        assert audio[:64] not in direct.content, path


def test_static_files_come_from_nginx_cached_for_good_and_compressed(lessons, stack):
    visitor = Visitor(stack.web_process.url)
    home = visitor.get("/")
    assert home.status_code == 200
    css = re.search(r"/static/academy/css/academy\.[0-9a-f]{12}\.css", home.text).group(0)
    response = visitor.request("GET", css)
    assert response.status_code == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"  # requests asks for gzip
