"""GET /healthz/ reports the database, cache and broker."""

import pytest

from academy.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_is_ok_when_everything_answers(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_is_503_and_names_the_broker_when_it_is_down(client, monkeypatch):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"].startswith("error")


def test_health_is_503_when_the_cache_fails(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")


@pytest.mark.redis
def test_health_is_ok_with_redis_as_cache_and_broker(client, settings, monkeypatch, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    monkeypatch.setattr(celery_app.conf, "broker_url", redis_url)
    response = client.get("/healthz/")
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert response.status_code == 200
