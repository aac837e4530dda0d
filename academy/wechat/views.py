"""The OAuth views of the "wechat" provider, on allauth's OAuth2 machinery.

Which app a flow uses is decided where it starts: the official account inside
WeChat's browser, the website's QR login elsewhere. The official account's callback
carries ``via=official`` so the code is exchanged with the app that issued it.
"""

import json
import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.weixin.client import WeixinOAuth2Client
from allauth.socialaccount.providers.weixin.views import WeixinOAuth2Adapter
from django.conf import settings
from django.urls import reverse

from academy.wechat import accounts
from academy.wechat.browser import in_wechat

logger = logging.getLogger(__name__)

OFFICIAL = "official"
SILENT_SCOPE = "snsapi_base"
PROFILE_SCOPE = "snsapi_userinfo"


class WeChatOAuth2Client(WeixinOAuth2Client):
    def get_redirect_url(self, authorization_url, scope, extra_params):
        url = super().get_redirect_url(authorization_url, scope, extra_params)
        if authorization_url.endswith("/connect/oauth2/authorize"):
            # WeChat's browser needs this fragment to run the official account's OAuth.
            url += "#wechat_redirect"
        return url


class WeChatOAuth2Adapter(WeixinOAuth2Adapter):
    provider_id = accounts.PROVIDER
    client_class = WeChatOAuth2Client
    access_token_method = "GET"  # noqa: S105 - the HTTP method WeChat documents
    provider = None
    state = None
    on_callback = False

    @property
    def access_token_url(self):
        return f"{settings.WEIXIN_API_BASE_URL}/sns/oauth2/access_token"

    @property
    def profile_url(self):
        return f"{settings.WEIXIN_API_BASE_URL}/sns/userinfo"

    @property
    def authorize_url(self):
        if self.get_provider().official:
            return f"{settings.WEIXIN_OPEN_BASE_URL}/connect/oauth2/authorize"
        return f"{settings.WEIXIN_OPEN_BASE_URL}/connect/qrconnect"

    def _uses_official_account(self):
        if self.on_callback:
            return self.request.GET.get("via") == OFFICIAL
        return bool(settings.WEIXIN_MP_APP_ID) and (
            in_wechat(self.request) or not settings.WEIXIN_APP_ID
        )

    def get_provider(self):
        if self.provider is None:
            client_id = (
                settings.WEIXIN_MP_APP_ID
                if self._uses_official_account()
                else settings.WEIXIN_APP_ID
            )
            self.provider = get_adapter(self.request).get_provider(
                self.request, provider=self.provider_id, client_id=client_id or None
            )
        return self.provider

    def get_callback_url(self, request, app):
        # On the site's own address, never the request's Host.
        url = settings.SITE_URL + reverse(f"{self.provider_id}_callback")
        if app.settings.get("official"):
            url += f"?via={OFFICIAL}"
        return url

    def complete_login(self, request, app, token, **kwargs):
        answer = kwargs.get("response") or {}
        openid, unionid = answer.get("openid"), answer.get("unionid")
        if not openid:
            raise OAuth2Error("WeChat gave no openid")
        data = {"openid": openid}
        if unionid:
            data["unionid"] = unionid
        silent = answer.get("scope", SILENT_SCOPE) == SILENT_SCOPE
        existing = accounts.find_account(app.client_id, openid, unionid)
        if silent and (existing is None or not existing.extra_data.get("nickname")):
            # A silent sign-in that does not know her yet: ask once for her profile.
            raise ImmediateHttpResponse(self._ask_for_profile(request))
        if not silent:
            data.update(self._profile(token.token, openid))
        extra_data = accounts.merged_extra_data(existing, app.client_id, data)
        login = self.get_provider().sociallogin_from_response(request, extra_data)
        if existing is not None:
            login.account.uid = existing.uid
        return login

    def _profile(self, access_token, openid):
        with get_adapter().get_requests_session() as session:
            response = session.get(
                self.profile_url,
                params={"access_token": access_token, "openid": openid, "lang": "zh_CN"},
            )
            response.raise_for_status()
            # WeChat sends UTF-8 without always saying so.
            profile = json.loads(response.content.decode("utf-8"))
        if profile.get("errcode"):
            raise OAuth2Error(f"WeChat refused the profile: {profile.get('errcode')}")
        return {
            key: profile[key]
            for key in ("nickname", "headimgurl", "unionid", "sex", "province", "city")
            if profile.get(key) not in (None, "")
        }

    def _ask_for_profile(self, request):
        state = self.state or {}
        return self.get_provider().redirect(
            request,
            state.get("process", "login"),
            next_url=state.get("next"),
            data=state.get("data"),
            scope=[PROFILE_SCOPE],
        )


class WeChatCallbackAdapter(WeChatOAuth2Adapter):
    on_callback = True


class WeChatCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        # Kept for a second, consenting round when the silent one is not enough.
        self.adapter.state = state
        return state, response


oauth2_login = OAuth2LoginView.adapter_view(WeChatOAuth2Adapter)
oauth2_callback = WeChatCallbackView.adapter_view(WeChatCallbackAdapter)
