"""Video links from the platforms shopkeepers use, embedded without asking the platform.

Bilibili, Youku, Tencent Video, Xigua and Douyin offer no oEmbed endpoint (or
one that needs a developer account), but each has a documented player address
built from the video's ID. The finder reads the ID from the link with a strict
pattern and builds the player ``<iframe>``, so a lesson keeps working when the
platform is slow and nothing but the ID from the link reaches the page.
"""

import re

from django.utils.html import format_html
from wagtail.embeds.finders.base import EmbedFinder

# (provider name, link pattern, player address): IDs are letters, digits, - and _ only.
PLATFORMS = [
    (
        "Bilibili",
        re.compile(r"^https?://(?:www\.|m\.)?bilibili\.com/video/(?P<id>BV[0-9A-Za-z]{10})"),
        "https://player.bilibili.com/player.html?bvid={id}&autoplay=0&high_quality=1",
    ),
    (
        "Youku",
        re.compile(r"^https?://v\.youku\.com/v_show/id_(?P<id>[0-9A-Za-z=_-]{6,40})\.html"),
        "https://player.youku.com/embed/{id}",
    ),
    (
        "Tencent Video",
        re.compile(
            r"^https?://v\.qq\.com/x/(?:page|cover/[0-9A-Za-z]{1,40})/(?P<id>[0-9A-Za-z]{6,20})\.html"
        ),
        "https://v.qq.com/txp/iframe/player.html?vid={id}&autoplay=false",
    ),
    (
        "Xigua Video",
        re.compile(r"^https?://(?:www\.)?ixigua\.com/(?P<id>[0-9]{6,25})(?:[/?#]|$)"),
        "https://www.ixigua.com/iframe/{id}?autoplay=0",
    ),
    (
        "Douyin",
        re.compile(r"^https?://(?:www\.)?douyin\.com/video/(?P<id>[0-9]{6,25})(?:[/?#]|$)"),
        "https://open.douyin.com/player/video?vid={id}&autoplay=0",
    ),
]


def player_for(url):
    """(provider, player address) of a supported video link, or None."""
    for provider, pattern, player in PLATFORMS:
        match = pattern.match((url or "").strip())
        if match:
            return provider, player.format(id=match.group("id"))
    return None


class ChineseVideoFinder(EmbedFinder):
    """Wagtail embed finder for the video platforms above (no network access)."""

    width, height = 640, 360

    def __init__(self, **options):
        pass

    def accept(self, url):
        return player_for(url) is not None

    def find_embed(self, url, max_width=None, max_height=None):
        provider, player = player_for(url)
        html = format_html(
            '<iframe src="{}" width="{}" height="{}" title="{}" frameborder="0" '
            'allow="fullscreen; picture-in-picture" allowfullscreen '
            'referrerpolicy="no-referrer-when-downgrade" loading="lazy"></iframe>',
            player,
            self.width,
            self.height,
            provider,
        )
        return {
            "title": "",
            "author_name": "",
            "provider_name": provider,
            "type": "video",
            "thumbnail_url": None,
            "width": self.width,
            "height": self.height,
            "html": str(html),
        }
