"""Fixtures of the fault tests: private Redis and PostgreSQL, the production stack.

The academy runs against the pytest database on PostgreSQL (committed data:
``postgres_db``) or against a private cluster, with a private Redis as cache and
broker. The PostgreSQL pass distributes whole files to xdist workers, so a
module's processes start once; a lock lets one module at a time run them, so
timings are not measured on a machine running two stacks at once.
"""

import fcntl
import glob
import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import _missing
from tests.reliability.stack import (
    ROOT,
    PostgresCluster,
    Production,
    RedisServer,
    collectstatic,
    database_url_of,
)


def postgres_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        _missing("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    return Path(found[-1]).parent


@pytest.fixture(scope="module", autouse=True)
def one_module_at_a_time():
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"academy-reliability-{checkout}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
        fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def redis_binary():
    binary = shutil.which("redis-server")
    if not binary:
        _missing("redis-server is not installed (apt-get install redis-server)")
    return binary


@pytest.fixture(scope="module")
def private_redis(redis_binary, tmp_path_factory):
    server = RedisServer(redis_binary, tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def private_postgres():
    cluster = PostgresCluster(postgres_bindir())
    try:
        cluster.init()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture(scope="session")
def app_database_url(django_db_setup):
    """The pytest database (PostgreSQL), for processes outside this one."""
    if connection.vendor != "postgresql":
        _missing("the fault tests need PostgreSQL: run with DATABASE_URL=postgres://…")
    return database_url_of(connection.settings_dict)


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    return collectstatic(tmp_path_factory.mktemp("collectstatic"))


@pytest.fixture(scope="module")
def production(static_root, tmp_path_factory):
    """Build production environments; every process they started stops with the module."""
    made = []

    def build(database_url, redis_url):
        env = Production(
            tmp_path_factory.mktemp("production"), database_url, redis_url, static_root
        )
        made.append(env)
        return env

    yield build
    for env in made:
        env.stop_all()
