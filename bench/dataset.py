"""Benchmark datasets on PostgreSQL, built once with COPY and kept between runs.

    python bench/dataset.py NAME SHOPKEEPERS     # builds the database NAME if needed

A dataset is the demo academy plus SHOPKEEPERS shopkeepers in teams of eight,
and rows in proportion from every app that registers a loader in ``LOADERS``
(enrolments, lesson progress, bookings, ...). Rows go in with COPY and
explicit ids, so a million shopkeepers take minutes, not hours. The database
carries a signature of the migrations and of this generator; when either
changes the dataset is rebuilt, otherwise it is reused as it is.
"""

import hashlib
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

GENERATOR_VERSION = "1"
BULK_SHOP_ID_BASE = 30_000_000
BATCH = 50_000


def signature(shopkeepers):
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{shopkeepers}".encode())
    for app in ("academy", "courses", "mentorship"):
        for path in sorted((ROOT / app / "migrations").glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _admin():
    import psycopg

    return psycopg.connect(harness.database_url("postgres"), autocommit=True)


def current_signature(name):
    import psycopg

    try:
        with psycopg.connect(harness.database_url(name), connect_timeout=5) as conn:
            row = conn.execute("SELECT signature FROM bench_dataset").fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None


def ensure(name, shopkeepers):
    """Build the dataset NAME unless an identical one is already there."""
    wanted = signature(shopkeepers)
    if current_signature(name) == wanted:
        harness.log(f"dataset {name}: reusing ({shopkeepers:,} shopkeepers)")
        return False
    started = time.monotonic()
    harness.log(f"dataset {name}: building with {shopkeepers:,} shopkeepers")
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    data_dir = harness.make_data_dir()
    env = harness.production_env(name, data_dir)
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "seed_academy", "--allow-production", "--shopkeepers", "0")
    import subprocess

    subprocess.run(
        [sys.executable, __file__, "--load", name, str(shopkeepers)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    import psycopg

    with psycopg.connect(harness.database_url(name), autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_dataset (signature text, shopkeepers int)")
        conn.execute("INSERT INTO bench_dataset VALUES (%s, %s)", (wanted, shopkeepers))
        conn.execute("VACUUM ANALYZE")
    harness.log(f"dataset {name}: built in {time.monotonic() - started:.0f} s")
    return True


# --- loading (runs inside Django, in a subprocess with the dataset's settings) ----------------


def _next_id(cursor, table):
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - table names are ours
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table):
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
    )


def _copy(cursor, table, columns, rows):
    quoted = ", ".join(f'"{column}"' for column in columns)
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_shopkeepers(cursor, count):
    """COPY ``count`` shopkeepers with e-mail, role and profile, in teams of eight."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from academy.models import ShopkeeperProfile, User
    from academy.regions import DEMO_CITIES

    password = make_password("academy-bench")
    group_id = Group.objects.get(name="shopkeeper").id
    first_user = _next_id(cursor, User._meta.db_table)
    first_profile = _next_id(cursor, ShopkeeperProfile._meta.db_table)
    first_email = _next_id(cursor, EmailAddress._meta.db_table)
    first_member = _next_id(cursor, User.groups.through._meta.db_table)
    now = datetime.now(UTC)
    rng = random.Random(7)
    provinces = list(DEMO_CITIES)
    for start in range(0, count, BATCH):
        indices = range(start, min(count, start + BATCH))
        days = [rng.randint(1, 1000) for _ in indices]
        _copy(
            cursor,
            User._meta.db_table,
            [
                "id",
                "password",
                "is_superuser",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "phone",
                "time_zone",
                "language",
                "first_name",
                "last_name",
            ],
            (
                (
                    first_user + i,
                    password,
                    False,
                    f"bench{i:07d}@example.com",
                    False,
                    True,
                    now - timedelta(days=d),
                    f"店主{i}",
                    "",
                    "Asia/Shanghai",
                    "zh-hans",
                    "",
                    "",
                )
                for i, d in zip(indices, days, strict=True)
            ),
        )
        _copy(
            cursor,
            EmailAddress._meta.db_table,
            ["id", "user_id", "email", "verified", "primary"],
            (
                (first_email + i, first_user + i, f"bench{i:07d}@example.com", True, True)
                for i in indices
            ),
        )
        _copy(
            cursor,
            User.groups.through._meta.db_table,
            ["id", "user_id", "group_id"],
            ((first_member + i, first_user + i, group_id) for i in indices),
        )
        rows = []
        for i, d in zip(indices, days, strict=True):
            province = provinces[i % len(provinces)]
            cities = DEMO_CITIES[province]
            rows.append(
                (
                    first_profile + i,
                    first_user + i,
                    str(BULK_SHOP_ID_BASE + i),
                    1 + i % 5,
                    province,
                    cities[i % len(cities)],
                    first_profile + i // 8 if i >= 8 else None,
                    (now - timedelta(days=d)).date(),
                    now,
                )
            )
        _copy(
            cursor,
            ShopkeeperProfile._meta.db_table,
            [
                "id",
                "user_id",
                "shop_id",
                "level",
                "province",
                "city",
                "team_leader_id",
                "joined_on",
                "completed_at",
            ],
            rows,
        )
        harness.log(f"  shopkeepers: {min(count, start + BATCH):,}/{count:,}")
    for table in (
        User._meta.db_table,
        ShopkeeperProfile._meta.db_table,
        EmailAddress._meta.db_table,
        User.groups.through._meta.db_table,
    ):
        _reset_sequence(cursor, table)
    return first_user, first_profile


# Apps add functions ``loader(cursor, count, first_user, first_profile)`` here to
# load their rows in proportion to the shopkeepers.
LOADERS = []


def load(count):
    import django

    django.setup()
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        first_user, first_profile = load_shopkeepers(raw, count)
        for loader in LOADERS:
            loader(raw, count, first_user, first_profile)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    if sys.argv[1] == "--load":
        load(int(sys.argv[3]))
    else:
        ensure(sys.argv[1], int(sys.argv[2]))
