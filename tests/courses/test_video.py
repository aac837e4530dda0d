"""Uploads become HLS through the real task and ffmpeg: renditions, poster, duration,
failures that keep the original, and conversions that run once and survive a dead worker."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from courses import tasks
from courses.models import MediaStream, StreamFailure, StreamStatus
from courses.video import services
from tests.courses import files, hls

pytestmark = pytest.mark.django_db


def uploaded(on_commit, **clip):
    """Upload a clip as an editor would: the conversion task runs when the save commits."""
    with on_commit(execute=True):
        media = files.clip(**clip)
    return media, MediaStream.objects.get(media=media)


def read(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def test_an_uploaded_video_becomes_360p_and_720p_hls_with_poster_and_duration(
    django_capture_on_commit_callbacks,
):
    media, stream = uploaded(django_capture_on_commit_callbacks, size="1280x720", seconds=3)
    original = read(media.file.name)

    assert stream.status == StreamStatus.READY and stream.progress == 100
    assert stream.folder == f"hls/{media.pk}/{stream.fingerprint}"
    assert stream.duration == pytest.approx(3, abs=0.2)
    assert [(r["name"], r["height"]) for r in stream.renditions] == [("360p", 360), ("720p", 720)]
    variants = hls.master(read(f"{stream.folder}/master.m3u8").decode())
    assert [uri for _attributes, uri in variants] == ["360p/index.m3u8", "720p/index.m3u8"]
    low, high = (attributes for attributes, _uri in variants)
    assert low["RESOLUTION"] == "640x360" and high["RESOLUTION"] == "1280x720"
    assert low["CODECS"] == "avc1.4d401e,mp4a.40.2" and high["CODECS"].startswith("avc1.4d401f")
    assert 0 < int(low["BANDWIDTH"]) < int(high["BANDWIDTH"])
    for _attributes, uri in variants:
        tags, segments = hls.media(read(f"{stream.folder}/{uri}").decode())
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in tags and "#EXT-X-ENDLIST" in tags
        assert sum(seconds for seconds, _name in segments) == pytest.approx(3, abs=0.2)
        assert all(seconds <= 4.1 for seconds, _name in segments)
        rendition = uri.split("/")[0]
        for _seconds, name in segments:
            assert read(f"{stream.folder}/{rendition}/{name}")[:1] == b"G"  # MPEG-TS sync byte
    assert read(stream.poster.name)[:2] == b"\xff\xd8"  # a JPEG
    media.refresh_from_db()
    assert media.duration == pytest.approx(3, abs=0.2) and media.height == 720
    assert read(media.file.name) == original  # the upload is kept as it was


def test_a_small_video_is_not_upscaled_beyond_its_size_but_still_gets_360p(
    django_capture_on_commit_callbacks,
):
    _media, stream = uploaded(django_capture_on_commit_callbacks, size="854x480", seconds=2)
    assert [(r["name"], r["height"]) for r in stream.renditions] == [("360p", 360), ("480p", 480)]
    _media, stream = uploaded(django_capture_on_commit_callbacks, size="320x240", seconds=2)
    assert [r["name"] for r in stream.renditions] == ["360p"]


def test_an_audio_lesson_gets_one_aac_rendition(django_capture_on_commit_callbacks):
    _media, stream = uploaded(
        django_capture_on_commit_callbacks, size=None, seconds=2, kind="audio", title="导师语音"
    )
    assert stream.status == StreamStatus.READY
    assert not stream.poster
    ((attributes, uri),) = hls.master(read(f"{stream.folder}/master.m3u8").decode())
    assert attributes["CODECS"] == "mp4a.40.2" and "RESOLUTION" not in attributes
    assert uri == "audio/index.m3u8"
    _tags, segments = hls.media(read(f"{stream.folder}/{uri}").decode())
    assert segments and int(attributes["BANDWIDTH"]) < 150_000


def test_a_corrupt_upload_fails_with_its_reason_and_the_original_is_kept(
    django_capture_on_commit_callbacks,
):
    from wagtailmedia.models import get_media_model

    with django_capture_on_commit_callbacks(execute=True):
        media = get_media_model()(title="坏文件", type="video")
        media.file.save("broken.mp4", ContentFile(b"not a video at all" * 100), save=False)
        media.save()
    stream = MediaStream.objects.get(media=media)
    assert stream.status == StreamStatus.FAILED
    assert stream.failure == StreamFailure.NOT_MEDIA
    assert stream.failure_message == "这个文件不是我们能读取的视频或音频。"
    assert stream.failure_detail  # ffprobe's own words, for whoever fixes it
    assert read(media.file.name) == b"not a video at all" * 100
    assert not default_storage.exists(f"hls/{media.pk}")


def test_without_ffmpeg_on_the_worker_the_reason_says_so(
    settings, django_capture_on_commit_callbacks
):
    settings.ACADEMY_FFPROBE = "no-such-ffprobe"
    media = files.audio()
    services.convert(media.pk)
    stream = MediaStream.objects.get(media=media)
    assert stream.status == StreamStatus.FAILED
    assert stream.failure == StreamFailure.TOOLS_MISSING


def test_converting_the_same_source_again_does_nothing_and_a_new_upload_converts_again(
    django_capture_on_commit_callbacks,
):
    media, stream = uploaded(django_capture_on_commit_callbacks, size=None, seconds=2, kind="audio")
    master = f"{stream.folder}/master.m3u8"
    written = default_storage.get_modified_time(master)

    # The task delivered twice, the sweep, and an edit of the title: nothing new.
    assert tasks.transcode_media(media.pk) == StreamStatus.READY
    assert services.sweep(timezone.now() + timedelta(days=1)) == (0, 0)
    # (Tasks run at once in tests: a conversion sent after this commit would count.)
    with django_capture_on_commit_callbacks(execute=True):
        media.title = "导师语音（新标题）"
        media.save()
    again = MediaStream.objects.get(media=media)
    assert (again.attempts, again.folder, again.fingerprint) == (
        1,
        stream.folder,
        stream.fingerprint,
    )
    assert default_storage.get_modified_time(master) == written

    # A new file for the same media: converted again into a new folder; the old one goes.
    with django_capture_on_commit_callbacks(execute=True):
        media.file.save("new-voice.m4a", ContentFile(files._clip_bytes(None, 3, 10, True, "m4a")))
    renewed = MediaStream.objects.get(media=media)
    assert renewed.status == StreamStatus.READY
    assert renewed.fingerprint != stream.fingerprint
    assert renewed.duration == pytest.approx(3, abs=0.2)
    assert default_storage.exists(f"{renewed.folder}/master.m3u8")
    assert not default_storage.exists(master)


def test_a_conversion_whose_worker_died_is_taken_over_by_the_sweep(time_machine):
    media = files.clip(seconds=2)  # no commit here: the task was never sent
    stream = MediaStream.objects.get(media=media)
    # A worker claimed it and died mid-way.
    MediaStream.objects.filter(pk=stream.pk).update(
        status=StreamStatus.PROCESSING, attempts=1, heartbeat_at=timezone.now(), progress=40
    )
    # Redelivered while the heartbeat is fresh: left to the worker that holds it.
    assert services.convert(media.pk) == StreamStatus.PROCESSING
    assert services.sweep() == (0, 0)

    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert tasks.sweep_media_streams() == (1, 0)  # eager Celery: the conversion ran
    stream.refresh_from_db()
    assert stream.status == StreamStatus.READY and stream.attempts == 2


def test_a_conversion_that_keeps_dying_is_given_up_with_a_reason(settings, time_machine):
    media = files.clip(seconds=2)
    MediaStream.objects.filter(media=media).update(
        status=StreamStatus.PROCESSING,
        attempts=settings.ACADEMY_VIDEO_MAX_ATTEMPTS,
        heartbeat_at=timezone.now(),
    )
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert services.sweep() == (0, 1)
    stream = MediaStream.objects.get(media=media)
    assert stream.status == StreamStatus.FAILED and stream.failure == StreamFailure.GAVE_UP
    assert "中断" in stream.failure_message


def test_a_waiting_conversion_whose_message_was_lost_is_sent_again(time_machine):
    media = files.clip(seconds=2)  # saved outside a commit: its task was never sent
    assert MediaStream.objects.get(media=media).status == StreamStatus.PENDING
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    assert services.sweep() == (1, 0)
    assert MediaStream.objects.get(media=media).status == StreamStatus.READY
    # Sent once per stale period, not on every sweep.
    assert services.sweep() == (0, 0)


def test_a_new_upload_stops_the_conversion_of_the_old_file(django_capture_on_commit_callbacks):
    media = files.clip(seconds=2)
    stream = MediaStream.objects.get(media=media)
    claimed, _media = services._claim(media.pk)
    # The editor uploads another file while the worker converts the first one.
    media.file.save("other.mp4", ContentFile(files._clip_bytes("320x240", 2, 10, True, "mp4")))
    with pytest.raises(services.ffmpeg.Stopped):
        services._Progress(claimed).update(50, force=True)
    assert MediaStream.objects.get(pk=stream.pk).status == StreamStatus.PENDING


def test_progress_is_written_while_ffmpeg_converts(monkeypatch):
    media = files.clip(seconds=3)
    seen = []
    monkeypatch.setattr(services, "PROGRESS_EVERY_SECONDS", 0)
    update = services._Progress.update

    def spy(progress, percent, force=False):
        update(progress, percent, force)
        seen.append(MediaStream.objects.get(media=media).progress)

    monkeypatch.setattr(services._Progress, "update", spy)
    assert services.convert(media.pk) == StreamStatus.READY
    assert seen == sorted(seen) and 0 < seen[0] < 100 and max(seen) >= 95


def test_convert_media_converts_what_waits_and_with_failed_what_failed():
    from django.core.management import call_command

    waiting = files.clip(size=None, seconds=2, kind="audio", title="等待转码")
    broken = files.clip(size=None, seconds=2, kind="audio", title="曾经失败")
    MediaStream.objects.filter(media=broken).update(
        status=StreamStatus.FAILED, failure=StreamFailure.TIMEOUT
    )
    call_command("convert_media", stdout=io.StringIO())
    assert MediaStream.objects.get(media=waiting).status == StreamStatus.READY
    assert MediaStream.objects.get(media=broken).status == StreamStatus.FAILED
    call_command("convert_media", "--failed", stdout=io.StringIO())
    assert MediaStream.objects.get(media=broken).status == StreamStatus.READY
