"""Who she is on WeChat: one social account per person, keyed by unionid when WeChat gives it.

A person can reach the academy through two WeChat apps (the official account inside
WeChat, the website QR login on a computer). Both give the same ``unionid``; each gives
its own ``openid``. The social account keeps every openid by app id in
``extra_data["openids"]``; template messages need the official account's one.
"""

from allauth.socialaccount.models import SocialAccount
from django.conf import settings

PROVIDER = "wechat"


def official_openid(user):
    """Her openid under the official account, or None if she never came through it."""
    app_id = settings.WEIXIN_MP_APP_ID
    if not app_id:
        return None
    for extra in SocialAccount.objects.filter(user=user, provider=PROVIDER).values_list(
        "extra_data", flat=True
    ):
        openid = (extra or {}).get("openids", {}).get(app_id)
        if openid:
            return openid
    return None
