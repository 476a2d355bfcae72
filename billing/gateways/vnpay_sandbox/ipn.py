"""Server-to-server IPN delivery, with the switches that mimic the real
gateway: delay, repeat (sequential or concurrent), drop, and retries on any
reply other than 00/02 (up to ``retry_max`` times, ``retry_interval_s`` apart).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from billing.gateways.vnpay.codes import IPN_FINAL_REPLIES
from billing.gateways.vnpay.conventions import VN_TZ

from .state import SandboxState, Terminal

logger = logging.getLogger(__name__)


def loopback_target(url: str) -> tuple[str, dict[str, str]]:
    """``*.localhost`` names loopback (RFC 6761) but glibc does not resolve subdomains of it.

    Browsers do; the sandbox, like them, connects to 127.0.0.1 and keeps the name in ``Host``
    so a tenant's IPN URL (``http://haiphong.localhost:8000/...``) reaches that tenant.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host != "localhost" and host.endswith(".localhost"):
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc)), {"Host": parts.netloc}
    return url, {}


class IpnDispatcher:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def dispatch(self, terminal: Terminal, txn_ref: str, signed_qs: str) -> None:
        """Schedule the IPN for a finished transaction (returns immediately)."""
        switches = self.state.switches_for(terminal.tmn_code)
        base = {"tmn_code": terminal.tmn_code, "txn_ref": txn_ref}
        if not terminal.ipn_url:
            self.state.log_ipn({**base, "outcome": "no_ipn_url", "at": _now_iso()})
            return
        url = terminal.ipn_url + ("&" if "?" in terminal.ipn_url else "?") + signed_qs
        if switches["drop"]:
            self.state.log_ipn({**base, "outcome": "dropped", "url": url, "at": _now_iso()})
            return
        cancelled = self.state.cancelled
        thread = threading.Thread(
            target=self._run, args=(base, url, switches, cancelled), name=f"vnpay-ipn-{txn_ref}", daemon=True
        )
        thread.start()

    def _run(self, base: dict[str, Any], url: str, switches: dict[str, Any], cancelled: threading.Event) -> None:
        if switches["delay_s"] and cancelled.wait(switches["delay_s"]):
            return
        repeat = max(1, int(switches["repeat"]))
        if switches["concurrent"] and repeat > 1:
            barrier = threading.Barrier(repeat)
            threads = [
                threading.Thread(target=self._chain, args=(base, url, switches, cancelled, i + 1, barrier),
                                 daemon=True)
                for i in range(repeat)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        else:
            for i in range(repeat):
                self._chain(base, url, switches, cancelled, i + 1, None)

    def _chain(
        self,
        base: dict[str, Any],
        url: str,
        switches: dict[str, Any],
        cancelled: threading.Event,
        delivery: int,
        barrier: threading.Barrier | None,
    ) -> None:
        if barrier is not None:
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass  # start anyway
        retries = int(switches["retry_max"])
        for attempt in range(1, retries + 2):
            if cancelled.is_set():
                return
            rsp_code = self._send(base, url, switches, delivery, attempt, final_attempt=attempt == retries + 1)
            if rsp_code in IPN_FINAL_REPLIES:
                return
            if attempt <= retries and cancelled.wait(switches["retry_interval_s"]):
                return

    def _send(
        self, base: dict[str, Any], url: str, switches: dict[str, Any], delivery: int, attempt: int,
        *, final_attempt: bool,
    ) -> str | None:
        started = time.monotonic()
        entry: dict[str, Any] = {**base, "delivery": delivery, "attempt": attempt, "url": url, "at": _now_iso()}
        rsp_code: str | None = None
        try:
            target, headers = loopback_target(url)
            response = httpx.get(target, headers=headers, timeout=switches["ipn_timeout_s"])
        except httpx.HTTPError as exc:
            entry.update(outcome="error", error=f"{type(exc).__name__}: {exc}")
        else:
            entry["status_code"] = response.status_code
            reply: Any
            try:
                reply = response.json()
            except (ValueError, json.JSONDecodeError):
                reply = response.text[:2000]
            entry["reply"] = reply
            if isinstance(reply, dict) and isinstance(reply.get("RspCode"), str):
                rsp_code = reply["RspCode"]
            entry["rsp_code"] = rsp_code
            entry["outcome"] = "delivered" if response.status_code < 500 else "error"
        entry["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
        entry["will_retry"] = rsp_code not in IPN_FINAL_REPLIES and not final_attempt
        self.state.log_ipn(entry)
        logger.info("IPN %s/%s delivery %d attempt %d -> %s", base["tmn_code"], base["txn_ref"],
                    delivery, attempt, rsp_code or entry.get("error"))
        return rsp_code


def _now_iso() -> str:
    return datetime.now(VN_TZ).isoformat(timespec="milliseconds")


__all__ = ["IpnDispatcher"]
