"""A burst of concurrent Star Leader admissions and confirmations on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cohort_bench \
        .venv/bin/python bench/cohort_burst.py
    .venv/bin/python bench/cohort_burst.py --seats 150 --applicants 500 --threads 40

It creates the database if needed and migrates it, then a new cohort with
``--seats`` seats and ``--applicants`` shopkeepers who applied. First every
application is decided at once (admit into a free seat, else waitlist); then
every applicant tries to confirm at once. Both go through the service layer,
from ``--threads`` threads that each hold their own database connection and
start together; every call is one attempt. Expected: exactly ``--seats``
admitted and confirmed, the rest cleanly refused, no errors.
"""

import argparse
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/cohort_bench"


def prepare(seats, applicants):
    """A new cohort open for applications and ``applicants`` applications to it."""
    from django.contrib.auth.models import Group
    from django.db.models import Max

    from academy import roles
    from academy.models import ShopkeeperProfile, User
    from mentorship.starleader import services
    from mentorship.starleader.models import Cohort

    officer, _ = User.objects.get_or_create(email="bench-cohort-staff@example.com")
    officer.groups.add(Group.objects.get(name=roles.PROGRAM_STAFF))
    shopkeeper_group = Group.objects.get(name=roles.SHOPKEEPER)
    emails = [f"bench-cohort-{i:04d}@example.com" for i in range(applicants)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    made = User.objects.bulk_create(
        User(email=email, display_name=f"店主{i:04d}")
        for i, email in enumerate(emails)
        if email not in existing
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=shopkeeper_group.pk) for u in made
    )
    ShopkeeperProfile.objects.bulk_create(
        ShopkeeperProfile(user=u, shop_id=f"{88_000_000 + u.pk}", completed_at=datetime.now(UTC))
        for u in made
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    now = datetime.now(UTC)
    today = now.date()
    number = (Cohort.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    cohort = Cohort.objects.create(
        number=number,
        name="压测期",
        city="杭州",
        venue="压测教室",
        capacity=seats,
        applications_open_at=now - timedelta(days=1),
        applications_close_at=now + timedelta(days=7),
        classes_start_on=today + timedelta(days=14),
        classes_end_on=today + timedelta(days=15),
        guidance_starts_on=today + timedelta(days=16),
        guidance_ends_on=today + timedelta(days=45),
    )
    answers = {
        "situation": "团队 20 人，销售下滑",
        "difficulties": "新人留不住",
        "goals": "月销回到 5 万",
        "team_size": 20,
        "sales_band": "10k-50k",
    }
    applications = [services.apply(cohort, user, **answers) for user in users]
    return cohort, officer, applications


def burst(func, items, threads):
    """Call ``func(item)`` for every item from ``threads`` threads released together.

    Each thread has its own database connection (Django's are per thread).
    Returns the results (or exceptions) and the elapsed seconds.
    """
    from django.db import connection

    results = [None] * len(items)
    lock = threading.Lock()
    queue = list(enumerate(items))
    barrier = threading.Barrier(threads + 1)

    def worker():
        connection.ensure_connection()  # connect before the start, not during the race
        barrier.wait()
        while True:
            with lock:
                if not queue:
                    break
                index, item = queue.pop()
            try:
                results[index] = func(item)
            except Exception as exc:  # noqa: BLE001 - counted below
                results[index] = exc
        connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    return results, time.perf_counter() - started


def tally(results):
    from mentorship.starleader.errors import CohortError
    from mentorship.starleader.models import Application

    done = sum(isinstance(r, Application) for r in results)
    refused = [r for r in results if isinstance(r, CohortError)]
    errors = [r for r in results if not isinstance(r, Application | CohortError)]
    return done, refused, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--seats", type=int, default=150)
    parser.add_argument("--applicants", type=int, default=500)
    parser.add_argument(
        "--threads", type=int, default=40, help="threads, each with its own connection"
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("cohort_burst needs PostgreSQL (DATABASE_URL=postgres://...)")
    from bench.booking_burst import ensure_database, setup_django

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings

    # Every status change writes its notice and e-mail in the same transaction; the
    # e-mails are relayed in-process to a local mailbox, so no broker or mail server.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)

    from mentorship.starleader import services
    from mentorship.starleader.models import Application, Status

    cohort, officer, applications = prepare(args.seats, args.applicants)
    print(
        f"cohort {cohort.number}: {args.seats} seats, {len(applications)} applications, "
        f"{args.threads} threads, database {args.database_url}"
    )
    results, elapsed = burst(
        lambda a: services.admit_or_waitlist(a, officer), applications, args.threads
    )
    done, refused, errors = tally(results)
    admitted = Application.objects.filter(cohort=cohort, status=Status.ADMITTED).count()
    waitlisted = Application.objects.filter(cohort=cohort, status=Status.WAITLISTED).count()
    print(
        f"admissions:    attempts {len(results)}, seats {args.seats}, admitted {admitted}, "
        f"waitlisted {waitlisted}, errors {len(errors)}, elapsed {elapsed:.2f} s"
    )
    results, elapsed = burst(lambda a: services.confirm(a, a.applicant), applications, args.threads)
    done, refused, errors = tally(results)
    confirmed = Application.objects.filter(cohort=cohort, status=Status.CONFIRMED).count()
    print(
        f"confirmations: attempts {len(results)}, seats {args.seats}, confirmed {confirmed}, "
        f"refused {len(refused)}, errors {len(errors)}, elapsed {elapsed:.2f} s"
    )
    for error in errors[:5]:
        print(f"  error: {type(error).__name__}: {error}")
    ok = (
        admitted == args.seats == confirmed == done
        and not errors
        and waitlisted == len(applications) - args.seats
    )
    print("OK: exactly the seats confirmed, no errors" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
