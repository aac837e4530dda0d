"""The official account's API through wechatpy: template messages and the client the
JS-SDK signatures use.

Its access token lives in Django's cache, so every web and Celery worker shares one
(WeChat allows a few thousand token fetches a day and each fetch ends the last token's
life within minutes).
"""

import logging
import time

import requests
from django.conf import settings
from django.core.cache import cache
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session import SessionStorage

from academy.wechat.messages import WeChatError, WeChatUnfollowed

logger = logging.getLogger(__name__)

# Fetch a new token this long before WeChat's expiry, not at the last second.
TOKEN_MARGIN_SECONDS = 300
UNFOLLOWED = {43004, 40003}  # require subscribe; invalid openid for this account
INVALID_TEMPLATE = 40037


class CacheStorage(SessionStorage):
    """wechatpy's session storage on Django's cache.

    Each value keeps its own expiry beside it, read against this process's clock:
    the cache's TTL (Redis counts it on its own clock) only clears the space.
    """

    prefix = "wechat:"

    def get(self, key, default=None):
        entry = cache.get(self.prefix + key)
        if not isinstance(entry, dict) or "value" not in entry:
            return default
        expires_at = entry.get("expires_at")
        if expires_at is not None and time.time() >= expires_at:
            return default
        return entry["value"]

    def set(self, key, value, ttl=None):
        if ttl is not None and key.endswith("_access_token"):
            ttl = max(int(ttl) - TOKEN_MARGIN_SECONDS, 60)
        expires_at = time.time() + int(ttl) if ttl is not None else None
        cache.set(self.prefix + key, {"value": value, "expires_at": expires_at}, ttl)

    def delete(self, key):
        cache.delete(self.prefix + key)


class OfficialClient(WeChatClient):
    """wechatpy's client talking to ``WEIXIN_API_BASE_URL`` (the fake one in tests)."""

    def __init__(self):
        super().__init__(
            settings.WEIXIN_MP_APP_ID,
            settings.WEIXIN_MP_APP_SECRET,
            session=CacheStorage(),
            timeout=10,
        )
        self.API_BASE_URL = f"{settings.WEIXIN_API_BASE_URL}/cgi-bin/"

    def fetch_access_token(self):
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}token",
            params={
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
            },
        )


def client():
    return OfficialClient()


class TemplateBackend:
    """Template messages of the official account (ACADEMY_WECHAT_BACKEND=official)."""

    def send_template(self, openid, kind, data, url=""):
        template_id = settings.ACADEMY_WECHAT_TEMPLATES.get(kind)
        if not template_id:
            logger.error("No WeChat template for notice kind %r (ACADEMY_WECHAT_TEMPLATES)", kind)
            raise WeChatError(f"no template for {kind}")
        fields = {name: {"value": str(value)} for name, value in data.items()}
        try:
            answer = client().message.send_template(openid, template_id, fields, url=url or None)
        except WeChatClientException as exc:
            code = exc.errcode
            if code in UNFOLLOWED:
                raise WeChatUnfollowed(f"{code} {exc.errmsg}") from exc
            if code == INVALID_TEMPLATE:
                logger.error(
                    "WeChat refused template %s of kind %r as invalid (40037): check "
                    "ACADEMY_WECHAT_TEMPLATES against the official account's templates",
                    template_id,
                    kind,
                )
            raise WeChatError(f"{code} {exc.errmsg}") from exc
        except requests.RequestException as exc:
            raise WeChatError(f"WeChat unreachable: {exc}") from exc
        return str(answer["msgid"])
