"""Checks behind /healthz/: the database, the cache and the Celery broker."""

import os
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("value written was not read back")
    cache.delete(key)


def check_broker():
    from academy.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    if app.conf.broker_url == "filesystem://":
        # The filesystem transport "connects" to anything: check the folder.
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        probe = os.path.join(folder, f".healthz-{uuid.uuid4().hex}")
        with open(probe, "w") as handle:
            handle.write("ok")
        os.remove(probe)


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def run_checks():
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
            results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
        else:
            results[name] = "ok"
    return results
