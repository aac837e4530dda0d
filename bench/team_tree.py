"""Speed of a team leader's training view with 5,000 members on several levels.

Run from the repository root:
    .venv/bin/python bench/team_tree.py                 (a throw-away SQLite database)
    DATABASE_URL=postgres://… .venv/bin/python bench/team_tree.py   (PostgreSQL)

Builds a leader with 50 direct recruits, 500 on the second level and 4,450 on the
third (5,000 in all), two enrolments each and failed quiz attempts for some, plus
5,000 shopkeepers of other teams. On PostgreSQL everything happens inside one
transaction that is rolled back at the end, so the database is left as it was.
Prints the median over several runs of: the team-tree query alone, and the team
page 团队学习看板 (first page, and the "stuck" filter) at depth 2 (the default)
and at depth 3 (all 5,000 members), with the number of queries of each page.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEVELS = (50, 10, 9)  # recruits per member on each level: 50 + 500 + 4,450 (capped)
MEMBERS = 5000


class Rollback(Exception):
    pass


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
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS.append("testserver")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def build(prefix):
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from wagtail.models import Page, Site

    from academy import roles
    from academy.models import HomePage, ShopkeeperProfile, User
    from courses.models import Enrolment, QuizAttempt
    from tests.courses import factories

    root = Page.get_first_root_node()
    home = HomePage.objects.first() or root.add_child(
        instance=HomePage(title="店主商学院", slug=f"bench-{prefix}")
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
    )
    tree = factories.academy(home) if not Page.objects.filter(slug="academy").exists() else None
    tier = tree.beginner if tree else None
    courses = (
        [factories.course(tier, f"bench-{prefix}-{n}", lessons=1) for n in range(2)] if tier else []
    )
    group = Group.objects.get(name=roles.SHOPKEEPER)
    now = timezone.now()
    counter = iter(range(10**7))

    def people(count, leaders):
        users = User.objects.bulk_create(
            [
                User(email=f"bench-{prefix}-{next(counter)}@example.com", display_name="店主")
                for _ in range(count)
            ]
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
        )
        return ShopkeeperProfile.objects.bulk_create(
            [
                ShopkeeperProfile(
                    user=u,
                    shop_id=f"{prefix}{i:07d}",
                    team_leader_id=leaders[i % len(leaders)] if leaders else None,
                    completed_at=now,
                )
                for i, u in enumerate(users, start=len(ShopkeeperProfile.objects.all()))
            ]
        )

    (leader,) = people(1, None)
    level, made, members = [leader.pk], 0, []
    for fan_out in LEVELS:
        count = min(len(level) * fan_out, MEMBERS - made)
        created = people(count, level)
        members += created
        made += count
        level = [p.pk for p in created]
    others = people(MEMBERS, None)
    people(MEMBERS - len(others), [p.pk for p in others[:500]])
    for course in courses:
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user_id=p.user_id,
                    course=course,
                    course_title=course.title,
                    enrolled_at=now - timedelta(days=20),
                    last_seen_at=now - timedelta(days=i % 14),
                    completed_at=now if i % 3 == 0 else None,
                )
                for i, p in enumerate(members)
            ]
        )
    if courses:
        quiz = factories.quiz_of(courses[0])
        QuizAttempt.objects.bulk_create(
            [
                QuizAttempt(
                    user_id=p.user_id,
                    quiz=quiz,
                    course=courses[0],
                    quiz_title=quiz.title,
                    number=n,
                    score=10,
                    pass_mark=80,
                    passed=False,
                )
                for p in members[::7]
                for n in (1, 2)
            ]
        )
    return leader


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(leader, runs):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from growth.teams import tree

    client = Client()
    client.force_login(leader.user)
    print(f"database: {connection.vendor}")
    for depth in (2, 3):
        settings.ACADEMY_TEAM_DEPTH = depth
        size = len(tree.member_depths(leader))
        ms = timed(lambda: tree.member_depths(leader), runs)
        print(f"depth {depth}: {size} members; team-tree query median {ms:.1f} ms")
        for label, url in (("team page", "/team/"), ("stuck filter", "/team/?show=stuck")):
            client.get(url)
            # Django empties the query log when a request starts: count from an empty log.
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            ms = timed(lambda url=url: client.get(url), runs)
            print(f"  {label}: median {ms:.0f} ms over {runs} runs, {len(queries)} queries")
            if os.environ.get("BENCH_VERBOSE"):
                for query in queries.captured_queries:
                    print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.db import connection, transaction

        started = time.perf_counter()
        try:
            with transaction.atomic():
                leader = build("97")
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                print(f"set-up: built in {time.perf_counter() - started:.1f} s")
                measure(leader, args.runs)
                raise Rollback
        except Rollback:
            pass


if __name__ == "__main__":
    main()
