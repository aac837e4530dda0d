"""Start-up configuration: bad variables fail in one line; production passes --deploy."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://nobody@localhost/x"),
        ("DATABASE_URL", "postgres://user@host:notaport/db"),
        ("DATABASE_URL", "postgres://user@localhost:5432"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("REDIS_URL", "redis://127.0.0.1:port/0"),
        ("DJANGO_DEBUG", "maybe"),
        ("ACADEMY_PLATFORM_JWT_ALGORITHM", "none"),
        ("ACADEMY_PLATFORM_JWT_PUBLIC_KEY", "/nonexistent/platform.pem"),
        ("ACADEMY_FILE_DELIVERY", "nginx"),
        ("ACADEMY_ACCEL_PREFIX", "_protected"),
    ],
)
def test_malformed_variable_stops_start_up_with_one_line_naming_it(variable, value, tmp_path):
    result = manage("check", **{variable: value, "ACADEMY_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = manage(
        "check",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="academy.example.com",
        ACADEMY_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 20 + "a-long-and-random-production-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "academy.example.com",
}


@pytest.mark.parametrize(
    ("entry_settings", "missing"),
    [
        ({}, "ACADEMY_PLATFORM_JWT_SECRET"),
        ({"ACADEMY_PLATFORM_JWT_SECRET": "short"}, "ACADEMY_PLATFORM_JWT_SECRET"),
        ({"ACADEMY_PLATFORM_JWT_ALGORITHM": "RS256"}, "ACADEMY_PLATFORM_JWT_PUBLIC_KEY"),
    ],
    ids=["no-secret", "short-secret", "rs256-without-public-key"],
)
def test_production_refuses_the_entry_link_without_a_good_secret_or_key(
    tmp_path, entry_settings, missing
):
    result = manage(
        "check",
        **PRODUCTION,
        ACADEMY_PLATFORM_ENTRY="1",
        **entry_settings,
        ACADEMY_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert missing in result.stderr


def test_the_platforms_public_key_may_be_a_file(tmp_path):
    key = tmp_path / "platform.pem"
    key.write_text("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n")
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ACADEMY_PLATFORM_JWT_PUBLIC_KEY)",
        **PRODUCTION,
        ACADEMY_PLATFORM_ENTRY="1",
        ACADEMY_PLATFORM_JWT_ALGORITHM="RS256",
        ACADEMY_PLATFORM_JWT_PUBLIC_KEY=str(key),
        ACADEMY_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "BEGIN PUBLIC KEY" in result.stdout


def test_production_settings_pass_the_deployment_checks(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="academy.example.com",
        ACADEMY_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_many_machine_settings_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings;"
        "from django.core.files.storage import storages;"
        "media = storages['default'];"
        "print(type(media).__name__, media.bucket_name,"
        " sorted(settings.DATABASES), sorted(settings.WAGTAILFRONTENDCACHE),"
        " 'wagtail.contrib.frontend_cache' in settings.INSTALLED_APPS)"
    )
    result = manage(
        "shell",
        "-c",
        code,
        ACADEMY_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/academy",
        DATABASE_REPLICA_URL="postgres://postgres@replica.internal:5432/academy",
        MEDIA_S3_BUCKET="academy-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.com",
        FRONTEND_CACHE_PURGE_URL="http://cache.internal:8080",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "S3Storage",
        "academy-media",
        "['default',",
        "'replica']",
        "['proxy']",
        "True",
    ]


def test_a_replica_without_a_primary_is_refused(tmp_path):
    result = manage(
        "check",
        ACADEMY_DATA_DIR=str(tmp_path),
        DATABASE_REPLICA_URL="postgres://postgres@replica.internal:5432/academy",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL" in result.stderr


def test_production_hands_files_to_nginx_or_to_the_object_storage(tmp_path):
    code = "from django.conf import settings; print(settings.ACADEMY_FILE_DELIVERY)"
    production = {**PRODUCTION, "ACADEMY_TESTING": "0", "ACADEMY_DATA_DIR": str(tmp_path)}
    on_disk = manage("shell", "-c", code, **production)
    assert on_disk.stdout.split()[-1:] == ["accel"], on_disk.stderr
    in_bucket = manage("shell", "-c", code, **production, MEDIA_S3_BUCKET="academy-media")
    assert in_bucket.stdout.split()[-1:] == ["s3"], in_bucket.stderr
    development = manage("shell", "-c", code, ACADEMY_DATA_DIR=str(tmp_path))
    assert development.stdout.split()[-1:] == ["django"], development.stderr
