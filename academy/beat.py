"""Celery beat that refuses to run twice: a lock in Redis names the one running beat.

Two beats would send every periodic task twice. The deployment runs one beat
(docs/deployment.md); this guard makes a second one harmless: it waits as a
standby until the lock is free, so it takes over within ``ACADEMY_BEAT_LOCK_SECONDS``
when the running beat dies, and never sends while the other one lives.

The running beat renews the lock on every tick. If it finds the lock taken by
another (it was paused longer than the lock lasts), it exits rather than run as
a second beat. Without a Redis broker (development), there is only one machine
and no lock.
"""

import logging
import os
import socket
import time
import uuid

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "academy:beat:lock"
POLL_SECONDS = 1

# Delete the key only if it still holds our token.
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
# Extend the key only if it still holds our token.
RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('expire', KEYS[1], ARGV[2]) end return 0"
)


class LostBeatLock(SystemExit):
    pass


class SingleBeatScheduler(PersistentScheduler):
    """``PersistentScheduler`` that runs only while it holds the beat lock."""

    def __init__(self, *args, **kwargs):
        self.lock_seconds = settings.ACADEMY_BEAT_LOCK_SECONDS
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        url = settings.CELERY_BROKER_URL
        self.redis = (
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
            if url.startswith(("redis://", "rediss://", "unix://"))
            else None
        )
        self.holding = False
        super().__init__(*args, **kwargs)

    def setup_schedule(self):
        # Not in __init__: beat also builds a lazy scheduler just to print its banner.
        if self.redis is not None:
            self._acquire()
            self.holding = True
        super().setup_schedule()

    def _acquire(self):
        waiting = False
        while True:
            try:
                if self.redis.set(LOCK_KEY, self.token, nx=True, ex=self.lock_seconds):
                    logger.warning("Beat %s holds the beat lock", self.token)
                    return
                holder = self.redis.get(LOCK_KEY)
            except redis.RedisError as exc:
                holder = f"unknown ({exc})"
            if not waiting:
                logger.warning(
                    "Another beat is running (%s): waiting as a standby until it stops",
                    holder.decode() if isinstance(holder, bytes) else holder,
                )
                waiting = True
            time.sleep(POLL_SECONDS)

    def tick(self, *args, **kwargs):
        if self.holding:
            try:
                renewed = self.redis.eval(RENEW, 1, LOCK_KEY, self.token, self.lock_seconds)
            except redis.RedisError:
                # Redis is away: nothing can be sent anyway; try again next tick.
                logger.warning("Could not renew the beat lock", exc_info=True)
            else:
                if not renewed:
                    raise LostBeatLock("Another beat took the beat lock; this one stops.")
        interval = super().tick(*args, **kwargs)
        # Renew well before the lock expires, however long the next task is away.
        return min(interval, self.lock_seconds / 3) if self.holding else interval

    def close(self):
        super().close()
        if self.holding:
            try:
                self.redis.eval(RELEASE, 1, LOCK_KEY, self.token)
            except redis.RedisError:
                logger.warning("Could not release the beat lock", exc_info=True)
