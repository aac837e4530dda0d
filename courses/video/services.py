"""Converting uploaded video and audio to HLS: queue, convert, retry, sweep.

- ``queue(media)``: a new upload (post_save of Media) gets a waiting row and a
  task sent after the transaction commits;
- ``convert(media_id)``: the task's body. It claims the row, converts in a
  temporary folder, stores the output under ``hls/<media id>/<fingerprint>/``
  and marks the row ready in one transaction. Running it again for the same
  source does nothing; a row whose worker died is claimed again once its
  heartbeat is older than ``ACADEMY_VIDEO_STALE_MINUTES``;
- ``retry(stream)``: an editor sends a failed conversion again;
- ``sweep()``: the periodic task; sends again what a lost message or a dead
  worker left behind, and gives up after ``ACADEMY_VIDEO_MAX_ATTEMPTS``.

The original upload is never changed or deleted here.
"""

import hashlib
import logging
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtailmedia.models import get_media_model

from courses.models import MediaStream, StreamFailure, StreamStatus
from courses.video import ffmpeg

logger = logging.getLogger(__name__)

# Bump when the renditions change: every source is then converted again.
PIPELINE_VERSION = "1"
# Progress is written at most this often (and at least every HEARTBEAT_SECONDS).
PROGRESS_EVERY_SECONDS = 2.0
HEARTBEAT_SECONDS = 30.0
# Share of the progress bar for ffmpeg; the rest is storing the output.
CONVERT_SHARE = 95
SWEEP_BATCH = 200


def folder_for(media_id, fingerprint):
    return f"hls/{media_id}/{fingerprint}"


def fingerprint(media):
    """Names the source: its storage name (new for each upload), size, kind and pipeline."""
    size = media.file.storage.size(media.file.name)
    key = "\0".join([media.file.name, str(size), media.type, PIPELINE_VERSION])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


# --- queueing ---------------------------------------------------------------------------


def media_saved(sender, instance, raw=False, **kwargs):
    """post_save of Media: convert a new upload (an edit of the title changes nothing)."""
    if not raw:
        queue(instance)


def queue(media):
    """A waiting row for ``media``'s current file and a task after commit; None if unchanged."""
    if not media.file:
        return None
    name = media.file.name
    if MediaStream.objects.filter(media=media, source_name=name).exists():
        return None
    stream, _created = MediaStream.objects.update_or_create(
        media=media,
        defaults={
            "status": StreamStatus.PENDING,
            "source_name": name,
            "fingerprint": "",
            "progress": 0,
            "failure": "",
            "failure_detail": "",
            "attempts": 0,
            "queued_at": timezone.now(),
            "started_at": None,
            "heartbeat_at": None,
            "finished_at": None,
        },
    )
    media_id = media.pk
    transaction.on_commit(lambda: send(media_id))
    return stream


def send(media_id):
    """Send the conversion task; if the broker is away, the sweep sends it later."""
    from courses.tasks import transcode_media

    try:
        transcode_media.delay(media_id)
    except Exception:
        logger.warning("Could not queue the conversion of media %s", media_id, exc_info=True)


def retry(stream):
    """Send a failed (or stuck) conversion again, with a fresh count of attempts."""
    with transaction.atomic():
        updated = (
            MediaStream.objects.filter(pk=stream.pk)
            .exclude(status=StreamStatus.READY)
            .update(
                status=StreamStatus.PENDING,
                progress=0,
                failure="",
                failure_detail="",
                attempts=0,
                queued_at=timezone.now(),
                heartbeat_at=None,
            )
        )
        if updated:
            media_id = stream.media_id
            transaction.on_commit(lambda: send(media_id))
    return bool(updated)


