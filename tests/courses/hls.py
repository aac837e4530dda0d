"""Reading HLS playlists in tests, by hand (RFC 8216's few lines the academy writes)."""

import re

_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


def attributes(text):
    return {key: value.strip('"') for key, value in _ATTRIBUTE.findall(text)}


def master(text):
    """[(attributes of #EXT-X-STREAM-INF, URI)] of a master playlist."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "#EXTM3U"
    variants = []
    for number, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            variants.append((attributes(line.split(":", 1)[1]), lines[number + 1]))
    return variants


def media(text):
    """(tags, [(seconds, URI)]) of a media playlist."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] == "#EXTM3U"
    tags, segments, seconds = set(), [], None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            seconds = float(line[len("#EXTINF:") :].split(",")[0])
        elif line.startswith("#"):
            tags.add(line)
        else:
            segments.append((seconds, line))
    return tags, segments
