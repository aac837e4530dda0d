"""Views of lesson and replay streams: the permission check that mints a viewer's
signed link, the posters, and the signed playlists and segments themselves.

Bytes go out through ``academy.delivery.serve_file`` (the front server or the
object storage sends them in production).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from academy import delivery
from courses.live.views import _replay_session
from courses.models import MediaStream, StreamStatus
from courses.video import ffmpeg, tokens
from courses.views import _lesson_for_file

# A VOD playlist lists one line pair per segment of four seconds: 256 KiB is many hours.
MAX_PLAYLIST_BYTES = 256 * 1024
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
}


def _ready_stream(media_id):
    stream = (
        MediaStream.objects.filter(media_id=media_id, status=StreamStatus.READY)
        .only("media_id", "fingerprint", "duration", "poster", "folder")
        .first()
    )
    if stream is None:
        raise Http404
    return stream


def _to_master(request, media_id):
    """Send the player to the master playlist, under a token minted for this viewer."""
    stream = _ready_stream(media_id)
    token = tokens.mint(request.user, stream)
    response = redirect(reverse("courses:hls_file", args=[media_id, token, ffmpeg.MASTER]))
    response["Cache-Control"] = "private, no-store"
    return response


def _poster(request, media_id):
    stream = _ready_stream(media_id)
    if not stream.poster:
        raise Http404
    return delivery.serve_file(request, stream.poster.name, content_type="image/jpeg")


@require_GET
def lesson_stream(request, lesson_id, media_id):
    _lesson_for_file(request, lesson_id, "media", media_id)
    return _to_master(request, media_id)


@require_GET
def lesson_poster(request, lesson_id, media_id):
    _lesson_for_file(request, lesson_id, "media", media_id)
    return _poster(request, media_id)


def _replay_media_id(request, session_id):
    session, refusal = _replay_session(request, session_id)
    if refusal is not None or not session.replay_video_id:
        # Players fetch these: a plain 403, also for visitors.
        raise PermissionDenied
    return session.replay_video_id


@require_GET
def replay_stream(request, session_id):
    return _to_master(request, _replay_media_id(request, session_id))


@require_GET
def replay_poster(request, session_id):
    return _poster(request, _replay_media_id(request, session_id))


@require_GET
def hls_file(request, media_id, token, path):
    """A playlist, segment or poster of a stream, for the holder of a valid token.

    The token is the permission (minted after the check above): no session, no
    query. Anything else is a bare 403.
    """
    folder = tokens.folder(token, media_id)
    if folder is None or not ffmpeg.FOLDER_PATH.match(path):
        return HttpResponseForbidden()
    content_type = CONTENT_TYPES["." + path.rsplit(".", 1)[-1]]
    name = f"{folder}/{path}"
    try:
        if path.endswith(".m3u8") and settings.ACADEMY_FILE_DELIVERY == delivery.S3:
            return _playlist(name, content_type)
        return delivery.serve_file(request, name, content_type=content_type)
    except FileNotFoundError:
        raise Http404 from None


def _playlist(name, content_type):
    """A playlist answered here, not by a redirect to the object storage: its relative
    URIs must resolve under this signed path, so that every segment is checked too (the
    segments themselves leave by signed redirects). A playlist is a few hundred bytes."""
    with default_storage.open(name, "rb") as handle:
        body = handle.read(MAX_PLAYLIST_BYTES)
    return delivery.private(HttpResponse(body, content_type=content_type))
