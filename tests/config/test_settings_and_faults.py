"""Production settings, and clear failures (no traceback) when services are missing."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support import ROOT, database_url_for_tests, free_port


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ENV")}
    return subprocess.run(args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def test_production_refuses_default_or_missing_secret():
    for secret in ("", "django-insecure-abc", "short"):
        done = run([sys.executable, "manage.py", "check"], DJANGO_ENV="production", SECRET_KEY=secret)
        assert done.returncode != 0
        assert "SECRET_KEY" in done.stderr


PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 20 + "9f8e7d6c5b4a3928171615141312111009080706",
              "BASE_DOMAIN": "motcua.example.vn"}


def test_check_deploy_is_clean_in_production(db):
    done = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION, DATABASE_URL=database_url_for_tests(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def _without(*names: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ENV", "DEBUG", *names)}


def _refused(env: dict[str, str], *expected: str) -> list[str]:
    """Production refuses to start: exit non-zero, one line per problem, no traceback."""
    done = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert len(lines) == len(expected), done.stderr
    for line, name in zip(lines, expected, strict=True):
        assert name in line and line.startswith("Cấu hình sai: "), line
    return lines


def test_production_without_a_url_is_one_line_not_a_traceback():
    _refused({**_without("DATABASE_URL"), **PRODUCTION}, "DATABASE_URL")
    _refused({**_without("REDIS_URL"), **PRODUCTION}, "REDIS_URL")
    _refused({**_without("DATABASE_URL", "REDIS_URL"), **PRODUCTION}, "DATABASE_URL", "REDIS_URL")


def test_production_refuses_debug_and_a_missing_domain():
    full = {**_without(), **PRODUCTION, "DATABASE_URL": database_url_for_tests()}
    _refused({**full, "DEBUG": "true"}, "DEBUG")
    _refused({k: v for k, v in full.items() if k != "BASE_DOMAIN"}, "BASE_DOMAIN")
    everything = {k: v for k, v in _without("DATABASE_URL", "REDIS_URL").items() if k != "BASE_DOMAIN"}
    _refused({**everything, "DJANGO_ENV": "production", "DEBUG": "1"},
             "DEBUG", "SECRET_KEY", "BASE_DOMAIN", "DATABASE_URL", "REDIS_URL")


def test_gunicorn_stops_on_a_wrong_production_configuration():
    from tests.support import BIN

    env = {**_without("DATABASE_URL"), **PRODUCTION}
    done = subprocess.run([str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{free_port()}",
                           "--no-control-socket"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Cấu hình sai: DATABASE_URL thiếu" in done.stderr and "Traceback" not in done.stderr
    assert "Worker failed to boot" in done.stderr  # the server stopped, it does not respawn workers for ever


def test_database_down_at_start_is_a_clear_message():
    done = run([sys.executable, "-m", "devtools.devservices", "run", "--", "true"],
               DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/motcua", REDIS_URL="redis://127.0.0.1:6379/0")
    assert done.returncode == 1
    assert "Không kết nối được PostgreSQL" in done.stderr
    assert "Traceback" not in done.stderr


def test_port_in_use_is_a_clear_message():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run([sys.executable, "-m", "devtools.demo"], PORT=str(port))
    assert done.returncode == 1
    assert f"cổng {port} đang được" in done.stderr
    assert f"make demo PORT={port + 10}" in done.stderr
    assert "Traceback" not in done.stderr
