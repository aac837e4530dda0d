"""The JS-SDK configuration a shared page asks for (templates/includes/wechat_share.html).

Pages stay cacheable: the signature, different for every address and moment, comes
from here, for the page's path on the site's own origin (never the Host header).
"""

import logging

import requests
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wechatpy.exceptions import WeChatClientException

from academy.wechat import jssdk
from academy.wechat.browser import official_account_configured

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def share_config(request):
    path = request.GET.get("path", "")
    if not official_account_configured() or not path.startswith("/") or path.startswith("//"):
        return HttpResponseBadRequest()
    try:
        return JsonResponse(jssdk.config_for(path))
    except (WeChatClientException, requests.RequestException) as exc:
        logger.warning("No JS-SDK ticket from WeChat: %s", exc)
        return JsonResponse({}, status=503)
