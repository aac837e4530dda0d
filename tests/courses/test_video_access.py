"""A lesson's stream reaches only those who may study the lesson, through per-viewer
signed links: every playlist and segment with a valid token, nothing with an expired,
tampered or foreign one, and no token at all for a locked learner."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from courses import services
from tests.courses import factories, files, hls

pytestmark = pytest.mark.django_db

CONTENT_TYPES = {"m3u8": "application/vnd.apple.mpegurl", "ts": "video/mp2t", "jpg": "image/jpeg"}


def video_body(media):
    return [{"type": "video", "value": {"video": media.id, "caption": "实拍示范"}}]


@pytest.fixture
def world(academy):
    """A beginner course with a video lesson (the learner is enrolled) and the same video
    in an advanced lesson, locked for her."""
    media = files.audio()  # stand-in bytes: these tests use a ready stream's files
    stream = files.ready_stream(media)
    open_course = factories.course(
        academy.beginner, "open", lessons=1, bodies={1: video_body(media)}
    )
    factories.course(academy.intermediate, "middle", lessons=1)
    locked = factories.course(academy.advanced, "locked", lessons=1, bodies={1: video_body(media)})
    learner = factories.learner()
    services.enrol(learner, open_course)
    return {
        "media": media,
        "stream": stream,
        "lesson": factories.lessons_of(open_course)[0],
        "locked_lesson": factories.lessons_of(locked)[0],
        "learner": learner,
    }


def master_url(client, lesson, media):
    response = client.get(reverse("courses:lesson_media_stream", args=[lesson.id, media.id]))
    assert response.status_code == 302, response.status_code
    assert response["Cache-Control"] == "private, no-store"
    return response["Location"]


def fetch(url):
    """As a player without the viewer's cookies would (iOS's native HLS, a copied link)."""
    return Client().get(url)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_learner_reaches_every_playlist_segment_and_the_poster_with_her_token(client, world):
    client.force_login(world["learner"])
    master = master_url(client, world["lesson"], world["media"])
    assert re.fullmatch(rf"/learn/hls/{world['media'].id}/[^/]+/master\.m3u8", master)
    base = master.rsplit("/", 1)[0]
    response = fetch(master)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES["m3u8"]
    fetched = ["master.m3u8"]
    for _attributes, uri in hls.master(body(response).decode()):
        playlist = fetch(f"{base}/{uri}")
        assert playlist.status_code == 200
        fetched.append(uri)
        folder = uri.rsplit("/", 1)[0]
        for _seconds, segment in hls.media(body(playlist).decode())[1]:
            response = fetch(f"{base}/{folder}/{segment}")
            assert response.status_code == 200
            assert response["Content-Type"] == CONTENT_TYPES["ts"]
            assert body(response).startswith(b"G")
            fetched.append(f"{folder}/{segment}")
    assert fetched == [
        "master.m3u8",
        "360p/index.m3u8",
        "360p/seg_00000.ts",
        "360p/seg_00001.ts",
    ]
    poster = client.get(
        reverse("courses:lesson_media_poster", args=[world["lesson"].id, world["media"].id])
    )
    assert poster.status_code == 200 and poster["Content-Type"] == "image/jpeg"


def test_checking_a_token_takes_no_database_query(client, world, django_assert_num_queries):
    client.force_login(world["learner"])
    master = master_url(client, world["lesson"], world["media"])
    anonymous = Client()
    with django_assert_num_queries(0):
        assert anonymous.get(master).status_code == 200


def test_an_expired_link_is_refused_with_an_empty_403(client, world, time_machine):
    client.force_login(world["learner"])
    master = master_url(client, world["lesson"], world["media"])
    segment = master.replace("master.m3u8", "360p/seg_00000.ts")
    # Valid for the video's 8 seconds plus two hours.
    time_machine.move_to(timezone.now() + timedelta(hours=1, minutes=59))
    assert fetch(segment).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    for url in (master, segment):
        response = fetch(url)
        assert response.status_code == 403 and response.content == b""


def test_a_tampered_or_foreign_token_and_paths_outside_the_folder_are_refused(client, world):
    client.force_login(world["learner"])
    master = master_url(client, world["lesson"], world["media"])
    prefix, media_id, token, name = master.rsplit("/", 3)
    other = files.audio(title="别的课的语音")
    files.ready_stream(other, fingerprint="fedcba9876543210")
    refused = [
        f"{prefix}/{media_id}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/{name}",
        f"{prefix}/{media_id}/x{token}/{name}",
        f"{prefix}/{other.id}/{token}/{name}",  # her token opens only the media it names
        f"{prefix}/{media_id}/{token}/../../{other.id}/fedcba9876543210/master.m3u8",
        f"{prefix}/{media_id}/{token}/360p/../../../../secret.txt",
        f"{prefix}/{media_id}/{token}/360p/index.m3u8.bak",
        f"{prefix}/{media_id}/{token}/clip.mp4",
    ]
    for url in refused:
        response = fetch(url)
        assert response.status_code in (403, 404), url
        assert response.content == b"" or response.status_code == 404, url


def test_a_locked_learner_a_visitor_and_a_learner_not_enrolled_get_no_token(client, world):
    lesson, locked, media = world["lesson"], world["locked_lesson"], world["media"]
    url = reverse("courses:lesson_media_stream", args=[locked.id, media.id])
    client.force_login(world["learner"])
    response = client.get(url)
    assert response.status_code == 403 and "Location" not in response
    assert (
        client.get(reverse("courses:lesson_media_poster", args=[locked.id, media.id])).status_code
        == 403
    )
    client.force_login(factories.learner())  # not enrolled in the open course
    assert (
        client.get(reverse("courses:lesson_media_stream", args=[lesson.id, media.id])).status_code
        == 403
    )
    client.logout()
    assert (
        client.get(reverse("courses:lesson_media_stream", args=[lesson.id, media.id])).status_code
        == 403
    )


def test_a_stream_not_ready_has_no_playlist_and_the_lesson_plays_the_original(client, world):
    from courses.models import MediaStream, StreamStatus

    MediaStream.objects.filter(media=world["media"]).update(status=StreamStatus.PROCESSING)
    client.force_login(world["learner"])
    lesson, media = world["lesson"], world["media"]
    assert (
        client.get(reverse("courses:lesson_media_stream", args=[lesson.id, media.id])).status_code
        == 404
    )
    html = client.get(lesson.url).content.decode()
    assert "data-hls-src" not in html
    assert f'src="{reverse("courses:lesson_media", args=[lesson.id, media.id])}"' in html


def test_the_lesson_player_gets_the_stream_poster_and_wechat_attributes(client, world):
    client.force_login(world["learner"])
    lesson, media = world["lesson"], world["media"]
    html = client.get(lesson.url).content.decode()
    video = re.search(r"<video[^>]*>", html).group(0)
    for attribute in (
        "playsinline",
        "webkit-playsinline",
        "x5-playsinline",
        'x5-video-player-type="h5"',
    ):
        assert attribute in video
    assert (
        f'data-hls-src="{reverse("courses:lesson_media_stream", args=[lesson.id, media.id])}"'
        in video
    )
    assert f'poster="{reverse("courses:lesson_media_poster", args=[lesson.id, media.id])}"' in video
    assert "hls-1.7.4.light.min.js" in video and "data-lesson-player" in video
    assert " src=" not in video  # the script (or the browser, without it) picks a source


def test_a_replay_stream_follows_the_replay_rules(client, live_index, time_machine):
    media = files.audio()
    files.ready_stream(media)
    session = factories.live_session(live_index, replay_video=media)
    stream_url = reverse("courses:live_replay_stream", args=[session.pk])
    viewer = factories.learner()
    client.force_login(viewer)
    assert client.get(stream_url).status_code == 403  # not over yet: no replay
    time_machine.move_to(session.end + timedelta(minutes=5))
    response = client.get(stream_url)
    assert response.status_code == 302
    assert fetch(response["Location"]).status_code == 200
    html = client.get(reverse("courses:live_replay", args=[session.pk])).content.decode()
    assert f'data-hls-src="{stream_url}"' in html
    assert client.get(reverse("courses:live_replay_poster", args=[session.pk])).status_code == 200
    client.logout()
    assert client.get(stream_url).status_code == 403


def test_a_valid_link_to_a_file_that_is_gone_is_a_404(client, world):
    from django.core.files.storage import default_storage

    client.force_login(world["learner"])
    master = master_url(client, world["lesson"], world["media"])
    default_storage.delete(f"{world['stream'].folder}/360p/seg_00001.ts")
    assert fetch(master.replace("master.m3u8", "360p/seg_00001.ts")).status_code == 404
