"""Helpers the tests share: real servers (gunicorn, Celery) against the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "Test-Mat-Khau-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_tests() -> str:
    """The URL of the database the tests run on (pytest-django's test_ database)."""
    from core.db.urls import database_url

    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


def server_env(**extra: str) -> dict[str, str]:
    from django.conf import settings

    env = {**os.environ, "DATABASE_URL": database_url_for_tests(), "REDIS_URL": settings.REDIS_URL,
           "DJANGO_ENV": "test", "DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    env.update(extra)
    return env


@contextmanager
def running(cmd: list[str], *, env: dict[str, str], ready: callable, timeout: float = 30.0, log: Path):
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while not ready():
                if proc.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} exited early:\n{log.read_text()[-3000:]}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{cmd[0]} not ready after {timeout}s:\n{log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield proc
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def gunicorn(*, workers: int = 2, threads: int = 4, extra_env: dict[str, str] | None = None,
             app: str = "config.wsgi:application", log_name: str = "gunicorn"):
    port = free_port()

    def ready() -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/healthz", headers={"Host": "localhost"}, timeout=1)
            return response.status_code < 500
        except httpx.HTTPError:
            return False

    cmd = [str(BIN / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
           "--threads", str(threads), "--no-control-socket", "--log-level", "warning",
           "--worker-class", "gthread" if threads > 1 else "sync"]
    log = ROOT / ".data" / "test-logs" / f"{log_name}-{port}.log"
    with running(cmd, env=server_env(**(extra_env or {})), ready=ready, log=log):
        yield f"http://127.0.0.1:{port}", port


@contextmanager
def celery_worker(queue: str):
    from config.celery import app

    def ready() -> bool:
        replies = app.control.ping(timeout=0.5, destination=[f"w-{queue}@{socket.gethostname()}"])
        return bool(replies)

    cmd = [str(BIN / "celery"), "-A", "config.celery", "worker", "-Q", queue, "-n", f"w-{queue}@%h",
           "--concurrency", "2", "--pool", "threads", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]
    log = ROOT / ".data" / "test-logs" / f"celery-{queue}.log"
    with running(cmd, env=server_env(), ready=ready, log=log, timeout=60):
        yield
