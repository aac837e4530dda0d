"""The fake WeChat (devservers/wechat.py) for tests, and walking its sign-in flows."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.urls import reverse

from devservers.wechat import DEMO_OFFICIAL_APP, DEMO_WEBSITE_APP, Server

WEBSITE_APP_ID, WEBSITE_SECRET = DEMO_WEBSITE_APP
OFFICIAL_APP_ID, OFFICIAL_SECRET = DEMO_OFFICIAL_APP
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2585 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def providers_setting():
    return {
        "wechat": {
            "APPS": [
                {"client_id": WEBSITE_APP_ID, "secret": WEBSITE_SECRET, "settings": {}},
                {
                    "client_id": OFFICIAL_APP_ID,
                    "secret": OFFICIAL_SECRET,
                    "settings": {"official": True, "hidden": True},
                },
            ]
        }
    }


@pytest.fixture
def fake_wechat(settings):
    """The fake WeChat on a free port, with the academy's both apps pointed at it."""
    with Server() as server:
        settings.WEIXIN_OPEN_BASE_URL = settings.WEIXIN_API_BASE_URL = server.url
        settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = DEMO_WEBSITE_APP
        settings.WEIXIN_MP_APP_ID, settings.WEIXIN_MP_APP_SECRET = DEMO_OFFICIAL_APP
        settings.SOCIALACCOUNT_PROVIDERS = providers_setting()
        server.fake.url = server.url
        yield server.fake


def consent(fake, location):
    """Follow WeChat's consent (the fake gives it at once) back to our callback path."""
    while location.startswith(fake.url):
        location = requests.get(location, allow_redirects=False, timeout=5).headers["Location"]
    assert location.startswith(settings.SITE_URL), location
    return location.removeprefix(settings.SITE_URL)


def start(client, user_agent=WECHAT_UA, **params):
    """Press the WeChat button; the answer sends her to WeChat."""
    url = reverse("wechat_login")
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    response = client.post(url, headers={"user-agent": user_agent})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def sign_in(client, fake, user_agent=WECHAT_UA, **params):
    """Run the whole flow; returns our last answer (a redirect or a page)."""
    location = start(client, user_agent, **params)
    while True:
        response = client.get(consent(fake, location), headers={"user-agent": user_agent})
        location = response.get("Location", "")
        if not (response.status_code == 302 and location.startswith(fake.url)):
            return response


def query(url):
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
