"""100 phones playing an HLS lesson while wrk measures the home page and the dashboard.

    python bench/hls_viewers.py [--viewers 100] [--seconds 8] [--pace 1.0] [--size 10000]

Through the production stack (nginx in front of gunicorn, PostgreSQL, Redis) on
the benchmark dataset. Each viewer is a signed-in shopkeeper's phone: it opens
the lesson page, takes the master playlist from the player's ``data-hls-src``,
picks the lowest rendition, then loops over the variant playlist and its
segments, fetching each segment when the previous one has played (``--pace 2``
plays twice as fast). The home page and the dashboard are measured with wrk
first without viewers, then with all of them playing, in the same run; the p95
of each may grow by at most 1.2×. Printed besides: segments served per second,
stalls (a segment that took longer to arrive than to play), and the share of
the machine's CPU the gunicorn workers used while only the viewers played and
while wrk ran beside them (from /proc). bench/run.py runs the same measurement
inside its stack and puts it in the table. With no lesson carrying
``data-hls-src`` in the dataset, it says so and measures nothing.
"""

import argparse
import html
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

TARGET = 1.2
SHOPKEEPER = "shopkeeper@example.com"
HLS_SRC = re.compile(r'data-hls-src="([^"]+)"')
HEADERS = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}


# --- finding the video lesson (inside Django, with the dataset's settings) ---------------


def find_lesson():
    """The first live lesson whose page, shown to the demo shopkeeper, has an HLS video
    player (an HLS audio lesson if there is no video).

    Prints JSON: {"lesson": url or null, "cookie": "sessionid=…"}."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from academy.models import User
    from courses.models import LessonPage

    settings.ACADEMY_PAGE_CACHE_SECONDS = 0
    user = User.objects.filter(email=SHOPKEEPER).first()
    if user is None:
        return {"lesson": None, "cookie": None}
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    audio = None
    for lesson in LessonPage.objects.live().order_by("path").iterator():
        response = client.get(lesson.url, secure=True)
        page = response.content.decode()
        if response.status_code == 200 and HLS_SRC.search(page):
            if re.search(r"<video[^>]*data-hls-src", page):
                return {"lesson": lesson.url, "cookie": cookie}
            audio = audio or lesson.url
    return {"lesson": audio, "cookie": cookie}


def locate(env):
    done = subprocess.run(
        [sys.executable, __file__, "--find-lesson"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- a phone playing the lesson -----------------------------------------------------------


def parse_playlist(text, base):
    """A playlist's variants [(bandwidth, url)] (master) or segments [(seconds, url)]."""
    variants, segments, pending = [], [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-STREAM-INF:"):
            bandwidth = re.search(r"(?:^|,)BANDWIDTH=(\d+)", line.split(":", 1)[1])
            pending = ("variant", int(bandwidth.group(1)) if bandwidth else 0)
        elif line.startswith("#EXTINF:"):
            pending = ("segment", float(line.split(":", 1)[1].split(",")[0]))
        elif line and not line.startswith("#") and pending:
            kind, value = pending
            (variants if kind == "variant" else segments).append((value, urljoin(base, line)))
            pending = None
    return variants, segments


class Viewer(threading.Thread):
    """One phone: the lesson page, the lowest rendition, its segments at playing pace."""

    def __init__(self, base_url, lesson, cookie, pace, counters, stop):
        super().__init__(daemon=True)
        self.base_url, self.lesson, self.pace = base_url, lesson, pace
        self.counters, self.stop = counters, stop
        self.headers = {**HEADERS, "Cookie": cookie}
        self.playing = threading.Event()

    def run(self):
        import requests

        session = requests.Session()
        try:
            self._play(session)
        except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
            self.counters.add("errors", 1, str(error)[:200])
        finally:
            self.playing.set()
            session.close()

    def _get(self, session, url):
        response = session.get(url, headers=self.headers, timeout=30)
        if response.status_code != 200:
            raise RuntimeError(f"{response.status_code} for {url}")
        return response

    def _fetch_segment(self, session, url):
        """The segment's size; its bytes are read in large chunks and dropped (cheap for
        the client, which shares the machine with the server)."""
        with session.get(url, headers=self.headers, timeout=30, stream=True) as response:
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code} for {url}")
            return sum(len(chunk) for chunk in response.iter_content(256 * 1024))

    def _play(self, session):
        page = self._get(session, self.base_url + self.lesson).text
        master_url = urljoin(self.base_url + self.lesson, html.unescape(HLS_SRC.search(page)[1]))
        # The player's address redirects to the playlist signed for her: names in the
        # playlists are relative to where it landed.
        master = self._get(session, master_url)
        variants, _ = parse_playlist(master.text, master.url)
        lowest = min(variants)[1] if variants else master.url
        while not self.stop.is_set():
            playlist = self._get(session, lowest)
            _, segments = parse_playlist(playlist.text, playlist.url)
            self.counters.add("playlists", 1)
            if not segments:
                raise RuntimeError(f"no segments in {lowest}")
            for seconds, url in segments:
                started = time.monotonic()
                size = self._fetch_segment(session, url)
                took = time.monotonic() - started
                self.counters.add("segments", 1)
                self.counters.add("bytes", size)
                if took > seconds / self.pace:
                    self.counters.add("stalls", 1)
                self.playing.set()
                if self.stop.wait(max(0.0, seconds / self.pace - took)):
                    return


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {"segments": 0, "playlists": 0, "bytes": 0, "stalls": 0, "errors": 0}
        self.first_error = None

    def add(self, name, amount, detail=None):
        with self.lock:
            self.values[name] += amount
            if detail and self.first_error is None:
                self.first_error = detail

    def snapshot(self):
        with self.lock:
            return dict(self.values)


