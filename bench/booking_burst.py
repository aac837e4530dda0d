"""Bursts of concurrent booking requests at a running server on PostgreSQL.

    .venv/bin/python bench/booking_burst.py
    .venv/bin/python bench/booking_burst.py --requests 50 --slots 5 --workers 4 \\
        --database-url postgres://postgres@127.0.0.1:5432/mentorship_bench

Without --url it creates the database if needed, migrates it, starts gunicorn on
a free loopback port against it and stops it at the end; with --url it targets
a server already running on that database. For each slot, ``--requests``
shopkeepers (each with her own session) post the booking form at the same
moment; "mixed" rounds post 30/45/60-minute requests at three start times that
all overlap. It prints successes (302), conflicts (409 "just taken"), other
answers and errors per round, then checks the database: exactly one booking per
round is expected, and no errors.

The server reports how long each booking held the mentor's lock, from taking it
to the commit, in a ``Server-Timing`` header (``ACADEMY_BENCH_URLS=1``, which the
benchmark's stack sets and the server started here gets too); the burst prints
the p50/p95 of those times and how many requests were answered without the lock.

With ``--spread N`` there is a single round instead: the ``--requests``
shopkeepers aim at N different slots of the mentor at once (requests spread
evenly over them); exactly N bookings must succeed. ``--json`` prints the
figures as one JSON line (the benchmark suite reads it).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mentorship_bench"


def ensure_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def prepare(requests):
    """A star mentor open around the clock and ``requests`` shopkeepers, with sessions."""
    from datetime import time as clock

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from academy import roles
    from academy.models import MentorProfile, ShopkeeperProfile, User
    from mentorship.models import AvailabilityRule, MentorSchedule

    mentor, _ = User.objects.get_or_create(email="bench-burst-mentor@example.com")
    mentor.groups.add(Group.objects.get(name=roles.MENTOR))
    profile, _ = MentorProfile.objects.get_or_create(user=mentor, defaults={"capacity": 30_000})
    schedule, created = MentorSchedule.objects.get_or_create(
        mentor=profile,
        defaults={
            "session_lengths": [30, 45, 60],
            "slot_interval": 15,
            "buffer_after": 10,
            "minimum_notice": 0,
            "horizon_days": 180,
            "daily_limit": None,
            "weekly_limit_per_mentee": None,
        },
    )
    if created:
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(
                schedule=schedule, weekday=d, start_time=clock(0), end_time=clock(23, 45)
            )
            for d in range(7)
        )
    shopkeeper_group = Group.objects.get(name=roles.SHOPKEEPER)
    cookies = []
    for i in range(requests):
        user, made = User.objects.get_or_create(email=f"bench-burst-{i:04d}@example.com")
        if made:
            user.groups.add(shopkeeper_group)
            ShopkeeperProfile.objects.create(
                user=user, shop_id=f"{77_000_000 + i}", completed_at=datetime.now(UTC)
            )
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return profile, schedule, cookies


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url, workers):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "ERROR",
        "ACADEMY_BENCH_URLS": "1",
    }
    # Django logs every 409 as a warning in development: keep the server's output aside.
    log = tempfile.NamedTemporaryFile(prefix="booking-burst-", suffix=".log", delete=False)
    print(f"server log: {log.name}")
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "academy.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(100):
        try:
            requests.get(base + "/healthz/", timeout=2)
            return process, base
        except requests.RequestException:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def form_for(base, cookie, path, start, minutes):
    import requests
    from django.conf import settings

    session = requests.Session()
    # Behind a TLS proxy the server sees HTTPS: say so, and name the page the form came from.
    https_base = base.replace("http://", "https://", 1)
    session.headers.update({"X-Forwarded-Proto": "https", "Referer": https_base + path})
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    response = session.get(
        base + path, params={"start": start.isoformat(), "minutes": minutes}, timeout=30
    )
    # Secure cookies are not sent back over plain loopback HTTP by the client: re-add them.
    for name, value in response.cookies.items():
        session.cookies.set(name, value)
    page = response.text
    fields = dict(
        re.findall(r'name="(csrfmiddlewaretoken|start|minutes|token)" value="([^"]*)"', page)
    )
    return session, fields


def server_timing(response):
    """{name: milliseconds} from the response's Server-Timing header."""
    found = re.findall(r"([\w-]+);dur=([\d.]+)", response.headers.get("Server-Timing", ""))
    return {name: float(ms) for name, ms in found}


def burst(base, path, prepared):
    """Post every prepared form at the same moment.

    Returns (status or error name, seconds, Server-Timing figures) per request.
    """
    barrier = threading.Barrier(len(prepared))
    results = [None] * len(prepared)

    def post(index, session, fields):
        barrier.wait()
        started = time.perf_counter()
        try:
            response = session.post(base + path, data=fields, allow_redirects=False, timeout=60)
            results[index] = (
                response.status_code,
                time.perf_counter() - started,
                server_timing(response),
            )
        except Exception as exc:  # noqa: BLE001 - counted as an error
            results[index] = (type(exc).__name__, time.perf_counter() - started, {})

    threads = [threading.Thread(target=post, args=(i, s, f)) for i, (s, f) in enumerate(prepared)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values, share):
    """The value below which ``share`` of the sorted ``values`` lie (nearest rank)."""
    return values[max(0, int(len(values) * share + 0.5) - 1)]


