"""The shared cache, and what happens when it is unreachable.

Everything in the cache can be rebuilt from the database (pages, Wagtail's
site roots, the course catalogue, sessions written through), so a Redis outage
must cost speed, never a page or a booking: :class:`ResilientRedisCache` turns
connection errors into misses and stops trying Redis for a few seconds after
one, so a request does not wait on a dead server once per cache call.

Login throttling is the exception: it must fail closed, not switch itself off.
While Redis is unreachable, the rate-limit locks of logging in and of password
resets cannot be taken, so allauth refuses those attempts as throttled; other
rate limits (signing up) let the request through.
"""

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

logger = logging.getLogger(__name__)

# Rate-limited actions that are refused while the cache is down.
FAIL_CLOSED_ACTIONS = {
    "login",
    "login_failed",
    "reset_password",
    "reset_password_from_key",
    # Texts cost money and can flood a phone: none goes out uncounted.
    "request_login_code",
    "verify_phone",
    "sms_all",
    "sms_address",
    "sms_number",
}
RETRY_AFTER_SECONDS = 5
ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _fails_closed(key):
    parts = str(key).split(":")
    return len(parts) > 3 and parts[:2] == ["allauth", "rl"] and parts[3] in FAIL_CLOSED_ACTIONS


class ResilientRedisCache(RedisCache):
    _down_since = None

    def _call(self, name, fallback, *args, **kwargs):
        # Per instance (Django keeps one per thread and configuration).
        down = self._down_since
        if down is None or time.monotonic() - down >= RETRY_AFTER_SECONDS:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except ERRORS:
                if self._down_since is None:
                    logger.warning("Redis cache unreachable; serving without it", exc_info=True)
                self._down_since = time.monotonic()
            else:
                self._down_since = None
                return result
        return fallback() if callable(fallback) else fallback

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # add() is how allauth takes its rate-limit lock: failing it throttles.
        return self._call("add", lambda: not _fails_closed(key), key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            raise ValueError(f"cache unavailable: cannot increment {key!r}")

        return self._call("incr", unavailable, key, delta, version)

    def clear(self):
        return self._call("clear", None)


def invalidate_now_and_on_commit(invalidate):
    """Run an invalidation now and again after the commit.

    A request that reads the old rows between the two cannot leave them cached
    under the new key.
    """
    invalidate()
    transaction.on_commit(invalidate)
