"""How a file body reaches the browser once a view has checked who may read it.

``serve_file`` is the one way the academy answers with a stored file (lesson
media, HLS playlists and segments, documents, certificates, replays). A view
checks permission first, then calls it. How the bytes travel is a setting
(``ACADEMY_FILE_DELIVERY``):

- ``django``: the web worker streams the file itself, with HTTP Range support
  (``make run`` and tests);
- ``accel``: an empty answer with ``X-Accel-Redirect`` to the front web server's
  internal location (``ACADEMY_ACCEL_PREFIX``, an alias of ``MEDIA_ROOT``), which
  sends the file, Range requests included (production behind nginx; see
  ``deploy/nginx/academy.conf.template``);
- ``s3``: a redirect to a signed URL on the object storage that expires after
  ``ACADEMY_SIGNED_URL_SECONDS``.

In the last two a web worker spends a millisecond on a file, however slowly the
phone reads it. Wagtail's document view uses this module as its
``SENDFILE_BACKEND`` (``sendfile`` below).
"""

import re
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

DJANGO, ACCEL, S3 = "django", "accel", "s3"
MODES = (DJANGO, ACCEL, S3)

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
    mode = settings.ACADEMY_FILE_DELIVERY
    if mode == ACCEL:
        return _accel(_accel_uri(storage.path(name)), content_type, attachment_filename)
    if mode == S3:
        return _signed_redirect(storage, name, content_type, attachment_filename)
    return _stream(request, storage, name, content_type, attachment_filename)


def sendfile(request, filename, mimetype=None, **kwargs):
    """Wagtail's ``SENDFILE_BACKEND`` for documents on local storage (``filename`` is
    absolute). Wagtail adds Content-Disposition and Content-Type afterwards. On
    object storage Wagtail redirects to the file's signed URL instead."""
    if settings.ACADEMY_FILE_DELIVERY == ACCEL:
        return _accel(_accel_uri(filename), mimetype or "application/octet-stream", None)
    from wagtail.utils.sendfile_streaming_backend import sendfile as stream

    return private(stream(request, filename, mimetype=mimetype, **kwargs))


# --- accel: the front server sends the file ---------------------------------------------


def _accel_uri(path):
    """The internal URI of a file under MEDIA_ROOT, percent-encoded (nginx decodes it)."""
    try:
        relative = Path(path).relative_to(Path(settings.MEDIA_ROOT))
    except ValueError:
        raise ImproperlyConfigured(
            f"ACADEMY_FILE_DELIVERY=accel serves files under MEDIA_ROOT only, not {path}"
        ) from None
    return settings.ACADEMY_ACCEL_PREFIX + quote(relative.as_posix(), safe="/")


def _accel(uri, content_type, attachment_filename):
    # nginx keeps Content-Type, Content-Disposition and Cache-Control of this answer
    # and sends the file from its internal location (Range, ETag, If-Modified-Since).
    # X-Accel-Buffering and X-Accel-Expires concern a proxied body or nginx's own
    # cache; there is neither here.
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = uri
    if attachment_filename:
        response["Content-Disposition"] = content_disposition_header(True, attachment_filename)
    return private(response)


# --- s3: the object storage sends the file ----------------------------------------------


def _signed_redirect(storage, name, content_type, attachment_filename):
    from storages.backends.s3 import S3Storage

    if not isinstance(storage, S3Storage):
        raise ImproperlyConfigured(
            "ACADEMY_FILE_DELIVERY=s3 needs files on the object storage (MEDIA_S3_BUCKET)"
        )
    seconds = settings.ACADEMY_SIGNED_URL_SECONDS
    # The storage answers with these headers, whatever it stored at upload.
    parameters = {
        "ResponseContentType": content_type,
        "ResponseCacheControl": "private, max-age=3600",
    }
    if attachment_filename:
        parameters["ResponseContentDisposition"] = content_disposition_header(
            True, attachment_filename
        )
    response = HttpResponseRedirect(storage.url(name, parameters=parameters, expire=seconds))
    response["Cache-Control"] = signed_redirect_cache_control()
    return response


def signed_redirect_cache_control():
    """The browser may reuse a redirect while the URL it names stays valid for a while."""
    return f"private, max-age={settings.ACADEMY_SIGNED_URL_SECONDS // 2}"


# --- django: the web worker sends the file (development) ------------------------------


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
