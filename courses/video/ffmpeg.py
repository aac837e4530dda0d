"""ffprobe and ffmpeg as the video pipeline runs them, on files of a local folder.

``probe`` reads what a file holds; ``plan`` chooses the renditions (360p
always, up to 720p without upscaling; one AAC rendition for audio);
``transcode`` writes them as HLS (H.264 + AAC in MPEG-TS segments of about
four seconds, VOD playlists), reporting progress; ``poster`` grabs a frame;
``write_master`` writes the master playlist from what was really produced.
Nothing here knows about Django models or storage.
"""

import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from courses.models import StreamFailure

SEGMENT_SECONDS = 4
MASTER = "master.m3u8"
POSTER = "poster.jpg"
PLAYLIST = "index.m3u8"
SEGMENT_PATTERN = "seg_%05d.ts"
# The paths a stream folder may hold; the HLS view serves nothing else.
FOLDER_PATH = re.compile(
    r"^(?:master\.m3u8|poster\.jpg|(?:\d{3,4}p|audio)/(?:index\.m3u8|seg_\d{5}\.ts))$"
)
AUDIO_CODEC = "mp4a.40.2"  # AAC-LC
DETAIL_LINES = 6


class ToolError(Exception):
    """ffmpeg or ffprobe could not do its part; ``failure`` is a StreamFailure."""

    def __init__(self, failure, detail=""):
        super().__init__(f"{failure}: {detail}")
        self.failure = failure
        self.detail = detail


class Stopped(Exception):
    """The caller asked to stop (its row was superseded by a new upload)."""


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int = 0
    height: int = 0
    has_video: bool = False
    has_audio: bool = False
    audio_channels: int = 0


@dataclass(frozen=True)
class Rendition:
    """One rung of the ladder: ``size`` is the short side in pixels (0 for audio)."""

    name: str
    size: int
    video_kbps: int
    audio_kbps: int
    level: str = ""

    @property
    def codecs(self):
        if not self.size:
            return AUDIO_CODEC
        major, minor = self.level.split(".")
        # H.264 Main profile (0x4d, constraint flags 0x40) at this level.
        return f"avc1.4d40{int(major) * 10 + int(minor):02x},{AUDIO_CODEC}"


LOW = Rendition("360p", 360, video_kbps=700, audio_kbps=96, level="3.0")
HIGH_SIZE = 720
AUDIO = Rendition("audio", 0, video_kbps=0, audio_kbps=64)


def binary(name):
    """The path of ffmpeg or ffprobe, or a ToolError saying they are missing."""
    configured = settings.ACADEMY_FFMPEG if name == "ffmpeg" else settings.ACADEMY_FFPROBE
    path = shutil.which(configured)
    if path is None:
        raise ToolError(StreamFailure.TOOLS_MISSING, f"{configured} not found")
    return path


def available():
    try:
        binary("ffmpeg")
        binary("ffprobe")
    except ToolError:
        return False
    return True


