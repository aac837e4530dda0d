"""A burst of sign-ups at one live session on PostgreSQL, through the service layer.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/live_bench \\
        .venv/bin/python bench/live_signup_burst.py
    DATABASE_URL=… .venv/bin/python bench/live_signup_burst.py --signups 5000 --threads 32 \\
        --duplicates 0.2 --capacity 3000

It creates the database if needed, migrates it, creates a star mentor, a
published session and ``--signups`` shopkeepers, then fires their sign-ups from
``--threads`` threads, each with its own database connection, released
together; a share of the people (``--duplicates``) tap a second time at the
same moment. It prints throughput, sign-ups, duplicate rows (must be 0) and
errors (must be 0), then runs again with a capacity: the sign-ups stored must
equal the capacity, never more, and the counter must equal the rows.
"""

import argparse
import os
import queue
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.booking_burst import ensure_database, setup_django  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/live_bench"


def shopkeepers(count):
    """``count`` bench shopkeepers (created once, reused by later runs): their IDs."""
    from academy.models import User

    emails = [f"bench-live-{i:05d}@example.com" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=email, display_name=f"店主{i:05d}")
            for i, email in enumerate(emails)
            if email not in existing
        ],
        batch_size=2000,
    )
    return list(User.objects.filter(email__in=emails).order_by("id").values_list("id", flat=True))


def new_session(capacity=None):
    """A published session tomorrow under the live-session index (made if missing)."""
    from django.utils import timezone
    from wagtail.models import Page

    from academy.models import MentorKind, MentorProfile, User
    from courses.live import services
    from courses.models import LiveSessionIndexPage, LiveSessionPage

    index = LiveSessionIndexPage.objects.first()
    if index is None:
        root = Page.get_first_root_node()
        home = root.get_children().first() or root
        index = home.add_child(instance=LiveSessionIndexPage(title="直播分享", slug="live"))
    mentor, _ = User.objects.get_or_create(
        email="bench-live-mentor@example.com",
        defaults={"display_name": "压测导师"},
    )
    profile, _ = MentorProfile.objects.get_or_create(
        user=mentor, defaults={"kind": MentorKind.STAR}
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    session = index.add_child(
        instance=LiveSessionPage(
            title=f"压测直播 {stamp}",
            slug=f"bench-{stamp}",
            topic="moments",
            summary="报名压测",
            start=timezone.now() + timedelta(days=1),
            mentor=profile,
            capacity=capacity,
        )
    )
    services.sync_schedule(session)
    return LiveSessionPage.objects.get(pk=session.pk)


def burst(session_id, user_ids, threads):
    """Sign everyone up from ``threads`` threads at once; returns (counts, seconds)."""
    from django.db import connection

    from academy.models import User
    from courses.live import services
    from courses.models import LiveSessionPage

    work = queue.Queue()
    for user_id in user_ids:
        work.put(user_id)
    counts = {"created": 0, "already": 0, "refused": 0, "error": 0}
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads + 1)

    def worker():
        session = LiveSessionPage.objects.get(pk=session_id)
        barrier.wait()
        try:
            while True:
                try:
                    user_id = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    user = User(pk=user_id)
                    user.is_active = True
                    _signup, created = services.sign_up(user, session)
                    key = "created" if created else "already"
                except services.LiveError:
                    key = "refused"
                except Exception as exc:  # noqa: BLE001 - counted and shown
                    key = "error"
                    errors.append(repr(exc))
                with lock:
                    counts[key] += 1
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join()
    seconds = time.perf_counter() - started
    for error in errors[:5]:
        print("  error:", error)
    return counts, seconds


def report(label, session, attempts, counts, seconds, capacity=None):
    from django.db.models import Count

    from courses.models import LiveSessionState, LiveSignup

    rows = LiveSignup.objects.filter(session=session)
    stored = rows.count()
    duplicates = (
        rows.values("user_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )  # the constraint makes this 0; counted anyway
    counter = LiveSessionState.objects.get(session=session).signups
    print(
        f"{label}: {attempts} attempts in {seconds:.2f} s = {attempts / seconds:.0f} sign-ups/s; "
        f"signed up {counts['created']}, repeats answered 'already' {counts['already']}, "
        f"refused {counts['refused']}, errors {counts['error']}; "
        f"rows stored {stored}, duplicates {duplicates}, counter {counter}"
        + (f", capacity {capacity}" if capacity else "")
    )
    ok = duplicates == 0 and counts["error"] == 0 and counter == stored
    ok = ok and (stored <= capacity if capacity else stored == counts["created"])
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=5000, help="people signing up")
    parser.add_argument("--threads", type=int, default=32, help="threads, one connection each")
    parser.add_argument(
        "--duplicates", type=float, default=0.2, help="share of people who tap twice"
    )
    parser.add_argument("--capacity", type=int, default=3000, help="capacity of the second run")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("live_signup_burst needs PostgreSQL (DATABASE_URL=postgres://...)")
    ensure_database(database_url)
    setup_django(database_url)
    user_ids = shopkeepers(args.signups)
    rng = random.Random(7)
    repeats = rng.sample(user_ids, int(len(user_ids) * args.duplicates))
    attempts = user_ids + repeats
    rng.shuffle(attempts)
    print(
        f"database {database_url}: {args.signups} shopkeepers, {len(repeats)} of them tap twice, "
        f"{args.threads} threads"
    )
    ok = True
    session = new_session()
    counts, seconds = burst(session.pk, attempts, args.threads)
    ok &= report("no capacity", session, len(attempts), counts, seconds)
    session = new_session(capacity=args.capacity)
    counts, seconds = burst(session.pk, attempts, args.threads)
    ok &= report(
        f"capacity {args.capacity}", session, len(attempts), counts, seconds, args.capacity
    )
    print("OK: no duplicates, no errors, capacity held" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
