"""In production a stream's bytes leave without a web worker: behind nginx every playlist
and segment by X-Accel-Redirect; on object storage every segment by a signed redirect,
with the small playlists answered under the viewer's signed path so segments stay checked."""

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from courses import services
from tests.courses import factories, files, hls
from tests.courses.test_file_delivery import accel, object_storage  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(client, academy):
    media = files.audio()
    stream = files.ready_stream(media)
    course = factories.course(
        academy.beginner,
        "video",
        lessons=1,
        bodies={1: [{"type": "video", "value": {"video": media.id, "caption": ""}}]},
    )
    learner = factories.learner()
    services.enrol(learner, course)
    client.force_login(learner)
    url = reverse(
        "courses:lesson_media_stream", args=[factories.lessons_of(course)[0].id, media.id]
    )
    master = client.get(url)["Location"]
    return stream, master, master.rsplit("/", 1)[0]


def test_behind_nginx_every_playlist_and_segment_leaves_by_x_accel_redirect(
    accel,  # noqa: F811
    viewer,
    client,
):
    stream, _master, base = viewer
    for path, content_type in [
        ("master.m3u8", "application/vnd.apple.mpegurl"),
        ("360p/index.m3u8", "application/vnd.apple.mpegurl"),
        ("360p/seg_00000.ts", "video/mp2t"),
    ]:
        response = client.get(f"{base}/{path}")
        assert response.status_code == 200 and response.content == b""
        assert response["X-Accel-Redirect"] == f"/_protected/{stream.folder}/{path}"
        assert response["Content-Type"] == content_type


def test_on_object_storage_segments_leave_by_signed_redirects_under_checked_playlists(
    object_storage,  # noqa: F811
    viewer,
    client,
):
    _stream, master, base = viewer
    response = client.get(master)
    assert response.status_code == 200
    variants = hls.master(response.content.decode())
    playlist = client.get(f"{base}/{variants[0][1]}")
    assert playlist.status_code == 200
    _tags, segments = hls.media(playlist.content.decode())
    for _seconds, segment in segments:
        response = client.get(f"{base}/360p/{segment}")
        assert response.status_code == 302
        signed = response["Location"]
        assert urlsplit(signed).netloc == urlsplit(object_storage.url).netloc
        assert requests.get(signed, timeout=5).content == b"G" * 188
    # Without the viewer's token there is no way to a segment.
    forged = f"{base.rsplit('/', 1)[0]}/forged/360p/{segments[0][1]}"
    assert client.get(forged).status_code == 403
