"""The "wechat" sign-in provider: one provider, two WeChat apps.

Inside WeChat's browser she signs in through the official account's OAuth (silent
``snsapi_base`` first, ``snsapi_userinfo`` only when we still need her profile); on a
computer through the website app's QR login (``snsapi_login``). Both are one social
account keyed by her unionid (academy/wechat/accounts.py).
"""

from allauth.socialaccount.providers.weixin.provider import WeixinAccount, WeixinProvider
from django.utils.translation import gettext_lazy as _

from academy.wechat.accounts import PROVIDER
from academy.wechat.views import WeChatOAuth2Adapter


class WeChatAccount(WeixinAccount):
    def to_str(self):
        return self.account.extra_data.get("nickname") or str(_("WeChat"))


class WeChatProvider(WeixinProvider):
    id = PROVIDER
    name = _("WeChat")
    account_class = WeChatAccount
    oauth2_adapter_class = WeChatOAuth2Adapter

    @property
    def official(self):
        """True when this instance speaks for the official account's app."""
        return bool(self.app and self.app.settings.get("official"))

    def get_oauth2_adapter(self, request):
        adapter = super().get_oauth2_adapter(request)
        adapter.provider = self
        return adapter

    def extract_uid(self, data):
        return data.get("unionid") or data["openid"]

    def get_default_scope(self):
        return ["snsapi_base"] if self.official else ["snsapi_login"]

    def get_scope_from_request(self, request):
        # The scope is ours to choose, never the link's.
        return self.get_scope()

    def get_auth_params_from_request(self, request, action):
        return self.get_auth_params()

    def extract_common_fields(self, data):
        return {"name": data.get("nickname", "")}


provider_classes = [WeChatProvider]
