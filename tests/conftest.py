"""Fixtures shared by the whole suite."""

import os
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import translation

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CLOCK_UNITS = {"d": 1, "y": 365}


def pytest_addoption(parser):
    parser.addoption(
        "--clock-ahead",
        default=os.environ.get("TEST_CLOCK_AHEAD", ""),
        help="run every test with the clock moved ahead, e.g. 400d or 5y (no test may depend "
        "on today's date)",
    )


def pytest_configure(config):
    """Move every clock Python reads ahead for the whole run, when asked.

    time-machine, the suite's one way to move time, does it for the whole process
    (workers too), and the tests' own ``time_machine`` travels still nest inside.
    Debian's faketime cannot: with libfaketime 0.9.10 Python's timed thread waits
    (``Event.wait``, ``Lock.acquire(timeout=…)``) never return while the monotonic
    clock is moved, and ``time.sleep`` fails with EINVAL while it is not.
    """
    ahead = config.getoption("--clock-ahead")
    if not ahead:
        return
    import time_machine

    days = int(ahead[:-1]) * CLOCK_UNITS[ahead[-1]]
    traveller = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)


TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _missing(reason):
    """A missing service fails the test in CI and skips it elsewhere."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ACADEMY_DEV_OUTBOX = tmp_path / "dev-outbox.jsonl"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The seed's demo video is converted with ffmpeg: a short one keeps seeding quick.
    settings.ACADEMY_DEMO_VIDEO_SECONDS = 2
    from django.core.cache import cache

    from academy import services

    cache.clear()
    # A broker refusal remembered by an earlier test would silence this one's mails.
    services._broker_failed_at = None
    # A request with the English cookie leaves its language active in this thread
    # (requests activate their own): each test starts in the academy's Chinese.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home_page(db):
    """The smallest site: a home page at the root of the default site."""
    from wagtail.models import Page, Site

    from academy.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="店主商学院", slug="academy-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def postgres_db(transactional_db):
    """A real PostgreSQL database; concurrency tests use it with threads."""
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: run with DATABASE_URL=postgres://…")


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _missing(f"Redis not reachable at {TEST_REDIS_URL}: {exc}")
    return TEST_REDIS_URL


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _missing("Debian's chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    return path


@pytest.fixture
def browser(chromium_path):
    """Headless Debian Chromium driven by Playwright."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        # Code run while Playwright is active has its own context (a greenlet),
        # hence its own database connection: close it before the database goes.
        connections.close_all()


@pytest.fixture
def phone(django_db_setup, browser, live_server):
    """A 360 px wide phone page on the live server, in Chinese.

    ``django_db_setup`` comes first so the live server stops before the test
    database is dropped.
    """
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def artifacts_dir(request):
    """Where a test keeps its screenshots: test-results/<test name>/."""
    path = settings.BASE_DIR / "test-results" / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path


DJANGO_DB_ARGS = ("transaction", "reset_sequences", "databases", "serialized_rollback")


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        options = {**dict(zip(DJANGO_DB_ARGS, marker.args, strict=False)), **marker.kwargs}
        return bool(options.get("transaction"))
    names = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server", "postgres_db"} & set(names))


def pytest_collection_modifyitems(items):
    """Give every transactional test Django's serialized rollback.

    A transactional test (real commits: threads, a live server) empties every table
    when it ends, including the roles and Wagtail's root page that migrations
    created. Serialized rollback reloads them when each one starts, and
    ``pytest_runtest_setup`` below reloads them before any other test that follows.
    """
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None or not _is_transactional(item):
            continue
        item.stash[_FLUSHES] = True
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            options = {**dict(zip(DJANGO_DB_ARGS, marker.args, strict=False)), **marker.kwargs}
            if not options.get("serialized_rollback"):
                # Prepended, so it is the marker pytest-django reads first.
                item.add_marker(
                    pytest.mark.django_db(**{**options, "serialized_rollback": True}), append=False
                )
        elif "django_db_serialized_rollback" not in names:
            names.append("django_db_serialized_rollback")


_FLUSHES = pytest.StashKey[bool]()
_flushed = {"database": False}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if item.stash.get(_FLUSHES, False):
            _flushed["database"] = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Put back the rows migrations made once a transactional test has emptied the tables.

    Without this, the tests that run after a browser journey in the same process
    (in whatever order or split) find no Wagtail root page, site or roles.
    """
    if not _flushed["database"] or item.stash.get(_FLUSHES, False):
        return
    if item.get_closest_marker("django_db") is None and not (
        {"db", "django_db_setup"} & set(getattr(item, "fixturenames", ()))
    ):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
    _flushed["database"] = False
