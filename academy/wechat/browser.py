"""Is she in WeChat's own browser? Its User-Agent always names MicroMessenger."""

from django.conf import settings


def in_wechat(request):
    return "micromessenger" in request.headers.get("user-agent", "").lower()


def official_account_configured():
    return bool(settings.WEIXIN_MP_APP_ID and settings.WEIXIN_MP_APP_SECRET)
