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


def test_check_deploy_is_clean_in_production(db):
    done = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_ENV="production", SECRET_KEY="x" * 20 + "9f8e7d6c5b4a3928171615141312111009080706",
        DATABASE_URL=database_url_for_tests(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


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
