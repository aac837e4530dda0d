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

    beats = {name: beat(name) for name in ("beat-1", "beat-2")}

    def roles():
        leading = [n for n in beats if "holds the beat lock" in stack.log(n)]
        waiting = [n for n in beats if "Another beat is running" in stack.log(n)]
        return (leading, waiting) if leading and waiting else None

    # Started together: one leads, the other waits as a standby.
    (leader,), (standby,) = wait_for(roles, 60, message="one beat to lead, one to wait")
    holder = lock.get(LOCK_KEY).decode()
    assert f":{beats[leader].pid}:" in holder
    # It keeps waiting while the leader lives (and renews its lock).
    time.sleep(2 * LOCK_SECONDS)
    assert "holds the beat lock" not in stack.log(standby)
    assert lock.get(LOCK_KEY).decode() == holder
    assert beats[standby].poll() is None

    stack.kill(beats[leader])
    wait_for(
        lambda: "holds the beat lock" in stack.log(standby),
        4 * LOCK_SECONDS,
        message="the standby to take over",
    )
    assert f":{beats[standby].pid}:" in lock.get(LOCK_KEY).decode()
    # A beat that stops cleanly frees the lock at once.
    stop_process(beats[standby])
    assert lock.get(LOCK_KEY) is None
