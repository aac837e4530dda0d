"""Pieces of the benchmark suite: services, the production stack, wrk, memory, CPU.

Everything runs on loopback only, with bounded durations; every process the
suite starts is stopped by PID when it ends.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import nginx  # noqa: E402

VENV_BIN = Path(sys.executable).parent
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SECRET_KEY = os.environ.get("BENCH_SECRET_KEY") or "bench-" + secrets.token_urlsafe(48)


def log(message):
    print(
        f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True
    )


def ensure_wrk():
    """wrk from Debian: a C load generator, light enough to share two cores."""
    if shutil.which("wrk"):
        return shutil.which("wrk")
    log("installing wrk (Debian package)")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name):
    return f"{PG_ADMIN_URL}/{name}"


def media_dir(db_name):
    """Uploads of a dataset (the seed's pictures, audio and video), kept with it between runs."""
    return ROOT / "bench" / "data" / db_name / "media"


def production_env(db_name, data_dir):
    """The production configuration of the README, pointed at loopback services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_URL", "CELERY_", "ACADEMY_"))
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_BEHIND_TLS_PROXY="1",
        DATABASE_URL=database_url(db_name),
        REDIS_URL=REDIS_URL,
        ACADEMY_DATA_DIR=str(data_dir),
        DJANGO_STATIC_ROOT=str(data_dir / "static"),
        DJANGO_MEDIA_ROOT=str(media_dir(db_name)),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
        ACADEMY_BENCH_URLS="1",
    )
    return env


def manage(env, *args, quiet=True):
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=quiet,
        text=True,
    )


class Stack:
    """gunicorn behind Debian's nginx, a Celery worker and beat, as the README runs them in
    production. ``url`` is nginx's; ``app_url`` reaches gunicorn directly."""

    def __init__(self, env, workers, data_dir):
        self.env = env
        self.workers = workers
        self.data_dir = data_dir
        self.port = free_port()
        self.app_port = free_port()
        self.processes = {}

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def app_url(self):
        return f"http://127.0.0.1:{self.app_port}"

    def start(self):
        logs = self.data_dir
        if not nginx.available():
            raise SystemExit(f"{nginx.NGINX} is missing: apt-get install nginx")
        front = nginx.FrontServer(
            self.data_dir / "nginx",
            self.port,
            upstreams=[f"127.0.0.1:{self.app_port}"],
            static_root=self.env["DJANGO_STATIC_ROOT"],
            media_root=self.env["DJANGO_MEDIA_ROOT"],
            worker_processes="auto",
        )
        self.processes["nginx"] = front.start().process
        self.processes["web"] = self._spawn(
            [
                str(VENV_BIN / "gunicorn"),
                "academy.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.app_port}",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            logs / "web.log",
        )
        self.processes["worker"] = self._spawn(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "academy",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=2",
            ],
            logs / "worker.log",
        )
        self.processes["beat"] = self._spawn(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "academy",
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(logs / "beat-schedule"),
            ],
            logs / "beat.log",
        )
        self.wait_healthy()

    def _spawn(self, command, log_path):
        handle = open(log_path, "w")
        return subprocess.Popen(
            command,
            env=self.env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz/", timeout=5) as response:  # noqa: S310
                    if json.load(response) == {"database": "ok", "cache": "ok", "broker": "ok"}:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the stack did not become healthy; see {self.data_dir}/web.log")

    def pids(self, name):
        """The process and its children (gunicorn's and Celery's workers)."""
        root = self.processes[name].pid
        result = [root]
        try:
            children = subprocess.run(
                ["pgrep", "-P", str(root)], capture_output=True, text=True, check=False
            ).stdout.split()
        except FileNotFoundError:
            children = []
        result += [int(pid) for pid in children]
        return result

    def cpu_seconds(self, name):
        """CPU time (user + system) used so far by the process and its children."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids(name):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def peak_rss_mb(self, name):
        """Largest peak resident memory (VmHWM) among the process and its children."""
        peak = 0
        for pid in self.pids(name):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return peak / 1024

    def stop(self):
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


@contextmanager
def running_stack(env, workers):
    data_dir = Path(env["ACADEMY_DATA_DIR"])
    stack = Stack(env, workers, data_dir)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def wrk(url, *, headers=None, connections=32, seconds=8, threads=2):
    """Drive one URL for a bounded time; returns wrk's figures as a dict."""
    env = dict(os.environ)
    env["WRK_HEADERS"] = "|".join(f"{k}: {v}" for k, v in (headers or {}).items())
    result = subprocess.run(
        [
            ensure_wrk(),
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    for line in result.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line.removeprefix("WRK_JSON "))
    raise RuntimeError(f"wrk printed no report:\n{result.stdout}\n{result.stderr}")


def make_data_dir():
    return Path(tempfile.mkdtemp(prefix="academy-bench-"))
