"""Console backends that also refuse, as providers do, for the recipients tests name.

WeChat answers "unfollowed" for an openid starting ``gone-`` and "busy" for ``busy-``;
SMS refuses numbers ending in ``0000`` for good and ``9999`` for now. Everyone else
gets the console backend: logged and kept in the development outbox.
"""

from academy.sms import SmsError, SmsRejected
from academy.sms.console import ConsoleBackend as SmsConsole
from academy.wechat.messages import ConsoleBackend as WeChatConsole
from academy.wechat.messages import WeChatError, WeChatUnfollowed

WECHAT = "tests.academy.notice_backends.WeChatBackend"
SMS = "tests.academy.notice_backends.SmsBackend"
APP_ID = "wx-official-test"


class WeChatBackend(WeChatConsole):
    def send_template(self, openid, kind, data, url=""):
        if openid.startswith("gone-"):
            raise WeChatUnfollowed("43004 require subscribe")
        if openid.startswith("busy-"):
            raise WeChatError("-1 system busy")
        return super().send_template(openid, kind, data, url)


class SmsBackend(SmsConsole):
    def send(self, phone, kind, params):
        if phone.endswith("0000"):
            raise SmsRejected("FailedOperation.PhoneNumberInBlacklist")
        if phone.endswith("9999"):
            raise SmsError("RequestLimitExceeded")
        return super().send(phone, kind, params)


def link_wechat(user, openid):
    """She came through the official account: her social account keeps its openid."""
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(
        user=user,
        provider="wechat",
        uid=f"union-{openid}",
        extra_data={"openids": {APP_ID: openid}},
    )


def verify_phone(user, phone):
    """Her number, verified by a code."""
    user.phone = phone
    user.phone_verified = True
    user.save(update_fields=["phone", "phone_verified"])
    return user
