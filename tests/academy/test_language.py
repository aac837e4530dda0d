"""Chinese first, English on request; the html lang attribute follows."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_is_chinese_even_for_an_english_browser(client, home_page):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-CN">' in html
    assert "店主商学院" in html
    assert "我的学习" in html or "登录" in html


def test_language_switch_turns_the_site_english_and_back(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, home_page):
    client.cookies["academy_language"] = "fr"
    assert '<html lang="zh-CN">' in client.get("/").content.decode()
