"""Reading HLS playlists in tests with the ``m3u8`` library, as a player would."""

import m3u8


def master(text):
    """[(attributes of #EXT-X-STREAM-INF, URI)] of a master playlist."""
    playlist = m3u8.loads(text)
    assert playlist.is_variant, "not a master playlist"
    variants = []
    for variant in playlist.playlists:
        info = variant.stream_info
        attributes = {"BANDWIDTH": str(info.bandwidth), "CODECS": info.codecs}
        if info.resolution:
            attributes["RESOLUTION"] = "{}x{}".format(*info.resolution)
        variants.append((attributes, variant.uri))
    return variants


def media(text):
    """(tags, [(seconds, URI)]) of a media playlist."""
    playlist = m3u8.loads(text)
    assert not playlist.is_variant and playlist.segments, "not a media playlist"
    tags = set()
    if playlist.playlist_type:
        tags.add(f"#EXT-X-PLAYLIST-TYPE:{playlist.playlist_type.upper()}")
    if playlist.is_endlist:
        tags.add("#EXT-X-ENDLIST")
    return tags, [(segment.duration, segment.uri) for segment in playlist.segments]
