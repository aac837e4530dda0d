"""The pages the suite measures: where they are, who asks, how many queries they cost.

Run inside the dataset's settings (``python bench/pages.py``); prints JSON:
``{name: {"url": ..., "cookie": ..., "queries": n, "status": 200}}``. A page
whose feature is not in the dataset is reported with ``url: null``.
Query counts come from Django's test client. Anonymous pages are counted with
the page cache off, so they are what a cold render costs; signed-in pages on a
warm cache (her second view, as the issue's target says), with what rendering
the page costs beside it (``rendered_queries``: her page not kept, the shared
caches warm).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _model(label):
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _first_page_url(label, **filters):
    model = _model(label)
    if model is None:
        return None
    page = model.objects.live().filter(**filters).order_by("path").first()
    return page.url if page else None


def _user(email):
    from academy.models import User

    return User.objects.filter(email=email).first()


# name: (group, who, resolver). "who" is an e-mail of the demo data, or None.
PAGES = {
    "static file": ("baseline", None, lambda: _static_url()),
    "minimal Django view": ("baseline", None, lambda: "/bench/ping/"),
    "home": ("anonymous", None, lambda: "/"),
    "tier page": ("anonymous", None, lambda: "/academy/beginner/"),
    "course page": ("anonymous", None, lambda: _first_page_url("courses.CoursePage")),
    "signed-in home": ("logged in", "shopkeeper@example.com", lambda: "/"),
    "dashboard 我的学习": ("logged in", "shopkeeper@example.com", lambda: "/me/"),
    "lesson": (
        "logged in",
        "shopkeeper@example.com",
        lambda: _first_page_url("courses.LessonPage"),
    ),
    "mentor slot picker": ("logged in", "shopkeeper@example.com", lambda: _slot_picker_url()),
    # The Star Leader cohort pages are Wagtail pages under the home page (/star-leader-N/).
    "cohort page": (
        "logged in",
        "shopkeeper@example.com",
        lambda: _first_page_url("mentorship.CohortPage"),
    ),
}


def _static_url():
    from django.templatetags.static import static

    return static("academy/css/academy.css")


def _slot_picker_url():
    """The demo mentor's page, where a mentee picks a free slot."""
    from django.urls import reverse

    from academy.models import MentorProfile

    profile = MentorProfile.objects.filter(user__email="mentor@example.com").first()
    return reverse("mentorship:mentor", args=[profile.pk]) if profile else None


def measure():
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ACADEMY_PAGE_CACHE_SECONDS = 0
    result = {}
    for name, (group, who, resolve) in PAGES.items():
        url = resolve()
        entry = {"group": group, "url": url, "cookie": None, "queries": None, "status": None}
        result[name] = entry
        if url is None:
            continue
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if who:
            user = _user(who)
            if user is None:
                entry["url"] = None
                continue
            client.force_login(user)
            entry["cookie"] = (
                f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
            )
        if group == "baseline" and name == "static file":
            entry["status"] = 200
            entry["queries"] = 0
            continue
        if who:
            settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 0
            client.get(url, secure=True)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, secure=True)
            entry["rendered_queries"] = len(queries)
            settings.ACADEMY_USER_PAGE_CACHE_SECONDS = 60
            client.get(url, secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        entry["status"] = response.status_code
        entry["queries"] = len(queries)
    return result


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    print(json.dumps(measure(), ensure_ascii=False))
