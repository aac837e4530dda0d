"""Only one Celery beat runs: a second one waits as a standby and takes over when the first dies."""

import time

import pytest
import redis

from academy.beat import LOCK_KEY
from tests.reliability.stack import VENV_BIN, stop_process, wait_for

pytestmark = pytest.mark.postgres

LOCK_SECONDS = 2


def test_a_second_beat_waits_until_the_first_one_dies(private_redis, app_database_url, production):
    stack = production(app_database_url, private_redis.url(0))
    stack.env["ACADEMY_BEAT_LOCK_SECONDS"] = str(LOCK_SECONDS)
    lock = redis.Redis.from_url(private_redis.url(0))

    def beat(name):
        process = stack.spawn(
            name,
            [
                str(VENV_BIN / "celery"),
                *("-A", "academy", "beat", "--loglevel=INFO"),
                *("--schedule", str(stack.workdir / f"{name}-schedule")),
            ],
        )
        return process

    first = beat("beat-1")
    wait_for(lambda: "holds the beat lock" in stack.log("beat-1"), 60, message="beat-1 to lead")
    holder = lock.get(LOCK_KEY).decode()
    assert f":{first.pid}:" in holder

    second = beat("beat-2")
    wait_for(lambda: "Another beat is running" in stack.log("beat-2"), 60, message="beat-2 to wait")
    # It keeps waiting while the first one lives (and renews its lock).
    time.sleep(2 * LOCK_SECONDS)
    assert "holds the beat lock" not in stack.log("beat-2")
    assert lock.get(LOCK_KEY).decode() == holder
    assert second.poll() is None

    stack.kill(first)
    wait_for(
        lambda: "holds the beat lock" in stack.log("beat-2"),
        4 * LOCK_SECONDS,
        message="beat-2 to take over",
    )
    assert f":{second.pid}:" in lock.get(LOCK_KEY).decode()
    # A beat that stops cleanly frees the lock at once.
    stop_process(second)
    assert lock.get(LOCK_KEY) is None
