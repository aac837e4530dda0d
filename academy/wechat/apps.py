from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeChatConfig(AppConfig):
    """Registers the "wechat" sign-in provider with allauth (academy/wechat/provider.py)."""

    name = "academy.wechat"
    label = "academy_wechat"
    verbose_name = _("WeChat")
