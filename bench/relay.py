"""How many notices per second one worker of the WeChat/SMS relay sends, on PostgreSQL.

    .venv/bin/python bench/relay.py
    .venv/bin/python bench/relay.py --deliveries 5000 --users 500 --workers 1,2,4 \\
        --database-url postgres://postgres@127.0.0.1:5432/relay_bench

It creates the database if needed and migrates it, makes ``--users`` shopkeepers
(half on WeChat, half with a number for SMS, all in a time zone where it is day),
then for each worker count writes ``--deliveries`` pending rows across both channels
and runs that many relay processes at once (``academy.notices.delivery.send_due``,
SKIP LOCKED claims) until none is left. The providers are in-process console-like
backends that answer at once, so the figure is the relay's own cost: claims, the
quiet-hours and daily-limit checks, the openid lookup and the status writes.
It prints notices per second in all and per worker, and checks that every row was
sent exactly once.
"""

import argparse
import multiprocessing
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/relay_bench"
APP_ID = "wx-relay-bench"
ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York", "America/Los_Angeles"]


class CountingWeChat:
    """Answers at once, like the console backend without its log and file."""

    sent = 0

    def send_template(self, openid, kind, data, url=""):
        CountingWeChat.sent += 1
        return f"bench-{uuid.uuid4().hex[:12]}"


class CountingSms:
    sent = 0

    def send(self, phone, kind, params):
        CountingSms.sent += 1
        return f"bench-{uuid.uuid4().hex[:12]}"


def day_zone():
    """A zone where it is between 09:00 and 20:00 now: no quiet hours in the way."""
    now = datetime.now(UTC)
    for name in ZONES:
        if 9 <= now.astimezone(ZoneInfo(name)).hour < 20:
            return name
    return "Asia/Kolkata"


def prepare_users(count):
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth.models import Group

    from academy import roles
    from academy.models import User

    zone = day_zone()
    users = list(User.objects.filter(email__startswith="relay-bench-").order_by("id"))
    if len(users) < count:
        made = User.objects.bulk_create(
            [
                User(
                    email=f"relay-bench-{n}@example.com",
                    display_name=f"店主{n}",
                    phone=f"+86139{n:08d}",
                    time_zone=zone,
                )
                for n in range(len(users), count)
            ]
        )
        group = Group.objects.get(name=roles.SHOPKEEPER)
        group.user_set.add(*made)
        SocialAccount.objects.bulk_create(
            [
                SocialAccount(
                    user=u,
                    provider="wechat",
                    uid=f"bench-{u.pk}",
                    extra_data={"openids": {APP_ID: f"o-bench-{u.pk}"}},
                )
                for u in made[::2]
            ]
        )
        users = list(User.objects.filter(email__startswith="relay-bench-").order_by("id"))
    User.objects.filter(pk__in=[u.pk for u in users]).update(time_zone=zone)
    return users[:count]


def prepare_deliveries(users, count, run):
    from academy.models import Delivery

    Delivery.objects.all().delete()
    rows = []
    for n in range(count):
        user = users[n % len(users)]
        on_wechat = (n % len(users)) % 2 == 0
        rows.append(
            Delivery(
                key=f"bench:{run}:{n}",
                kind="booking_confirmed",
                user=user,
                channel="wechat" if on_wechat else "sms",
                to="" if on_wechat else user.phone,
                payload={
                    "title": "辅导已预约",
                    "url": "/mentorship/",
                    "params": ["王老师", "12-08 10:00"],
                    "data": {"first": "辅导已预约", "keyword1": "王老师"},
                    "routes": {},
                },
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=1000)


def worker(_index):
    from django.db import connection

    from academy.notices import delivery

    connection.close()
    started = time.monotonic()
    sent = 0
    while True:
        done = delivery.send_due(limit=100, batches=1)
        if done == 0 and not _pending():
            break
        sent += done
    # The backends are loaded by their dotted path, bench.relay (not __main__).
    from bench import relay

    return sent, time.monotonic() - started, relay.CountingWeChat.sent + relay.CountingSms.sent


def _pending():
    from academy.models import Delivery

    return Delivery.objects.filter(status="pending").exists()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    os.environ["ACADEMY_SMS_BACKEND"] = "bench.relay.CountingSms"
    os.environ["ACADEMY_WECHAT_BACKEND"] = "bench.relay.CountingWeChat"
    os.environ["WEIXIN_MP_APP_ID"] = APP_ID
    os.environ["ACADEMY_SMS_DAILY_LIMIT_PER_USER"] = "1000000"
    from bench.booking_burst import ensure_database, setup_django

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.db import connection
    from django.db.models import Count

    from academy.models import Delivery

    users = prepare_users(args.users)
    ok = True
    for workers in [int(w) for w in args.workers.split(",")]:
        prepare_deliveries(users, args.deliveries, f"w{workers}-{uuid.uuid4().hex[:6]}")
        connection.close()
        started = time.monotonic()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(worker, range(workers))
        elapsed = time.monotonic() - started
        sent = sum(r[0] for r in results)
        calls = sum(r[2] for r in results)
        statuses = dict(Delivery.objects.values_list("status").annotate(n=Count("id")))
        once = sent == calls == args.deliveries == statuses.get("sent", 0)
        ok = ok and once
        rate = sent / elapsed
        print(
            f"workers {workers}: {sent} notices in {elapsed:.2f} s = {rate:.0f} notices/s, "
            f"{rate / workers:.0f} per worker; provider calls {calls}, rows {statuses}"
            f"{'' if once else '  MISMATCH'}"
        )
    print("OK: every notice sent exactly once" if ok else "UNEXPECTED RESULT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