def lock_figures(results):
    """How long requests waited for and held the mentor's lock; how many never took it."""
    held = sorted(t["booking-lock"] for *_rest, t in results if "booking-lock" in t)
    waited = sorted(t["booking-lock-wait"] for *_rest, t in results if "booking-lock-wait" in t)
    figures = {"locked": len(held), "answered_without_lock": len(results) - len(held)}
    if held:
        figures["lock_p50_ms"] = round(percentile(held, 0.50), 1)
        figures["lock_p95_ms"] = round(percentile(held, 0.95), 1)
        figures["lock_total_ms"] = round(sum(held))
    if waited:
        figures["lock_wait_p95_ms"] = round(percentile(waited, 0.95), 1)
    served = sorted(t["app"] for *_rest, t in results if "app" in t)
    if served:
        # The rest of a request's time it waited for a free web worker.
        figures["server_p50_ms"] = round(percentile(served, 0.50), 1)
        figures["server_p95_ms"] = round(percentile(served, 0.95), 1)
    cpu = sorted(t["cpu"] for *_rest, t in results if "cpu" in t)
    if cpu:
        figures["server_cpu_p50_ms"] = round(percentile(cpu, 0.50), 1)
        figures["server_cpu_total_ms"] = round(sum(cpu))
    return figures


# What the --json figures keep of the lock's (the text output shows them all).
SUMMARY = ("lock_p50_ms", "lock_p95_ms", "locked", "answered_without_lock")


def lock_line(figures):
    if not figures["locked"]:
        return "lock: no request reported its lock time (is ACADEMY_BENCH_URLS=1 set?)"
    return (
        f"lock held per booking: p50 {figures['lock_p50_ms']} ms, p95 {figures['lock_p95_ms']} ms "
        f"({figures['locked']} requests took it, {figures['lock_total_ms']} ms in all, waiting "
        f"p95 {figures.get('lock_wait_p95_ms', 0)} ms); "
        f"{figures['answered_without_lock']} answered without the lock; time inside the "
        f"server p50 {figures.get('server_p50_ms')} ms, p95 {figures.get('server_p95_ms')} ms, "
        f"processor time p50 {figures.get('server_cpu_p50_ms')} ms, "
        f"{figures.get('server_cpu_total_ms')} ms in all"
    )


def free_starts(schedule, profile, count, gap_hours=2):
    """``count`` free hour-long slots at least ``gap_hours`` apart, from tomorrow on."""
    from django.utils import timezone

    from mentorship import selectors, slots

    now = timezone.now()
    calendar = selectors.load_period_calendar(schedule, profile, None, now=now)
    starts = []
    for slot in slots.free_slots(calendar, 60, now, start=now + timedelta(days=1)):
        if slot.start.minute == 0 and (
            not starts or slot.start >= starts[-1] + timedelta(hours=gap_hours)
        ):
            starts.append(slot.start)
            if len(starts) == count:
                return starts
    raise SystemExit(f"the mentor has fewer than {count} free slots left")


