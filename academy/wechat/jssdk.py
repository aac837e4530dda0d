"""WeChat JS-SDK signatures: what a page needs for ``wx.config`` to share it as a card.

The jsapi ticket is cached for every worker and fetched again a few minutes before
WeChat's expiry. The signature is for the page's exact address on the site's own
origin (settings.SITE_URL, never the Host header), without any ``#`` part, as
WeChat's JS-SDK documentation (appendix 1) requires.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache

from academy.wechat import official

TICKET_KEY = "wechat:jsapi-ticket"
# Refresh this long before WeChat's expiry.
REFRESH_MARGIN_SECONDS = 600


def signature(jsapi_ticket, noncestr, timestamp, url):
    """sha1 of ``jsapi_ticket=…&noncestr=…&timestamp=…&url=…`` (keys in ASCII order)."""
    text = f"jsapi_ticket={jsapi_ticket}&noncestr={noncestr}&timestamp={timestamp}&url={url}"
    return hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 - WeChat's algorithm


def jsapi_ticket():
    """The official account's jsapi ticket, from the cache while it is fresh enough."""
    cached = cache.get(TICKET_KEY)
    now = time.time()
    if cached and cached["refresh_at"] > now:
        return cached["ticket"]
    answer = official.client().jsapi.get_ticket("jsapi")
    expires_in = int(answer.get("expires_in", 7200))
    ticket = answer["ticket"]
    cache.set(
        TICKET_KEY,
        {"ticket": ticket, "refresh_at": now + expires_in - REFRESH_MARGIN_SECONDS},
        expires_in,
    )
    return ticket


def page_url(path):
    """The address she sees, on the site's origin; a ``#`` part is never signed."""
    return (settings.SITE_URL + path).split("#", 1)[0]


def config_for(path):
    """What ``wx.config`` takes for the page at ``path`` (its full path with query)."""
    noncestr = secrets.token_urlsafe(12)
    timestamp = int(time.time())
    return {
        "appId": settings.WEIXIN_MP_APP_ID,
        "timestamp": timestamp,
        "nonceStr": noncestr,
        "signature": signature(jsapi_ticket(), noncestr, timestamp, page_url(path)),
        "jsApiList": ["updateAppMessageShareData", "updateTimelineShareData"],
    }
