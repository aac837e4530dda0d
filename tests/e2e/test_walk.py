"""Every demo role walks the academy: each page it can reach, each form emptied and filled.

One seeded demo academy; the walk follows links with Django's test client and
posts forms as rendered; the Nu HTML Checker and Chromium (axe-core, 360 px)
then check every page it kept. The test fails once, with every problem listed
by role and page.
"""

import io
import re
import sys
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from academy.management.commands.demo_totp import current_code
from tests.e2e import walk
from tests.forms import submit

pytestmark = [pytest.mark.e2e]

PASSWORD = settings.ACADEMY_DEMO_PASSWORD


def log_in(client, email):
    response = submit(
        client,
        "/accounts/login/",
        {"login": email, "password": PASSWORD},
        form="form:has([name=password])",
    )
    assert response.status_code == 302, f"{email} cannot log in"
    if "/2fa/authenticate/" in response["Location"]:
        response = submit(
            client, response["Location"], {"code": current_code()}, form="form:has([name=code])"
        )
        assert response.status_code == 302, f"{email} cannot pass two-factor authentication"


def sign_up(client):
    """A newcomer signs up through the form and confirms her address."""
    response = submit(
        client,
        "/accounts/signup/",
        {
            "email": "newcomer@example.com",
            "display_name": "新来的小燕",
            "shop_id": "66001234",
            "password1": "Kd83-lanzhou-spring",
            "password2": "Kd83-lanzhou-spring",
        },
    )
    assert response.status_code == 302, "the newcomer cannot sign up"
    link = re.search(r"http://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    response = submit(client, link)
    assert response.status_code == 302, "the newcomer cannot confirm her address"


ROLES = [
    ("anonymous", None, ["/"]),
    ("new shopkeeper", sign_up, ["/", "/me/"]),
    ("shopkeeper with a team", "shopkeeper@example.com", ["/", "/me/"]),
    ("mentor", "mentor@example.com", ["/", "/me/"]),
    ("editor", "editor@example.com", ["/", "/me/", "/cms/"]),
    ("program staff", "staff@example.com", ["/", "/me/", "/cms/"]),
    ("admin", "admin@example.com", ["/", "/me/", "/cms/"]),
]


def test_every_role_walks_the_academy_without_a_broken_page(browser, db, tmp_path, capsys):
    timings = {}
    started = time.monotonic()
    call_command("seed_academy", shopkeepers="300", allow_production=True, stdout=io.StringIO())
    timings["seed"] = time.monotonic() - started

    visits = []
    pages = {}
    for role, login, starts in ROLES:
        cache.clear()  # login rate limits count per address: each role starts afresh
        client = Client(raise_request_exception=False)
        if callable(login):
            login(client)
        elif login:
            log_in(client, login)
        walker = walk.Walker(client, role)
        walker.walk(starts)
        pages[role] = sum(1 for v in walker.visits if v.how == "GET")
        visits.extend(walker.visits)
    timings["walk"] = time.monotonic() - started - timings["seed"]

    checker = walk.NuChecker(visits, tmp_path / "pages")  # runs while Chromium works
    started = time.monotonic()
    for index, problems in walk.browser_problems(browser, visits).items():
        visits[index].problems.extend(problems)
    timings["browser"] = time.monotonic() - started
    for index, problems in checker.errors().items():
        visits[index].problems.extend(problems)
    timings["html"] = time.monotonic() - started - timings["browser"]

    totals = {
        "pages per role": pages,
        "form submissions": sum(1 for v in visits if v.how != "GET"),
        "html errors": sum(p.startswith("html") for v in visits for p in v.problems),
        "axe violations": sum(p.startswith("axe") for v in visits for p in v.problems),
        "seconds": {phase: round(seconds) for phase, seconds in timings.items()},
    }
    with capsys.disabled():
        sys.stdout.write(f"\nThe walk: {totals}\n")
    failures = walk.report(visits)
    assert not failures, f"{totals}\n{failures}"
