"""How a file body reaches the browser once a view has checked who may read it.

``serve_file`` is the one way the academy answers with a stored file (lesson
media, HLS playlists and segments, documents, certificates, replays). A view
checks permission first, then calls it. How the bytes travel is a setting
(``ACADEMY_FILE_DELIVERY``):

- ``django``: the web worker streams the file itself, with HTTP Range support
  (development and tests);
- ``accel``: an ``X-Accel-Redirect`` to the front web server's internal
  location, which sends the file (production behind nginx);
- ``s3``: a redirect to a short-lived signed URL on the object storage.
"""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse

# Largest part of a media file sent per range request; players ask for the rest.
RANGE_CHUNK = 4 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def private(response):
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_file(request, name, *, content_type, storage=None, attachment_filename=None):
    """Answer with the stored file ``name`` (of ``storage``, the default storage
    unless given). ``attachment_filename`` makes it a download."""
    storage = storage or default_storage
    return _stream(request, storage, name, content_type, attachment_filename)


def _stream(request, storage, name, content_type, attachment_filename):
    if attachment_filename:
        response = FileResponse(
            storage.open(name, "rb"),
            as_attachment=True,
            filename=attachment_filename,
            content_type=content_type,
        )
        return private(response)
    size = storage.size(name)
    match = _RANGE.match(request.headers.get("Range", ""))
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return private(response)
    first, last = match.groups()
    if first:
        start, end = int(first), int(last) if last else size - 1
    else:
        start, end = max(0, size - int(last)), size - 1
    end = min(end, size - 1, start + RANGE_CHUNK - 1)
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with storage.open(name, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start + 1)
    response = HttpResponse(data, status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    return private(response)