def spread(args, base, path, profile, schedule, cookies):
    """All requests at once, aimed at ``args.spread`` slots: exactly that many may win."""
    import json

    from mentorship.models import Booking

    starts = free_starts(schedule, profile, args.spread)
    prepared = [
        form_for(base, cookie, path, starts[i % len(starts)], 60)
        for i, cookie in enumerate(cookies)
    ]
    started = time.perf_counter()
    results = burst(base, path, prepared)
    elapsed = time.perf_counter() - started
    counts = {"success": 0, "conflict": 0, "other": 0, "error": 0}
    for status, _seconds, _lock in results:
        if status == 302:
            counts["success"] += 1
        elif status == 409:
            counts["conflict"] += 1
        elif isinstance(status, int) and status < 500:
            counts["other"] += 1
        else:
            counts["error"] += 1
    stored = sum(
        Booking.objects.filter(
            mentor=profile.user, status="confirmed", start__lt=s + timedelta(hours=1), end__gt=s
        ).count()
        for s in starts
    )
    latencies = sorted(seconds for _status, seconds, _lock in results)
    locks = lock_figures(results)
    figures = {
        "requests": len(results),
        "slots": len(starts),
        **counts,
        "stored": stored,
        "p50_ms": round(percentile(latencies, 0.50) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
        "seconds": round(elapsed, 2),
        # The lock's figures; the rest are printed as text only.
        **{k: locks[k] for k in SUMMARY if k in locks},
    }
    exact = stored == len(starts) == counts["success"] and counts["error"] == counts["other"] == 0
    fast = args.p95_target_ms is None or figures["p95_ms"] <= args.p95_target_ms
    if args.p95_target_ms is not None:
        figures["p95_target_ms"] = args.p95_target_ms
    ok = exact and fast
    figures["ok"] = ok
    unexpected = sorted({str(status) for status, *_rest in results if status not in (302, 409)})
    if unexpected:
        # 429 here means these shopkeepers booked more than the hourly limit allows.
        figures["unexpected_answers"] = unexpected
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['requests']} requests at {figures['slots']} slots: success "
            f"{counts['success']}, conflict {counts['conflict']}, other {counts['other']}, "
            f"errors {counts['error']}, bookings stored {stored}; "
            f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
        )
        print(lock_line(locks))
        if unexpected:
            print(f"unexpected answers: {', '.join(unexpected)}")
        if not exact:
            print("UNEXPECTED RESULT")
        elif not fast:
            print(f"exactly one booking per slot, no errors, but p95 over {args.p95_target_ms} ms")
        else:
            print("OK: exactly one booking per slot, no errors")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--url", help="a server already running on that database")
    parser.add_argument("--requests", type=int, default=50, help="concurrent requests per round")
    parser.add_argument("--slots", type=int, default=5, help="rounds at one start time")
    parser.add_argument("--mixed", type=int, default=3, help="rounds of overlapping 30/45/60")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--spread", type=int, help="one round aimed at this many slots")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--p95-target-ms", type=int, help="with --spread: OK only if p95 is at most this"
    )
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("booking_burst needs PostgreSQL (--database-url postgres://...)")
    ensure_database(args.database_url)
    setup_django(args.database_url)

    from django.urls import reverse
    from django.utils import timezone

    from mentorship import selectors, slots
    from mentorship.models import Booking

    profile, schedule, cookies = prepare(args.requests)
    process = None
    base = args.url
    if base is None:
        process, base = start_server(args.database_url, args.workers)
    path = reverse("mentorship:book", args=[profile.pk])
    if not args.json:
        print(
            f"server {base} ({'started here' if process else 'given'}), "
            f"database {args.database_url}, {args.requests} concurrent requests per round"
        )
    try:
        if args.spread:
            return spread(args, base, path, profile, schedule, cookies)
        # Rounds at times nobody has booked yet, a day apart so runs can repeat.
        now = timezone.now()
        calendar = selectors.load_period_calendar(schedule, profile, None, now=now)
        free = [
            s.start
            for s in slots.free_slots(calendar, 60, now, start=now + timedelta(days=1))
            if s.start.minute == 0
        ]
        rounds, used_days = [], set()
        for start in free:
            day = start.date()
            if day in used_days:
                continue
            used_days.add(day)
            kind = "same slot" if len(rounds) < args.slots else "mixed 30/45/60"
            rounds.append((kind, start))
            if len(rounds) == args.slots + args.mixed:
                break
        total = {"success": 0, "conflict": 0, "other": 0, "error": 0}
        latencies, every = [], []
        for kind, start in rounds:
            prepared = []
            for i, cookie in enumerate(cookies):
                if kind == "same slot":
                    when, minutes = start, 60
                else:
                    # Every shape covers start+40 min, so any two overlap.
                    offset, minutes = [(0, 60), (15, 45), (30, 30)][i % 3]
                    when = start + timedelta(minutes=offset)
                prepared.append(form_for(base, cookie, path, when, minutes))
            results = burst(base, path, prepared)
            every += results
            counts = {"success": 0, "conflict": 0, "other": 0, "error": 0}
            for status, seconds, _lock in results:
                latencies.append(seconds)
                if status == 302:
                    counts["success"] += 1
                elif status == 409:
                    counts["conflict"] += 1
                elif isinstance(status, int) and status < 500:
                    counts["other"] += 1
                else:
                    counts["error"] += 1
            stored = Booking.objects.filter(
                mentor=profile.user,
                status="confirmed",
                start__lt=start + timedelta(hours=1),
                end__gt=start,
            ).count()
            for key in total:
                total[key] += counts[key]
            print(
                f"{kind:<15} {start:%Y-%m-%d %H:%M} UTC  success {counts['success']:3d}  "
                f"conflict {counts['conflict']:3d}  other {counts['other']:3d}  "
                f"errors {counts['error']:3d}  bookings stored {stored}"
            )
        latencies.sort()
        print(
            f"total: {len(rounds)} rounds, success {total['success']} (expected {len(rounds)}), "
            f"conflict {total['conflict']}, other {total['other']}, errors {total['error']}; "
            f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms"
        )
        print(lock_line(lock_figures(every)))
        ok = total["success"] == len(rounds) and total["error"] == 0 and total["other"] == 0
        print("OK: exactly one booking per round, no errors" if ok else "UNEXPECTED RESULT")
        return 0 if ok else 1
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
