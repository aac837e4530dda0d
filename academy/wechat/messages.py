"""WeChat template messages from the official account, behind one small interface.

``ACADEMY_WECHAT_BACKEND`` chooses the backend: ``console`` (development: logged and
kept in the development outbox) or ``official`` (the official account's API through
wechatpy). Each notice ``kind`` maps to a template the account was granted.
"""

import uuid

from django.conf import settings
from django.utils.module_loading import import_string

from academy import devoutbox


class WeChatError(Exception):
    """WeChat could not take the message now; trying later may work."""


class WeChatUnfollowed(WeChatError):
    """She unfollowed the account (or the openid is not the account's): stop using it."""


BACKENDS = {
    "console": "academy.wechat.messages.ConsoleBackend",
    "official": "academy.wechat.official.TemplateBackend",
}


def backend():
    name = settings.ACADEMY_WECHAT_BACKEND
    return import_string(BACKENDS.get(name, name))()


def send_template(openid, kind, data, url=""):
    """Send the template of ``kind`` to ``openid``; ``data`` maps its fields to text.

    Returns WeChat's message id; raises WeChatUnfollowed or WeChatError.
    """
    return backend().send_template(openid, kind, data, url)


class ConsoleBackend:
    def send_template(self, openid, kind, data, url=""):
        text = " · ".join(str(value) for value in data.values())
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        devoutbox.record("wechat", openid, text, kind=kind, url=url, message_id=message_id)
        return message_id
