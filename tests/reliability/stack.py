"""Private servers and the academy's production stack, for the fault tests.

Fault tests stop and restart servers, so they never touch the machine's shared
PostgreSQL or Redis: they start a Redis of their own (and a PostgreSQL cluster of
their own for the restart test) on a free port and stop it themselves. The
academy runs as in production (``DJANGO_DEBUG=0``, gunicorn behind Debian's nginx,
Celery workers).
E-mails go to the file-based backend, so a test counts what was really sent.
"""

import email
import email.policy
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import requests
from django.conf import settings
from django.test import Client

from deploy import nginx

ROOT = Path(settings.BASE_DIR)
VENV_BIN = Path(sys.executable).parent
# Each xdist worker picks from its own share of the range.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORTS = range(18100 + 25 * (_WORKER % 4), 18125 + 25 * (_WORKER % 4))
_used_ports = set()

# Static files the academy's own pages use (not Wagtail's admin), hashed as in production.
STATIC_IGNORE = ["wagtail*", "admin", "media_editor", "table_block", "mfa"]


def free_port():
    for port in PORTS:
        if port in _used_ports:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _used_ports.add(port)
        return port
    raise RuntimeError(f"no free port in {PORTS}")


def wait_for(condition, timeout, interval=0.1, message="condition"):
    """Poll ``condition`` until it returns something true; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


def _kill_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def stop_process(process, timeout=10):
    """SIGTERM the process group, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    _kill_group(process, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process, signal.SIGKILL)
        process.wait()


# --- Redis ------------------------------------------------------------------------


