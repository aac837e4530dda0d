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


def find_account(app_id, openid, unionid=None):
    """Her WeChat social account: by unionid, else by the openid this app gave her."""
    accounts = SocialAccount.objects.filter(provider=PROVIDER)
    if unionid:
        found = accounts.filter(uid=unionid).first()
        if found is not None:
            return found
    found = accounts.filter(uid=openid).first()
    if found is not None:
        return found
    return accounts.filter(**{f"extra_data__openids__{app_id}": openid}).first()


def merged_extra_data(existing, app_id, data):
    """What we know of her after this sign-in: the old profile, the new answer on top,
    and every app's openid kept."""
    extra = dict(existing.extra_data or {}) if existing is not None else {}
    openids = dict(extra.get("openids") or {})
    openids[app_id] = data["openid"]
    extra.update(data)
    extra["openids"] = openids
    return extra
