"""Per-viewer signed links to a stream's playlists and segments.

A token binds the media, the stream's fingerprint (hence its folder), the
viewer and an expiry: the video's duration plus ``ACADEMY_HLS_LINK_MINUTES``.
It travels in the URL path, so the stored playlists' relative URIs carry it to
every segment, and a player that sends no cookies (iOS's native HLS) still
works. Checking it needs no database query; a copied link stops working when
it expires, and only a viewer who passed the permission check ever gets one.
"""

import re
import time

from django.conf import settings
from django.core import signing

from courses.video.services import folder_for

SALT = "courses.video.hls"
_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


def mint(user, stream):
    seconds = int(stream.duration or 0) + settings.ACADEMY_HLS_LINK_MINUTES * 60
    expires = int(time.time()) + seconds
    return signing.dumps(
        [stream.media_id, stream.fingerprint, user.pk, expires], salt=SALT, compress=False
    )


def folder(token, media_id):
    """The storage folder the token opens for ``media_id``, or None (tampered, expired,
    or minted for another media)."""
    try:
        token_media, fingerprint, _user, expires = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if token_media != media_id or not isinstance(expires, int) or time.time() > expires:
        return None
    if not isinstance(fingerprint, str) or not _FINGERPRINT.match(fingerprint):
        return None
    return folder_for(media_id, fingerprint)
