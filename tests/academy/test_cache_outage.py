"""With Redis unreachable the academy is slower, not broken; login fails closed."""

import time

import pytest
from django.urls import reverse

from academy import userpages
from academy.cache import ResilientRedisCache
from academy.models import User
from tests.academy.factories import PASSWORD, shopkeeper

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "academy.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens: refused at once
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }


def test_signed_in_pages_still_work_without_the_cache(client, home_page, cache_down):
    client.force_login(shopkeeper())
    started = time.monotonic()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "我的学习" in response.content.decode()
    assert time.monotonic() - started < 3
    # Nothing is kept: the next view is rendered again, with a real CSRF token.
    again = client.get(reverse("dashboard"))
    assert "X-User-Page-Cache" not in again
    assert userpages.CSRF_PLACEHOLDER not in again.content.decode()
    assert 'name="csrfmiddlewaretoken" value="' in again.content.decode()


def test_signup_still_works_without_the_cache(client, home_page, cache_down):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "offline@example.com",
            "display_name": "黄秀英",
            "shop_id": "55667788",
            "password1": "Kd83-lanzhou-spring",
            "password2": "Kd83-lanzhou-spring",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="offline@example.com").exists()


def test_login_is_refused_as_throttled_while_the_cache_is_down(client, home_page, cache_down):
    user = shopkeeper()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert "尝试次数过多" in response.content.decode()


def test_the_breaker_stops_asking_a_dead_redis_on_every_call(cache_down, monkeypatch):
    from django.core.cache import cache

    calls = []
    original = ResilientRedisCache.__mro__[1].get

    def counting_get(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ResilientRedisCache.__mro__[1], "get", counting_get)
    for _ in range(20):
        assert cache.get("anything", "fallback") == "fallback"
    assert len(calls) == 1