def _tail(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(lines[-DETAIL_LINES:])


def probe(path):
    """What ``path`` holds; ToolError(NOT_MEDIA / NO_STREAMS) when it holds nothing playable."""
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            binary("ffprobe"),
            *("-v", "error", "-print_format", "json", "-show_format", "-show_streams"),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise ToolError(StreamFailure.NOT_MEDIA, _tail(result.stderr))
    data = json.loads(result.stdout or "{}")
    streams = data.get("streams", [])
    video = next(
        (
            s
            for s in streams
            if s.get("codec_type") == "video"
            and not s.get("disposition", {}).get("attached_pic")
            and s.get("width")
        ),
        None,
    )
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if video is None and audio is None:
        raise ToolError(StreamFailure.NO_STREAMS, _tail(result.stderr))
    duration = _float(data.get("format", {}).get("duration")) or max(
        (_float(s.get("duration")) for s in streams), default=0.0
    )
    if duration <= 0:
        raise ToolError(StreamFailure.NOT_MEDIA, "no duration")
    width = height = 0
    if video is not None:
        width, height = int(video["width"]), int(video["height"])
        if _rotation(video) in (90, 270):
            width, height = height, width
    return Probe(
        duration=duration,
        width=width,
        height=height,
        has_video=video is not None,
        has_audio=audio is not None,
        audio_channels=int(audio.get("channels") or 2) if audio else 0,
    )


def _float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def _rotation(stream):
    """Phones store portrait video as landscape with a rotation to apply."""
    rotate = stream.get("tags", {}).get("rotate")
    for side_data in stream.get("side_data_list", []):
        if "rotation" in side_data:
            rotate = side_data["rotation"]
    return abs(int(_float(rotate))) % 360


def plan(info, kind):
    """The renditions to make: audio lessons (or files without picture) get one AAC
    rendition; video gets 360p, and a second one up to 720p when the source is larger
    (never upscaled)."""
    if kind == "audio" or not info.has_video:
        return [AUDIO] if info.has_audio else []
    short = min(info.width, info.height)
    ladder = [LOW]
    if short >= 480:
        size = min(HIGH_SIZE, short - short % 2)
        ladder.append(
            Rendition(
                f"{size}p",
                size,
                video_kbps=2000 if size >= HIGH_SIZE else 1200,
                audio_kbps=128,
                level="3.1",
            )
        )
    return ladder


def _scale(info, rendition):
    if info.width >= info.height:
        return f"scale=w=-2:h={rendition.size},format=yuv420p"
    return f"scale=w={rendition.size}:h=-2,format=yuv420p"


def _output_args(info, rendition, index, out_dir):
    folder = Path(out_dir) / rendition.name
    folder.mkdir(parents=True, exist_ok=True)
    args = []
    if rendition.size:
        kbps = rendition.video_kbps
        args += [
            *("-map", f"[v{index}]", "-c:v", "libx264", "-preset", "veryfast"),
            *("-profile:v", "main", "-level:v", rendition.level, "-fpsmax", "30"),
            *("-b:v", f"{kbps}k", "-maxrate", f"{kbps * 107 // 100}k"),
            *("-bufsize", f"{kbps * 3 // 2}k", "-sc_threshold", "0"),
            *("-force_key_frames", f"expr:gte(t,n_forced*{SEGMENT_SECONDS})"),
        ]
    if info.has_audio:
        channels = str(min(info.audio_channels or 2, 2))
        args += [
            *("-map", "0:a:0", "-c:a", "aac", "-b:a", f"{rendition.audio_kbps}k"),
            *("-ac", channels),
        ]
    if not rendition.size:
        args += ["-vn"]
    args += [
        *("-max_muxing_queue_size", "1024", "-f", "hls", "-hls_time", str(SEGMENT_SECONDS)),
        *("-hls_playlist_type", "vod", "-hls_list_size", "0"),
        *("-hls_flags", "independent_segments", "-hls_segment_type", "mpegts"),
        *("-hls_segment_filename", str(folder / SEGMENT_PATTERN)),
        str(folder / PLAYLIST),
    ]
    return args


def transcode(source, out_dir, info, renditions, on_progress=None, timeout=None):
    """Write every rendition of ``source`` into ``out_dir/<name>/`` in one ffmpeg run.

    ``on_progress(fraction)`` is called as ffmpeg reports; raising ``Stopped``
    from it stops ffmpeg. Raises ToolError(CONVERSION / TIMEOUT) on failure.
    """
    command = [
        binary("ffmpeg"),
        *("-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
        *("-progress", "pipe:1", "-nostats", "-i", str(source)),
    ]
    videos = [r for r in renditions if r.size]
    if videos:
        splits = "".join(f"[s{i}]" for i in range(len(videos)))
        chains = [f"[0:v:0]split={len(videos)}{splits}"]
        chains += [f"[s{i}]{_scale(info, r)}[v{i}]" for i, r in enumerate(videos)]
        command += ["-filter_complex", ";".join(chains)]
    for index, rendition in enumerate(renditions):
        command += _output_args(info, rendition, index, out_dir)
    _run(command, Path(out_dir) / "ffmpeg.log", info.duration, on_progress, timeout)


def _run(command, stderr_path, duration, on_progress, timeout):
    with open(stderr_path, "w+") as stderr:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            command, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            process.kill()

        watchdog = threading.Timer(timeout, kill) if timeout else None
        if watchdog:
            watchdog.daemon = True
            watchdog.start()
        try:
            for line in process.stdout:
                key, _sep, value = line.strip().partition("=")
                if key == "out_time_us" and on_progress and value.isdigit():
                    on_progress(min(1.0, int(value) / 1_000_000 / duration))
        except Stopped:
            process.kill()
            process.wait()
            raise
        finally:
            if watchdog:
                watchdog.cancel()
        code = process.wait()
        stderr.seek(0)
        detail = _tail(stderr.read())
    stderr_path.unlink(missing_ok=True)
    if timed_out.is_set():
        raise ToolError(StreamFailure.TIMEOUT, detail)
    if code != 0:
        raise ToolError(StreamFailure.CONVERSION, detail or f"ffmpeg exited with {code}")


def poster(source, out_dir, info):
    """A JPEG frame from early in the video (at most 720 pixels high)."""
    target = Path(out_dir) / POSTER
    at = min(info.duration * 0.1, 5.0)
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            binary("ffmpeg"),
            *("-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-ss", f"{at:.2f}", "-i", str(source), "-frames:v", "1"),
            *("-vf", "scale=w=-2:h='min(720,ih)'", "-q:v", "4", str(target)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 or not target.exists():
        raise ToolError(StreamFailure.CONVERSION, _tail(result.stderr))
    return target


def segments(playlist_path):
    """(duration, segment name) of each segment a media playlist lists."""
    found, duration = [], None
    for line in Path(playlist_path).read_text().splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            duration = _float(line[len("#EXTINF:") :].split(",")[0])
        elif line and not line.startswith("#") and duration is not None:
            found.append((duration, line))
            duration = None
    return found


def measure(out_dir, rendition):
    """What was produced for ``rendition``: bandwidths (bits/s) and the picture size."""
    folder = Path(out_dir) / rendition.name
    listed = segments(folder / PLAYLIST)
    if not listed:
        raise ToolError(StreamFailure.CONVERSION, f"{rendition.name}: no segments")
    sizes = [(seconds, os.path.getsize(folder / name)) for seconds, name in listed]
    peak = max(size * 8 / max(seconds, 0.1) for seconds, size in sizes)
    total = sum(seconds for seconds, _size in sizes)
    average = sum(size for _seconds, size in sizes) * 8 / max(total, 0.1)
    width = height = 0
    if rendition.size:
        width, height = _picture_size(folder / listed[0][1])
    return {
        "name": rendition.name,
        "height": height,
        "width": width,
        "bandwidth": int(peak),
        "average_bandwidth": int(average),
        "codecs": rendition.codecs,
        "segments": len(listed),
    }


def _picture_size(segment):
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            binary("ffprobe"),
            *("-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height"),
            *("-print_format", "json", str(segment)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    streams = json.loads(result.stdout or "{}").get("streams") or [{}]
    return int(streams[0].get("width") or 0), int(streams[0].get("height") or 0)


def write_master(out_dir, produced, has_audio):
    """The master playlist: one entry per rendition, lowest first."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for entry in sorted(produced, key=lambda e: e["bandwidth"]):
        codecs = entry["codecs"]
        if entry["height"] and not has_audio:
            codecs = codecs.split(",")[0]
        attributes = [
            f"BANDWIDTH={entry['bandwidth']}",
            f"AVERAGE-BANDWIDTH={entry['average_bandwidth']}",
        ]
        if entry["height"]:
            attributes.append(f"RESOLUTION={entry['width']}x{entry['height']}")
        attributes.append(f'CODECS="{codecs}"')
        lines += [f"#EXT-X-STREAM-INF:{','.join(attributes)}", f"{entry['name']}/{PLAYLIST}"]
    (Path(out_dir) / MASTER).write_text("\n".join(lines) + "\n")


def test_pattern(target, seconds, size="1280x720", rate=25):
    """A clip of ffmpeg's test picture and a 440 Hz tone (the demo academy's video)."""
    result = subprocess.run(  # noqa: S603 - fixed argument list
        [
            binary("ffmpeg"),
            *("-hide_banner", "-nostdin", "-y", "-loglevel", "error"),
            *("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}"),
            *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"),
            *("-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast"),
            *("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k"),
            *("-movflags", "+faststart", str(target)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        raise ToolError(StreamFailure.CONVERSION, _tail(result.stderr))
    return target