def sweep(now=None):
    """Send again the conversions a lost message or a dead worker left behind.

    Returns (sent, given up). A row is sent at most once per stale period.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.ACADEMY_VIDEO_STALE_MINUTES)
    lost_worker = Q(status=StreamStatus.PROCESSING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
    )
    due = MediaStream.objects.filter(
        Q(status=StreamStatus.PENDING) | lost_worker,
        queued_at__lt=stale,
    ).order_by("queued_at")[:SWEEP_BATCH]
    sent = given_up = 0
    for stream in due:
        if stream.status == StreamStatus.PROCESSING and _out_of_attempts(stream):
            given_up += MediaStream.objects.filter(
                pk=stream.pk, status=StreamStatus.PROCESSING, heartbeat_at=stream.heartbeat_at
            ).update(
                status=StreamStatus.FAILED,
                failure=StreamFailure.GAVE_UP,
                finished_at=now,
            )
            continue
        if MediaStream.objects.filter(pk=stream.pk, queued_at=stream.queued_at).update(
            queued_at=now
        ):
            send(stream.media_id)
            sent += 1
    return sent, given_up


def _out_of_attempts(stream):
    return stream.attempts >= settings.ACADEMY_VIDEO_MAX_ATTEMPTS


# --- converting --------------------------------------------------------------------------


def convert(media_id):
    """Convert ``media_id``'s file to HLS unless it is done, being done or failed.

    Returns the stream's status afterwards (or None if the media is gone).
    """
    claim = _claim(media_id)
    if not isinstance(claim, tuple):
        return claim
    stream, media = claim
    work = Path(tempfile.mkdtemp(prefix=f"academy-hls-{media_id}-"))
    try:
        folder, result = _produce(stream, media, work)
        return _publish(stream, folder, result)
    except ffmpeg.ToolError as error:
        _mine(stream).update(
            status=StreamStatus.FAILED,
            failure=error.failure,
            failure_detail=(error.detail or "")[:2000],
            progress=0,
            finished_at=timezone.now(),
        )
        return StreamStatus.FAILED
    except ffmpeg.Stopped:
        logger.info("Conversion of media %s superseded by a new upload", media_id)
        return None
    except Exception as error:
        # Storage or database trouble: the row waits for the sweep, which gives up
        # after ACADEMY_VIDEO_MAX_ATTEMPTS.
        logger.exception("Conversion of media %s failed; it will be tried again", media_id)
        _mine(stream).update(status=StreamStatus.PENDING, failure_detail=repr(error)[:2000])
        return StreamStatus.PENDING
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _mine(stream):
    """The row, as long as it is still this worker's claim (same source, same attempt)."""
    return MediaStream.objects.filter(
        pk=stream.pk,
        status=StreamStatus.PROCESSING,
        fingerprint=stream.fingerprint,
        attempts=stream.attempts,
    )


def _claim(media_id):
    """Lock the row and take it for this worker: (stream, media), or the status to
    return when there is nothing to do."""
    Media = get_media_model()
    now = timezone.now()
    with transaction.atomic():
        stream = MediaStream.objects.select_for_update().filter(media_id=media_id).first()
        if stream is None:
            media = Media.objects.filter(pk=media_id).first()
            if media is None or not media.file:
                return None
            MediaStream.objects.get_or_create(
                media=media, defaults={"source_name": media.file.name}
            )
            stream = MediaStream.objects.select_for_update().get(media_id=media_id)
        media = Media.objects.filter(pk=media_id).first()
        if media is None or not media.file:
            return None
        try:
            print_ = fingerprint(media)
        except OSError as error:
            stream.fingerprint = ""
            _mark_failed(stream, StreamFailure.SOURCE_MISSING, str(error), now)
            return stream.status
        if stream.status == StreamStatus.READY and stream.fingerprint == print_:
            return stream.status
        if stream.status == StreamStatus.FAILED and stream.source_name == media.file.name:
            return stream.status
        stale = now - timedelta(minutes=settings.ACADEMY_VIDEO_STALE_MINUTES)
        if (
            stream.status == StreamStatus.PROCESSING
            and stream.heartbeat_at is not None
            and stream.heartbeat_at >= stale
        ):
            return stream.status  # another worker is at it
        if _out_of_attempts(stream):
            _mark_failed(stream, StreamFailure.GAVE_UP, stream.failure_detail, now)
            return stream.status
        stream.status = StreamStatus.PROCESSING
        stream.source_name = media.file.name
        stream.fingerprint = print_
        stream.attempts += 1
        stream.progress = 0
        stream.failure = ""
        stream.started_at = stream.heartbeat_at = now
        stream.finished_at = None
        stream.save()
    return stream, media


def _mark_failed(stream, failure, detail, now):
    stream.status = StreamStatus.FAILED
    stream.failure = failure
    stream.failure_detail = (detail or "")[:2000]
    stream.finished_at = now
    stream.progress = 0
    stream.save()


class _Progress:
    """Writes the progress to the row, throttled; stops ffmpeg when the row is superseded."""

    def __init__(self, stream):
        self.rows = _mine(stream)
        self.percent = 0
        self.written_at = time.monotonic()

    def __call__(self, fraction):
        self.update(int(fraction * CONVERT_SHARE))

    def update(self, percent, force=False):
        now = time.monotonic()
        since = now - self.written_at
        changed = percent > self.percent
        if not force and not (
            (changed and since >= PROGRESS_EVERY_SECONDS) or since >= HEARTBEAT_SECONDS
        ):
            return
        self.percent, self.written_at = max(percent, self.percent), now
        if not self.rows.update(progress=self.percent, heartbeat_at=timezone.now()):
            raise ffmpeg.Stopped


