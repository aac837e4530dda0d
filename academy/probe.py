"""`python -m academy.probe postgres|redis URL`: exit 0 if the service answers.

Used by `make test` and `.ci/run` to decide whether the PostgreSQL and Redis
tests can run, before Django is set up.
"""

import sys


def postgres(url):
    import psycopg

    with psycopg.connect(url, connect_timeout=3) as conn:
        conn.execute("SELECT 1")


def redis(url):
    import redis as redis_lib

    redis_lib.Redis.from_url(url, socket_connect_timeout=2).ping()


def main(argv):
    kind, url = argv[1], argv[2]
    try:
        {"postgres": postgres, "redis": redis}[kind](url)
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        print(f"{kind} not reachable: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
