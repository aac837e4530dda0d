from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from academy.wechat.provider import WeChatProvider

urlpatterns = default_urlpatterns(WeChatProvider)
