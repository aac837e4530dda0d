"""The academy's front nginx: render ``deploy/nginx/academy.conf.template``, run it.

Render the site configuration for a server (into nginx's ``http {}`` block)::

    python -m deploy.nginx --listen 80 --server-name academy.example.com \\
        --upstream 127.0.0.1:8000 --static-root /srv/academy/static \\
        --media-root /srv/academy/media > /etc/nginx/conf.d/academy.conf

``FrontServer`` runs Debian's nginx as an unprivileged process of its own around
that same file (``nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;'``), for the
benchmark, the fault tests and CI's smoke test. Standard library only.
"""

import argparse
import getpass
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
NGINX = "/usr/sbin/nginx"
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")


def fill(template, values):
    """``template`` with every ``${NAME}`` replaced; a name without a value is an error."""
    missing = sorted(set(_PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return _PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), template)


def _body(path):
    """The template without its leading comment block (the rendered file is not a template)."""
    lines = path.read_text().splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).lstrip("\n")


def render_site(
    *,
    listen,
    upstreams,
    static_root,
    media_root,
    accel_prefix="/_protected/",
    server_name="_",
    client_max_body_size="520m",
):
    """The site configuration (upstream, maps and server) for nginx's ``http {}``."""
    return "# Rendered from deploy/nginx/academy.conf.template by deploy/nginx.py.\n" + fill(
        _body(TEMPLATES / "academy.conf.template"),
        {
            "LISTEN": listen,
            "SERVER_NAME": server_name,
            "UPSTREAM_SERVERS": "\n    ".join(f"server {address};" for address in upstreams),
            "STATIC_ROOT": str(static_root).rstrip("/"),
            "MEDIA_ROOT": str(media_root).rstrip("/"),
            "ACCEL_PREFIX": accel_prefix,
            "CLIENT_MAX_BODY_SIZE": client_max_body_size,
        },
    )


def render_standalone(prefix, *, worker_processes=1, access_log=False):
    """The main configuration of an nginx of our own in ``prefix`` (includes academy.conf)."""
    # Started as root, nginx's workers would become "nobody" and could not read files in
    # private temporary folders: they stay the current user.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    return fill(
        _body(TEMPLATES / "standalone.conf.template"),
        {
            "PREFIX": str(prefix),
            "USER_DIRECTIVE": user,
            "WORKER_PROCESSES": worker_processes,
            "ACCESS_LOG": f"{prefix}/access.log" if access_log else "off",
        },
    )


def write_standalone(workdir, *, worker_processes=1, access_log=False, **site):
    """academy.conf (``render_site(**site)``) and the nginx.conf around it, in ``workdir``."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "academy.conf").write_text(render_site(**site))
    config = workdir / "nginx.conf"
    config.write_text(
        render_standalone(workdir, worker_processes=worker_processes, access_log=access_log)
    )
    return config


def available():
    return os.access(NGINX, os.X_OK)


class FrontServer:
    """Debian's nginx on 127.0.0.1:``port`` in front of ``upstreams``, files in ``workdir``."""

    def __init__(
        self,
        workdir,
        port,
        *,
        upstreams,
        static_root,
        media_root,
        accel_prefix="/_protected/",
        worker_processes=1,
        access_log=False,
    ):
        self.workdir = Path(workdir)
        self.port = port
        self.upstreams = list(upstreams)
        self.static_root = static_root
        self.media_root = media_root
        self.accel_prefix = accel_prefix
        self.worker_processes = worker_processes
        self.access_log = access_log
        self.process = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def config(self):
        return self.workdir / "nginx.conf"

    def write_config(self):
        return write_standalone(
            self.workdir,
            worker_processes=self.worker_processes,
            access_log=self.access_log,
            listen=f"127.0.0.1:{self.port}",
            upstreams=self.upstreams,
            static_root=self.static_root,
            media_root=self.media_root,
            accel_prefix=self.accel_prefix,
            server_name="127.0.0.1 localhost",
        )

    def _command(self, *extra):
        return [NGINX, "-p", str(self.workdir), "-c", str(self.config), *extra]

    def test_config(self):
        """``nginx -t``: the rendered configuration is valid (raises otherwise)."""
        self.write_config()
        done = subprocess.run(
            self._command("-t", "-q", "-g", "daemon off;"),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"nginx -t refused {self.config}:\n{done.stderr}")

    def start(self, timeout=15):
        self.test_config()
        with open(self.workdir / "nginx.out", "a") as out:
            self.process = subprocess.Popen(
                self._command("-g", "daemon off;"),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited; see {self.workdir}/error.log")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen on {self.port}; see {self.workdir}/error.log")

    def pids(self):
        """The master and its workers."""
        if self.process is None:
            return []
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [self.process.pid, *(int(pid) for pid in children)]

    def stop(self, timeout=10):
        """Fast shutdown (SIGTERM) of the master and its workers; SIGKILL if they linger."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render the academy's nginx site configuration.")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--upstream", action="append", required=True, help="host:port of gunicorn")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--accel-prefix", default="/_protected/")
    parser.add_argument("--client-max-body-size", default="520m")
    parser.add_argument(
        "--standalone",
        metavar="DIR",
        help="write DIR/academy.conf and DIR/nginx.conf for "
        "`nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'` instead of printing the site",
    )
    args = parser.parse_args(argv)
    site = {
        "listen": args.listen,
        "upstreams": args.upstream,
        "static_root": args.static_root,
        "media_root": args.media_root,
        "accel_prefix": args.accel_prefix,
        "server_name": args.server_name,
        "client_max_body_size": args.client_max_body_size,
    }
    if args.standalone:
        write_standalone(Path(args.standalone).resolve(), **site)
    else:
        sys.stdout.write(render_site(**site))


if __name__ == "__main__":
    main()