def _local_source(media, work):
    """A local path ffmpeg can read: the file itself on local storage, else a copy."""
    try:
        return Path(media.file.path)
    except NotImplementedError:
        target = work / ("source" + Path(media.file.name).suffix)
        with media.file.open("rb") as source, open(target, "wb") as copy:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        return target


def _produce(stream, media, work):
    """Convert into ``work/out`` and store it; (storage folder, what to write on the row)."""
    progress = _Progress(stream)
    try:
        source = _local_source(media, work)
    except OSError as error:
        raise ffmpeg.ToolError(StreamFailure.SOURCE_MISSING, str(error)) from error
    info = ffmpeg.probe(source)
    renditions = ffmpeg.plan(info, media.type)
    if not renditions:
        raise ffmpeg.ToolError(StreamFailure.NO_STREAMS, "no audio to convert")
    out = work / "out"
    out.mkdir()
    ffmpeg.transcode(
        source,
        out,
        info,
        renditions,
        on_progress=progress,
        timeout=settings.ACADEMY_VIDEO_TIMEOUT_MINUTES * 60,
    )
    produced = [ffmpeg.measure(out, rendition) for rendition in renditions]
    ffmpeg.write_master(out, produced, info.has_audio)
    poster = ffmpeg.poster(source, out, info) if renditions[0].size else None
    progress.update(CONVERT_SHARE, force=True)
    folder = folder_for(media.pk, stream.fingerprint)
    _store(out, folder, progress)
    return folder, {
        "duration": round(info.duration, 3),
        "renditions": [
            {key: entry[key] for key in ("name", "height", "width", "bandwidth", "codecs")}
            for entry in produced
        ],
        "poster": f"{folder}/{ffmpeg.POSTER}" if poster else "",
        "size": (info.width, info.height),
    }


def _store(out, folder, progress):
    """Copy the output to the default storage, replacing what an interrupted run left."""
    files = sorted(
        path
        for path in out.rglob("*")
        if path.is_file() and ffmpeg.FOLDER_PATH.match(path.relative_to(out).as_posix())
    )
    for number, path in enumerate(files, start=1):
        name = f"{folder}/{path.relative_to(out).as_posix()}"
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(path, "rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise OSError(f"storage saved {name} as {saved}")
        share = (100 - CONVERT_SHARE - 1) * number // len(files)
        progress.update(CONVERT_SHARE + share)


def _publish(claimed, folder, result):
    """Mark the row ready (if it is still this conversion's) and drop the older output."""
    with transaction.atomic():
        stream = _mine(claimed).select_for_update().first()
        if stream is None:
            # A new upload took over; its output lives in another folder.
            current = MediaStream.objects.filter(pk=claimed.pk).first()
            if current is None or current.fingerprint != claimed.fingerprint:
                transaction.on_commit(lambda: delete_folder(folder))
            return current.status if current else None
        previous = stream.folder
        stream.status = StreamStatus.READY
        stream.progress = 100
        stream.folder = folder
        stream.duration = result["duration"]
        stream.renditions = result["renditions"]
        stream.poster.name = result["poster"]
        stream.failure = ""
        stream.failure_detail = ""
        stream.finished_at = stream.heartbeat_at = timezone.now()
        stream.save()
        width, height = result["size"]
        media = get_media_model().objects.filter(pk=stream.media_id)
        # Fill what the editor left empty; never overwrite what she typed.
        media.filter(duration=0).update(duration=result["duration"])
        if width:
            media.filter(width__isnull=True).update(width=width, height=height)
        if previous and previous != folder:
            transaction.on_commit(lambda: delete_folder(previous))
    return StreamStatus.READY


def delete_folder(folder, storage=None):
    """Delete a stream's output (best effort: a leftover costs space, not correctness)."""
    storage = storage or default_storage
    try:
        shutil.rmtree(storage.path(folder), ignore_errors=True)
        return
    except NotImplementedError:
        pass
    try:
        directories, files = storage.listdir(folder)
    except (OSError, NotImplementedError):
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for directory in directories:
        delete_folder(f"{folder}/{directory}", storage)


def stream_deleted(sender, instance, **kwargs):
    """post_delete of MediaStream (with its media): its output goes after commit."""
    if instance.folder:
        folder = instance.folder
        transaction.on_commit(lambda: delete_folder(folder))
