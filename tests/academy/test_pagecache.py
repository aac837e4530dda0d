"""Anonymous visitors get pages from the cache; publishing clears it."""

import pytest
from django.core.cache import cache

from tests.academy.factories import shopkeeper

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ACADEMY_PAGE_CACHE_SECONDS = 300


def test_second_anonymous_visit_is_served_from_the_cache(
    client, home_page, django_assert_num_queries
):
    first = client.get("/")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"].startswith("text/html")
    # Security headers are added around the cache, on hits too.
    assert "script-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"


def test_publishing_a_page_shows_the_new_content_at_once(client, home_page):
    client.get("/")
    home_page.hero_title = "新的标题：双十二备货指南"
    home_page.save_revision().publish()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "新的标题：双十二备货指南" in response.content.decode()


def test_languages_are_cached_apart(client, home_page):
    client.get("/")
    client.cookies["academy_language"] = "en"
    response = client.get("/")
    assert '<html lang="en">' in response.content.decode()


def test_signed_in_visitors_are_never_served_from_the_cache(client, home_page):
    client.get("/")
    client.force_login(shopkeeper())
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "我的学习" in response.content.decode()


def test_a_page_that_uses_a_csrf_token_is_not_cached(client, home_page, monkeypatch):
    from django.middleware.csrf import get_token

    from academy.models import HomePage

    original = HomePage.get_context

    def with_form(self, request, *args, **kwargs):
        get_token(request)  # what a form's {% csrf_token %} does
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(HomePage, "get_context", with_form)
    client.get("/")
    client.cookies.clear()
    assert "X-Page-Cache" not in client.get("/")


def test_pages_are_still_served_when_the_cache_is_down(client, home_page, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/")
    assert response.status_code == 200
    assert "店主商学院" in response.content.decode()
    cache.close()
