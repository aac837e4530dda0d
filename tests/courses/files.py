"""Small real files (a document, a picture, an audio clip, video) for lesson bodies in tests."""

import functools
import io
import shutil
import subprocess
import tempfile
import uuid

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model


def document(name="模板.txt", content=None):
    content = content if content is not None else "朋友圈文案模板".encode()
    doc = get_document_model()(title="文案模板")
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def image(title="课时配图"):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (64, 48), (200, 16, 46)).save(buffer, format="PNG")
    img = get_image_model()(title=title)
    img.file = ImageFile(io.BytesIO(buffer.getvalue()), name="picture.png")
    img.save()
    return img


def audio(title="导师语音", size=4000):
    media = get_media_model()(title=title, type="audio", duration=10)
    media.file.save("voice.mp3", ContentFile(bytes(range(256)) * (size // 256)), save=False)
    media.save()
    return media


def body_with_files(doc, img, media):
    return [
        {"type": "paragraph", "value": "<p>付费课时的内容</p>", "id": str(uuid.uuid4())},
        {"type": "image", "value": {"image": img.id, "caption": "配图"}, "id": str(uuid.uuid4())},
        {"type": "audio", "value": {"audio": media.id, "title": "语音"}, "id": str(uuid.uuid4())},
        {
            "type": "document",
            "value": {"document": doc.id, "label": "下载模板"},
            "id": str(uuid.uuid4()),
        },
    ]


@functools.cache
def _clip_bytes(size, seconds, rate, audio, container):
    """A short clip from ffmpeg's test sources (made once per test run)."""
    ffmpeg = shutil.which("ffmpeg")
    with tempfile.TemporaryDirectory() as folder:
        target = f"{folder}/clip.{container}"
        inputs = [] if size is None else ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"]
        if audio:
            inputs += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050"]
        codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] if size else []
        if audio:
            codecs += ["-c:a", "aac", "-b:a", "48k"]
        subprocess.run(
            [
                ffmpeg,
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                *inputs,
                "-t",
                str(seconds),
                *codecs,
                target,
            ],
            check=True,
        )
        with open(target, "rb") as handle:
            return handle.read()


def needs_ffmpeg():
    from tests.conftest import _missing

    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        _missing("Debian's ffmpeg is not installed (apt-get install ffmpeg)")


def clip(title="短视频", *, size="320x240", seconds=2, rate=10, audio=True, kind="video"):
    """A real, tiny video (or, with ``size=None``, audio) as a wagtailmedia Media."""
    needs_ffmpeg()
    container = "mp4" if size else "m4a"
    data = _clip_bytes(size, seconds, rate, audio, container)
    media = get_media_model()(title=title, type=kind)
    media.file.save(f"clip.{container}", ContentFile(data), save=False)
    media.save()
    return media


def ready_stream(media, fingerprint="0123456789abcdef", duration=8.0):
    """A ready stream for ``media`` with small stand-in files (no ffmpeg needed)."""
    from django.core.files.storage import default_storage

    from courses.models import MediaStream, StreamStatus

    folder = f"hls/{media.pk}/{fingerprint}"
    contents = {
        "master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,"
        'CODECS="avc1.4d401e,mp4a.40.2"\n360p/index.m3u8\n',
        "360p/index.m3u8": "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        "#EXTINF:4.0,\nseg_00000.ts\n#EXTINF:4.0,\nseg_00001.ts\n#EXT-X-ENDLIST\n",
        "360p/seg_00000.ts": "G" * 188,
        "360p/seg_00001.ts": "G" * 188,
        "poster.jpg": "\xff\xd8poster",
    }
    for name, text in contents.items():
        default_storage.save(f"{folder}/{name}", ContentFile(text.encode("latin-1")))
    stream, _created = MediaStream.objects.update_or_create(
        media=media,
        defaults={
            "status": StreamStatus.READY,
            "source_name": media.file.name,
            "fingerprint": fingerprint,
            "folder": folder,
            "duration": duration,
            "poster": f"{folder}/poster.jpg",
            "progress": 100,
            "renditions": [{"name": "360p", "height": 360, "width": 640, "bandwidth": 800000}],
        },
    )
    return stream
