"""``{% wechat_share %}``: the page's card when it is shared inside WeChat."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext as _
from wagtail.models import Page

from academy import seo
from academy.wechat.browser import in_wechat, official_account_configured

register = template.Library()


def _absolute(url):
    return settings.SITE_URL + url if url.startswith("/") else url


@register.inclusion_tag("includes/wechat_share.html", takes_context=True)
def wechat_share(context, page=None, title="", description="", image="", link=""):
    """Inside WeChat's browser only: load the JS-SDK and describe the page's share card.

    ``link`` is what is shared (default: this page's address on the site, its query,
    a referral code among it, kept); the page's Open Graph data fill what is not given.
    """
    request = context.get("request")
    if request is None or not (in_wechat(request) and official_account_configured()):
        return {"share": None}
    meta = seo.page_meta(page) if isinstance(page, Page) else {}
    share = {
        "title": title or meta.get("title") or _("Shopkeeper Academy"),
        "desc": description
        or meta.get("description")
        or _("Learn to run a shop and lead a team, on your phone, at the Shopkeeper Academy."),
        "link": _absolute(link or request.get_full_path()),
        "imgUrl": _absolute(image or meta.get("image") or static("academy/img/icon-180.png")),
    }
    return {"share": share}


@register.simple_tag(takes_context=True)
def wechat_login_choice(context):
    """How the sign-in page offers WeChat: first inside WeChat, a QR login elsewhere.

    None when WeChat sign-in is off, or when only the official account is set up and
    she is not in WeChat (its OAuth works nowhere else).
    """
    request = context.get("request")
    if request is None:
        return None
    inside = in_wechat(request)
    if (inside and settings.WEIXIN_MP_APP_ID) or settings.WEIXIN_APP_ID:
        return {"first": inside and bool(settings.WEIXIN_MP_APP_ID)}
    return None
