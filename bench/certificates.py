"""Certificate generation time, and the queries of the tier page and the dashboard.

Run from the repository root:  .venv/bin/python bench/certificates.py [--renders N]

Builds a throw-away SQLite academy in a temporary folder (your var/ is not
touched): a tier of 50 courses, a learner enrolled in all of them, then
  * renders the certificate PDF once cold (fonts loaded) and N times warm,
  * runs the Celery task's work end to end (render + store),
  * counts the queries of the tier page and of 我的学习 as that learner sees them.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(data_dir):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "academy.settings",
            "ACADEMY_DATA_DIR": data_dir,
            "DJANGO_DEBUG": "1",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def build_academy(courses):
    from wagtail.models import Page, Site

    from academy.models import HomePage
    from courses import services
    from tests.courses import factories

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="店主商学院", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    tree = factories.academy(home)
    learner = factories.learner(user__display_name="陈丽娟")
    pages = [factories.course(tree.beginner, f"course-{n}", lessons=3) for n in range(courses)]
    for page in pages:
        services.enrol(learner, page)
        services.record_lesson_complete(learner, factories.lessons_of(page)[0])
    return tree, learner, pages


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the catalogue and the site caches, as in a running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10, help="warm renders to time")
    parser.add_argument("--courses", type=int, default=50, help="courses in the tier")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.test import Client

        from courses import certificates
        from courses.models import Certificate, CertificateKind

        started = time.perf_counter()
        tree, learner, _pages = build_academy(args.courses)
        print(f"set-up: {args.courses} courses built in {time.perf_counter() - started:.1f} s")

        client = Client()
        client.force_login(learner)
        tier_queries = count_queries(client, tree.beginner.url)
        dashboard_queries = count_queries(client, "/me/")

        # Created directly (no task yet), so the first render below is the cold one.
        certificate = Certificate.objects.create(
            user=learner,
            kind=CertificateKind.COURSE,
            subject_key="bench:1",
            title="发朋友圈的技巧",
            holder_name=learner.get_full_name(),
        )
        started = time.perf_counter()
        pdf = certificates.render_pdf(certificate)
        cold = time.perf_counter() - started
        warm = []
        for _ in range(args.renders):
            started = time.perf_counter()
            certificates.render_pdf(certificate)
            warm.append(time.perf_counter() - started)
        started = time.perf_counter()
        certificates.generate_pdf(certificate.pk)
        task = time.perf_counter() - started

        warm.sort()
        p90 = warm[max(0, round(0.9 * len(warm)) - 1)]
        print(f"certificate PDF, first render (fonts loaded): {cold:.2f} s")
        print(
            f"certificate PDF, warm render: median {statistics.median(warm):.2f} s, "
            f"p90 {p90:.2f} s, over {len(warm)} renders"
        )
        print(f"certificate task end to end (render + store): {task:.2f} s")
        print(f"certificate PDF size: {len(pdf) / 1024:.0f} KiB")
        print(f"tier page, {args.courses} courses: {tier_queries} queries")
        print(f"dashboard 我的学习, {args.courses} enrolments: {dashboard_queries} queries")


if __name__ == "__main__":
    main()