# --- the measurement ------------------------------------------------------------------------


def _pages(stack, cookie, args):
    """wrk figures of the home page (anonymous) and the dashboard (signed in)."""
    figures = {}
    for name, path, headers in (
        ("home", "/", dict(HEADERS)),
        ("dashboard", "/me/", {**HEADERS, "Cookie": cookie}),
    ):
        harness.wrk(stack.url + path, headers=headers, connections=4, seconds=1)
        figures[name] = harness.wrk(
            stack.url + path, headers=headers, connections=args.connections, seconds=args.seconds
        )
    return figures


def measure(stack, env, args):
    """The figures of one run, or {"skipped": reason}."""
    found = locate(env)
    if not found["lesson"]:
        return {"skipped": "no lesson of the dataset has an HLS player (data-hls-src)"}
    cookie = found["cookie"]
    harness.log(f"HLS viewers: {found['lesson']}, {args.viewers} viewers at {args.pace}× pace")
    without = _pages(stack, cookie, args)
    counters, stop = Counters(), threading.Event()
    viewers = [
        Viewer(stack.url, found["lesson"], cookie, args.pace, counters, stop)
        for _ in range(args.viewers)
    ]
    try:
        for viewer in viewers:  # phones open the lesson over a few seconds, not all at once
            viewer.start()
            time.sleep(args.ramp / len(viewers))
        for viewer in viewers:
            viewer.playing.wait(timeout=60)
        # Viewers alone: what playing costs the web workers.
        alone = _window(stack, counters, lambda: time.sleep(args.seconds))
        figures = {}
        beside = _window(stack, counters, lambda: figures.update(_pages(stack, cookie, args)))
    finally:
        stop.set()
        for viewer in viewers:
            viewer.join(timeout=35)
    result = {
        "lesson": found["lesson"],
        "viewers": args.viewers,
        "pace": args.pace,
        "cores": os.cpu_count() or 1,
        "alone": alone,
        "beside": beside,
        "pages": {name: {"without": without[name], "with": figures[name]} for name in without},
        "errors": counters.snapshot()["errors"],
        "first_error": counters.first_error,
    }
    result["ok"] = result["errors"] == 0 and all(
        page["with"]["p95_ms"] <= TARGET * page["without"]["p95_ms"]
        for page in result["pages"].values()
    )
    return result


def _window(stack, counters, work):
    """Segments per second and the web workers' CPU (cores busy) while ``work`` runs."""
    before = counters.snapshot()
    cpu_before, nginx_before = stack.cpu_seconds("web"), stack.cpu_seconds("nginx")
    clients_before = _own_cpu()
    started = time.monotonic()
    work()
    seconds = time.monotonic() - started
    after = counters.snapshot()
    clients = _own_cpu() - clients_before
    return {
        "seconds": round(seconds, 1),
        "segments_per_s": (after["segments"] - before["segments"]) / seconds,
        "mbit_per_s": (after["bytes"] - before["bytes"]) * 8 / seconds / 1e6,
        "stalls": after["stalls"] - before["stalls"],
        "web_cores": (stack.cpu_seconds("web") - cpu_before) / seconds,
        "nginx_cores": (stack.cpu_seconds("nginx") - nginx_before) / seconds,
        "client_cores": clients / seconds,
    }


def _own_cpu():
    """CPU seconds of this process: the viewers' threads (and the measuring itself)."""
    times = os.times()
    return times.user + times.system


def summary_lines(result):
    """Lines for the terminal and for bench/RESULTS.md."""
    if "skipped" in result:
        return [f"HLS viewers: skipped: {result['skipped']}."]
    cores = result["cores"]
    lines = [
        "| page | p95 ms without viewers | p95 ms with viewers | growth | req/s without / with "
        f"| target ≤ {TARGET}× |",
        "|---|---|---|---|---|---|",
    ]
    for name, page in result["pages"].items():
        before, after = page["without"], page["with"]
        growth = after["p95_ms"] / before["p95_ms"] if before["p95_ms"] else 0
        verdict = "met" if growth <= TARGET else "MISSED"
        lines.append(
            f"| {name} | {before['p95_ms']:.1f} | {after['p95_ms']:.1f} | {growth:.2f}× | "
            f"{before['rps']:.0f} / {after['rps']:.0f} | {verdict} |"
        )
    for label, window in (("viewers alone", result["alone"]), ("beside wrk", result["beside"])):
        lines.append("")
        lines.append(
            f"{result['viewers']} HLS viewers ({label}, {window['seconds']} s): "
            f"{window['segments_per_s']:.1f} segments/s ({window['mbit_per_s']:.1f} Mbit/s), "
            f"{window['stalls']} stalls; gunicorn workers used {window['web_cores']:.2f} cores "
            f"({window['web_cores'] / cores:.0%} of the machine), nginx "
            f"{window['nginx_cores']:.2f}, the viewers' own client {window['client_cores']:.2f}."
        )
    if result["errors"]:
        lines.append(f"Viewer errors: {result['errors']} (first: {result['first_error']}).")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=8, help="wrk's time per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pace", type=float, default=1.0, help="2 plays twice as fast")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which viewers start")
    parser.add_argument("--size", type=int, default=10_000, help="shopkeepers in the dataset")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--find-lesson", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.find_lesson:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")
        print(json.dumps(find_lesson()))
        return
    from bench import dataset

    harness.ensure_wrk()
    name = f"academy_bench_{args.size}"
    dataset.ensure(name, args.size)
    env = harness.production_env(name, harness.make_data_dir())
    harness.manage(env, "collectstatic", "--noinput")
    with harness.running_stack(env, args.workers) as stack:
        result = measure(stack, env, args)
    print("\n".join(summary_lines(result)))
    if "skipped" not in result and not result["ok"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
