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
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

GENERATOR_VERSION = "2"
BULK_SHOP_ID_BASE = 30_000_000
BATCH = 50_000


def signature(shopkeepers):
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{shopkeepers}".encode())
    for app in ("academy", "courses", "mentorship", "growth"):
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
    # The dataset's uploads (harness.media_dir) go and come back with its database.
    shutil.rmtree(harness.media_dir(name), ignore_errors=True)
    data_dir = harness.make_data_dir()
    env = harness.production_env(name, data_dir)
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "seed_academy", "--allow-production", "--shopkeepers", "0")
    attach_demo_video(env)
    import subprocess

    # The shopkeepers first; then every app's rows at once, each loader in a process of its own.
    firsts = subprocess.run(
        [sys.executable, __file__, "--load", "shopkeepers", str(shopkeepers)],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.split()[-2:]
    loaders = [
        subprocess.Popen(
            [sys.executable, __file__, "--load", loader.__name__, str(shopkeepers), *firsts],
            env=env,
            cwd=ROOT,
        )
        for loader in LOADERS
    ]
    failed = [p.args[3] for p in loaders if p.wait() != 0]
    if failed:
        raise SystemExit(f"dataset {name}: loading failed in {', '.join(failed)}")
    import psycopg

    with psycopg.connect(harness.database_url(name), autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_dataset (signature text, shopkeepers int)")
        conn.execute("INSERT INTO bench_dataset VALUES (%s, %s)", (wanted, shopkeepers))
        conn.execute("VACUUM ANALYZE")
    harness.log(f"dataset {name}: built in {time.monotonic() - started:.0f} s")
    return True


def attach_demo_video(env):
    """The demo academy's video lesson, converted to HLS, for bench/hls_viewers.py.

    The seed makes the demo video and converts it; no worker runs while a dataset is
    built, so whatever upload still waits is converted here, in this process. Its files
    land in the dataset's media folder and stay with the dataset.
    """
    harness.manage(env, "convert_media")
    return True


# --- loading (runs inside Django, in a subprocess with the dataset's settings) ----------------


def _next_id(cursor, table):
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - table names are ours
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table):
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
    )


def _defaults(table, columns):
    """The model's default of every NOT NULL column the loader does not name.

    A field added later with a default then loads without touching the loader.
    """
    from django.apps import apps
    from django.db.models import NOT_PROVIDED

    model = next((m for m in apps.get_models() if m._meta.db_table == table), None)
    extra = {}
    for field in model._meta.concrete_fields if model else ():
        if field.column in columns or field.null or field.default is NOT_PROVIDED:
            continue
        extra[field.column] = field.get_default()
    return extra


def _copy(cursor, table, columns, rows):
    extra = _defaults(table, columns)
    values = tuple(extra.values())
    quoted = ", ".join(f'"{column}"' for column in [*columns, *extra])
    with cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, *values))


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
                "phone_verified",
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
                    False,
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
                    True,  # the platform's own shops: verified
                    now,
                    False,
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
                "shop_verified",
                "shop_verified_at",
                "team_from_platform",
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


def _rows_in_batches(count, make_rows):
    for start in range(0, count, BATCH):
        yield from make_rows(range(start, min(count, start + BATCH)))


