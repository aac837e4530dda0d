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
    response = client.get("/language/en/?next=/academy/")
    assert response.status_code == 302
    assert response["Location"] == "/academy/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    client.get("/language/zh-hans/?next=/")
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, home_page):
    client.cookies["academy_language"] = "fr"
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client, home_page):
    assert client.get("/language/fr/").status_code == 404
    response = client.get("/language/en/?next=https://evil.example.com/")
    assert response["Location"] == "/"


def test_signed_in_user_keeps_her_language_choice(client, home_page):
    from tests.academy.factories import shopkeeper

    user = shopkeeper()
    client.force_login(user)
    client.get("/language/en/?next=/")
    user.refresh_from_db()
    assert user.language == "en"