class RedisServer:
    """A Redis of our own: kill it for an outage, start it again on the same port."""

    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = Path(workdir)
        self.port = free_port()
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        with open(self.workdir / "redis.log", "a") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    *("--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                    *("--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(self.ping, 10, message=f"Redis on port {self.port}")

    def ping(self):
        import redis

        try:
            return redis.Redis.from_url(self.url(), socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def kill(self):
        """The outage: SIGKILL, nothing saved (an empty Redis comes back)."""
        _kill_group(self.process, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process is not None:
            stop_process(self.process)


class PostgresCluster:
    """A PostgreSQL cluster of our own (initdb), started and restarted with pg_ctl."""

    def __init__(self, bindir):
        self.bindir = Path(bindir)
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="academy-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.as_postgres = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: the cluster belongs to "postgres".
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.as_postgres = [shutil.which("runuser") or "runuser", "-u", "postgres", "--"]

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command, check=True):
        # Output to a file, never a pipe: the server pg_ctl starts would hold a pipe open.
        with open(self.root / "pg_ctl.log", "a") as log:
            result = subprocess.run(
                [*self.as_postgres, *command], stdout=log, stderr=subprocess.STDOUT, cwd="/"
            )
        if check and result.returncode:
            raise AssertionError(f"{command[0]} failed: {(self.root / 'pg_ctl.log').read_text()}")
        return result

    def pg_ctl(self, *args, check=True):
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args, check=check)

    def init(self):
        self._run(
            str(self.bindir / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"),
            "--no-instructions",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "30", "start")

    def restart(self, mode="fast"):
        self.pg_ctl("-m", mode, "-l", str(self.log), "-w", "-t", "30", "restart")

    def psql(self, sql, database="postgres"):
        return subprocess.run(
            [
                str(self.bindir / "psql"),
                *("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database),
                *("-v", "ON_ERROR_STOP=1", "-qAtc", sql),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def copy_database(self, source_url, name):
        """Create ``name`` here as a copy (schema and rows) of the database at ``source_url``."""
        self.psql(f'CREATE DATABASE "{name}"')
        dump = subprocess.Popen(
            [str(self.bindir / "pg_dump"), "--no-owner", "-Fc", "-d", source_url],
            stdout=subprocess.PIPE,
        )
        subprocess.run(
            [str(self.bindir / "pg_restore"), "--no-owner", "-d", self.url(name)],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
        )
        dump.stdout.close()
        assert dump.wait() == 0, "pg_dump failed"

    def destroy(self):
        if self.data.exists():
            self.pg_ctl("-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def production_env(**extra):
    """This process's environment with the production settings instead of the test ones."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "ACADEMY_"))
        and key not in {"PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        DJANGO_DEBUG="0",
        # The test process signs the sessions it logs visitors in with.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_BEHIND_TLS_PROXY="1",
        **extra,
    )
    return env


def collectstatic(data_dir):
    """The hashed static files (manifest) production needs, once per test run."""
    static_root = Path(data_dir) / "static"
    ignore = [arg for pattern in STATIC_IGNORE for arg in ("-i", pattern)]
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0", *ignore],
        env=production_env(DJANGO_STATIC_ROOT=str(static_root), ACADEMY_DATA_DIR=str(data_dir)),
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return static_root


def database_url_of(settings_dict):
    user = quote(settings_dict.get("USER") or "postgres")
    password = settings_dict.get("PASSWORD")
    credentials = f"{user}:{quote(password)}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{settings_dict['NAME']}"


class Production:
    """The environment of the README's production configuration, on loopback services."""

    def __init__(self, workdir, database_url, redis_url, static_root):
        self.workdir = Path(workdir)
        self.static_root = Path(static_root)
        self.media_root = self.workdir / "media"
        self.mail_dir = self.workdir / "mail"
        self.mail_dir.mkdir(exist_ok=True)
        self.env = production_env(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            ACADEMY_DATA_DIR=str(self.workdir),
            DJANGO_STATIC_ROOT=str(static_root),
            DJANGO_MEDIA_ROOT=str(self.media_root),
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            DJANGO_EMAIL_FILE_PATH=str(self.mail_dir),
        )
        self.processes = []

    def spawn(self, name, command):
        with open(self.workdir / f"{name}.log", "a") as log:
            process = subprocess.Popen(
                command,
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process.name = name
        self.processes.append(process)
        return process

    def web(self, name="web", workers=2):
        """Start gunicorn behind an nginx of its own, as on a web node; ``url`` is nginx's.
        ``start()`` waits until it answers through nginx."""
        if not nginx.available():
            from tests.conftest import _missing

            _missing(f"{nginx.NGINX} is not installed (apt-get install nginx)")
        port = free_port()
        process = self.spawn(
            name,
            [
                str(VENV_BIN / "gunicorn"),
                *("academy.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
                *("--timeout", "30", "--graceful-timeout", "2"),
            ],
        )
        front = nginx.FrontServer(
            self.workdir / f"{name}-nginx",
            free_port(),
            upstreams=[f"127.0.0.1:{port}"],
            static_root=self.static_root,
            media_root=self.media_root,
            access_log=True,
        ).start()
        front.process.name = f"{name}-nginx"
        self.processes.append(front.process)
        process.front = front
        process.url = front.url
        process.ready = lambda: self._answers(process)
        return process

    def _answers(self, process):
        try:
            return requests.get(f"{process.url}/healthz/", timeout=2).status_code in {200, 503}
        except requests.RequestException:
            return False

    def worker(self, name="worker", concurrency=1):
        """Start a Celery worker; ``start()`` waits until it is ready."""
        process = self.spawn(
            name,
            [
                str(VENV_BIN / "celery"),
                *("-A", "academy", "worker", "--loglevel=INFO", f"--concurrency={concurrency}"),
                *(f"--hostname={name}@%h", "--without-gossip", "--without-mingle"),
            ],
        )
        process.ready = lambda: " ready." in self.log(name)
        return process

    def start(self, *processes):
        """Wait until every process started together is ready; returns them."""

        def ready():
            for process in processes:
                assert process.poll() is None, f"{process.name} exited; see {self.workdir}"
            return all(process.ready() for process in processes)

        wait_for(ready, 90, interval=0.2, message=f"the stack to start (see {self.workdir})")
        return processes

    def kill(self, process):
        """SIGKILL the process and its children (Celery's pool, gunicorn's workers)."""
        _kill_group(process, signal.SIGKILL)
        process.wait()

    def stop_all(self):
        """The test is over: kill everything at once (a graceful stop takes seconds)."""
        for process in self.processes:
            if process.poll() is None:
                self.kill(process)

    def log(self, name):
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def sent_emails(self):
        return read_mailbox(self.mail_dir)

    def clear_mailbox(self):
        for path in self.mail_dir.glob("*.log"):
            path.unlink()

    def send_task(self, name):
        """Publish a task to the private broker, as beat does on its tick."""
        from celery import Celery

        app = Celery(broker=self.env["REDIS_URL"])
        try:
            app.send_task(name)
        finally:
            app.close()


SEPARATOR = "-" * 79


def read_mailbox(folder):
    """Every e-mail the file-based backend wrote: (to, subject) pairs."""
    messages = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_text().split(f"\n{SEPARATOR}\n"):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.strip(), policy=email.policy.default)
            messages.append((str(message["To"]).strip(), str(message["Subject"]).strip()))
    return messages


class Visitor:
    """HTTP as a phone browser behind the TLS proxy: cookies, CSRF token, no redirects followed."""

    def __init__(self, base_url, cookies=None):
        self.base_url = base_url
        self.cookies = dict(cookies or {})
        self.timings = []

    @classmethod
    def logged_in(cls, base_url, user):
        client = Client()
        client.force_login(user)
        return cls(base_url, {"sessionid": client.cookies["sessionid"].value})

    def request(self, method, path, data=None, timeout=10, headers=None):
        origin = self.base_url.replace("http://", "https://")
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Referer"] = f"{origin}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.monotonic()
        response = requests.request(
            method,
            f"{self.base_url}{path}",
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=timeout,
        )
        self.timings.append((method, path, time.monotonic() - started))
        # The cookies are Secure (production); TLS ends at the proxy, so keep them anyway.
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.request("POST", path, data=data, **kwargs)