def load_learning(cursor, count, first_user, first_profile):
    """Two enrolments and five lesson-progress rows per shopkeeper, in the demo courses."""
    from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress

    courses = []
    for course in CoursePage.objects.live().order_by("path"):
        lessons = list(
            LessonPage.objects.live().child_of(course).order_by("path").values_list("id", "title")
        )
        if lessons:
            courses.append((course.id, course.title, lessons))
    if len(courses) < 2:
        harness.log("  learning: fewer than two demo courses with lessons, nothing loaded")
        return
    now = datetime.now(UTC)
    rng = random.Random(11)
    first_enrolment = _next_id(cursor, Enrolment._meta.db_table)
    first_progress = _next_id(cursor, LessonProgress._meta.db_table)
    enrolments, progress = [], []
    for i in range(count):
        user = first_user + i
        chosen = (courses[i % len(courses)], courses[(i + 1) % len(courses)])
        started = now - timedelta(days=rng.randint(2, 300))
        lessons = [(course, lesson) for course in chosen for lesson in course[2]][:5]
        for n, (course_id, course_title, course_lessons) in enumerate(chosen):
            # The first four lessons are complete, the fifth in progress.
            done = [lesson for (c, lesson) in lessons[:4] if c[0] == course_id]
            completed = started + timedelta(days=1) if len(done) == len(course_lessons) else None
            enrolments.append(
                (
                    first_enrolment + 2 * i + n,
                    user,
                    course_id,
                    course_title,
                    started,
                    started + timedelta(hours=12),
                    done[-1][0] if done else None,
                    None,
                    completed,
                )
            )
        for n, (course, (lesson_id, lesson_title)) in enumerate(lessons):
            progress.append(
                (
                    first_progress + 5 * i + n,
                    user,
                    lesson_id,
                    course[0],
                    lesson_title,
                    started,
                    started + timedelta(hours=n),
                    0,
                    started + timedelta(hours=n) if n < 4 else None,
                )
            )
        if len(progress) >= BATCH or i == count - 1:
            _copy(
                cursor,
                Enrolment._meta.db_table,
                [
                    "id",
                    "user_id",
                    "course_id",
                    "course_title",
                    "enrolled_at",
                    "last_seen_at",
                    "last_lesson_id",
                    "quiz_passed_at",
                    "completed_at",
                ],
                enrolments,
            )
            _copy(
                cursor,
                LessonProgress._meta.db_table,
                [
                    "id",
                    "user_id",
                    "lesson_id",
                    "course_id",
                    "lesson_title",
                    "started_at",
                    "updated_at",
                    "position_seconds",
                    "completed_at",
                ],
                progress,
            )
            enrolments, progress = [], []
            if (i + 1) % (BATCH * 2) < 10 or i == count - 1:
                harness.log(f"  learning: {i + 1:,}/{count:,} shopkeepers")
    for model in (Enrolment, LessonProgress):
        _reset_sequence(cursor, model._meta.db_table)


def load_bookings(cursor, count, first_user, first_profile):
    """One past, attended one-on-one session per shopkeeper, shared among the demo mentors."""
    import uuid

    from academy.models import MentorProfile
    from mentorship.models import Booking

    active = MentorProfile.objects.filter(is_active=True).order_by("id")
    mentors = list(active.values_list("user_id", flat=True))
    if not mentors:
        return
    # An hour and a half apart, before the demo's own sessions: no mentor or mentee overlaps.
    cursor.execute(f"SELECT MIN(start) FROM {Booking._meta.db_table}")  # noqa: S608
    earliest = cursor.fetchone()[0] or datetime.now(UTC)
    anchor = (min(earliest, datetime.now(UTC)) - timedelta(days=1)).replace(
        minute=0, second=0, microsecond=0
    )
    first_booking = _next_id(cursor, Booking._meta.db_table)
    now = datetime.now(UTC)
    columns = [
        "id",
        "uid",
        "mentor_id",
        "mentee_id",
        "start",
        "end",
        "blocked_start",
        "blocked_end",
        "status",
        "agenda",
        "sequence",
        "idempotency_key",
        "created_at",
        "updated_at",
        "attendance_marked_at",
        "cancel_reason",
        "cancel_note",
    ]

    def rows(indices):
        for i in indices:
            start = anchor - timedelta(minutes=90 * (i // len(mentors) + 1))
            end = start + timedelta(hours=1)
            yield (
                first_booking + i,
                uuid.uuid4(),
                mentors[i % len(mentors)],
                first_user + i,
                start,
                end,
                start,
                end,
                "attended",
                "想请教怎么带新人",
                0,
                "",
                start - timedelta(days=3),
                end,
                end,
                "",
                "",
            )

    _copy(cursor, Booking._meta.db_table, columns, _rows_in_batches(count, rows))
    _reset_sequence(cursor, Booking._meta.db_table)
    harness.log(f"  bookings: {count:,} with {len(mentors)} mentors ({datetime.now(UTC) - now})")


# Functions ``loader(cursor, count, first_user, first_profile)`` that load rows in
# proportion to the shopkeepers, after them.
LOADERS = [load_learning, load_bookings]


def load(what, count, firsts):
    """Load the shopkeepers (and print the first ids) or one loader's rows, in one transaction."""
    import django

    django.setup()
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        # The rows are consistent by construction: skip the per-row foreign-key triggers,
        # which PostgreSQL would otherwise queue for millions of rows until COMMIT.
        # Unique and exclusion constraints (indexes) still hold.
        raw.execute("SET LOCAL session_replication_role = replica")
        if what == "shopkeepers":
            first_user, first_profile = load_shopkeepers(raw, count)
            print(first_user, first_profile)
        else:
            loader = {loader.__name__: loader for loader in LOADERS}[what]
            loader(raw, count, *firsts)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    if sys.argv[1] == "--load":
        load(sys.argv[2], int(sys.argv[3]), [int(n) for n in sys.argv[4:]])
    else:
        ensure(sys.argv[1], int(sys.argv[2]))
