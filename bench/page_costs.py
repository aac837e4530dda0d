"""What each page of the suite costs in one process, on a warm cache.

    python bench/page_costs.py [--database academy_bench_10000] [--requests 50]
                               [--pages "dashboard 我的学习,lesson"] [--profile N] [--render]

Runs the production settings (PostgreSQL dataset of ``bench/dataset.py``, Redis)
without a server: Django's test client signs in as the page's user, asks each
page twice to warm the caches, then times ``--requests`` requests and counts the
queries of one more. ``--profile N`` prints the N dearest functions of each page
(cProfile, cumulative time). Quicker and quieter than ``make bench`` for
comparing one change with the next; the ratios of the table still come from
``make bench``.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="academy_bench_10000")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pages", default="", help="comma-separated names; all by default")
    parser.add_argument("--profile", type=int, default=0)
    parser.add_argument(
        "--render",
        action="store_true",
        help="signed-in pages rendered every time (ACADEMY_USER_PAGE_CACHE_SECONDS=0)",
    )
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.gettempdir()) / "academy-page-costs"
    env = harness.production_env(args.database, data_dir)
    if not (data_dir / "static" / "staticfiles.json").exists():
        data_dir.mkdir(exist_ok=True)
        harness.manage(env, "collectstatic", "--noinput")
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "academy.settings"
    if args.render:
        os.environ["ACADEMY_USER_PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import pages

    wanted = [p for p in args.pages.split(",") if p]
    # Wall time includes PostgreSQL and Redis; CPU time is this process's alone,
    # steadier on a shared machine.
    print(f"{'page':<24} {'ms/request':>10} {'p90 ms':>8} {'CPU ms':>8} {'queries':>8}")
    for name, (group, who, resolve) in pages.PAGES.items():
        if group == "baseline" and name != "minimal Django view":
            continue
        if wanted and name not in wanted:
            continue
        url = resolve()
        if url is None:
            print(f"{name:<24} not in this dataset")
            continue
        client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
        if who:
            client.force_login(pages._user(who))
        for _ in range(2):
            response = client.get(url, secure=True)
            assert response.status_code == 200, (name, url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, secure=True)
        count = len(queries)  # the log is cleared by the next request
        times, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        times.sort()
        p90 = times[int(len(times) * 0.9) - 1]
        print(
            f"{name:<24} {statistics.median(times):>10.2f} {p90:>8.2f} "
            f"{statistics.median(cpu):>8.2f} {count:>8}"
        )
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                client.get(url, secure=True)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
            print(out.getvalue())
            if settings.DEBUG:
                print("(DEBUG is on: figures are not the production ones)")


if __name__ == "__main__":
    main()
