"""In-memory, thread-safe state of the local VNPay sandbox."""

from __future__ import annotations

import itertools
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from billing.gateways.vnpay.conventions import VN_TZ, format_vnp_date

DEFAULT_TMN_CODE = "DEMOV210"
DEFAULT_HASH_SECRET = "SANDBOXSECRETDEMOV210SANDBOXSECRE"

TEST_BANK = "NCB"
TEST_CARD_NUMBER = "9704198526191432198"
TEST_CARD_HOLDER = "NGUYEN VAN A"
TEST_CARD_ISSUE = "07/15"
TEST_OTP = "123456"
MAX_CARD_TRIES = 3
MAX_OTP_TRIES = 3

_TMN_RE = re.compile(r"^[A-Za-z0-9]{8}$")


class SandboxConfigError(ValueError):
    """Bad terminal / switch configuration (answered with HTTP 400)."""


@dataclass
class Terminal:
    tmn_code: str
    hash_secret: str
    ipn_url: str | None = None
    name: str | None = None

    def public(self) -> dict[str, Any]:
        return {"tmn_code": self.tmn_code, "ipn_url": self.ipn_url, "name": self.name}


def parse_terminal(data: Mapping[str, Any], existing: Terminal | None = None) -> Terminal:
    if not isinstance(data, Mapping):
        raise SandboxConfigError("terminal must be a JSON object")
    tmn = data.get("tmn_code")
    if not isinstance(tmn, str) or not _TMN_RE.match(tmn):
        raise SandboxConfigError("tmn_code must be 8 letters/digits")
    secret = data.get("hash_secret", existing.hash_secret if existing else None)
    if not isinstance(secret, str) or len(secret) < 8:
        raise SandboxConfigError("hash_secret must be a string of at least 8 characters")
    ipn_url = data.get("ipn_url", existing.ipn_url if existing else None)
    if ipn_url is not None and (not isinstance(ipn_url, str) or not ipn_url.startswith(("http://", "https://"))):
        raise SandboxConfigError("ipn_url must be an http(s) URL or null")
    name = data.get("name", existing.name if existing else None)
    if name is not None and not isinstance(name, str):
        raise SandboxConfigError("name must be a string")
    return Terminal(tmn_code=tmn, hash_secret=secret, ipn_url=ipn_url or None, name=name)


def terminals_from_env(environ: Mapping[str, str]) -> list[Terminal]:
    """The demo terminal plus ``VNPAY_SANDBOX_TERMINALS`` (JSON list)."""
    terminals = [Terminal(DEFAULT_TMN_CODE, DEFAULT_HASH_SECRET, None, "Merchant demo (sandbox)")]
    raw = environ.get("VNPAY_SANDBOX_TERMINALS", "").strip()
    if raw:
        data = json.loads(raw)
        if isinstance(data, Mapping):
            data = [data]
        if not isinstance(data, list):
            raise SandboxConfigError("VNPAY_SANDBOX_TERMINALS must be a JSON list")
        for item in data:
            terminals.append(parse_terminal(item))
    return terminals


# ------------------------------------------------------------------ switches
SWITCH_TYPES: dict[str, type] = {
    "delay_s": float,
    "repeat": int,
    "drop": bool,
    "concurrent": bool,
    "retry_max": int,
    "retry_interval_s": float,
    "ipn_timeout_s": float,
    "api_delay_s": float,
    "api_down": bool,
    "api_rate_limited": bool,
    "refund_pending": bool,
}


def default_switches(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        "delay_s": 0.0,
        "repeat": 1,
        "drop": False,
        "concurrent": False,
        "retry_max": 10,
        "retry_interval_s": float(environ.get("VNPAY_SANDBOX_RETRY_INTERVAL_S", "5")),
        "ipn_timeout_s": float(environ.get("VNPAY_SANDBOX_IPN_TIMEOUT_S", "10")),
        "api_delay_s": 0.0,
        "api_down": False,
        "api_rate_limited": False,
        "refund_pending": False,
    }


def validate_switches(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        kind = SWITCH_TYPES.get(key)
        if kind is None:
            raise SandboxConfigError(f"unknown switch {key!r}")
        if kind is bool:
            if not isinstance(value, bool):
                raise SandboxConfigError(f"{key} must be true/false")
        elif kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
                raise SandboxConfigError(f"{key} must be an integer 0..100")
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3600:
                raise SandboxConfigError(f"{key} must be a number 0..3600")
            value = float(value)
        out[key] = value
    return out


# -------------------------------------------------------------- transactions
@dataclass
class RefundRecord:
    request_id: str
    transaction_no: str
    amount: int  # whole VND
    transaction_type: str
    status: str  # "00" done, "05" pending, "09" rejected
    pay_date: str
    create_by: str
    order_info: str


@dataclass
class Transaction:
    tmn_code: str
    txn_ref: str
    amount: int  # whole VND
    order_info: str
    order_type: str
    locale: str
    return_url: str
    ip_addr: str
    create_date: str
    expire_date: str
    requested_bank_code: str
    sid: str
    fingerprint: str
    state: str = "pending"  # pending | card_ok | done
    card_tries: int = 0
    otp_tries: int = 0
    response_code: str = ""
    transaction_status: str = "01"
    transaction_no: str = ""
    bank_tran_no: str = ""
    bank_code: str = ""
    card_type: str = ""
    pay_date: str = ""
    refunds: list[RefundRecord] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.tmn_code, self.txn_ref)

    @property
    def succeeded(self) -> bool:
        return self.state == "done" and self.response_code == "00" and self.transaction_status == "00"

    def refunded_amount(self) -> int:
        return sum(r.amount for r in self.refunds if r.status in ("00", "05"))

    def has_pending_refund(self) -> bool:
        return any(r.status == "05" for r in self.refunds)

    def expired(self, now: datetime) -> bool:
        return format_vnp_date(now) > self.expire_date

    def query_status(self) -> str:
        if self.state != "done":
            return "01"
        if self.succeeded and self.has_pending_refund():
            return "05"
        return self.transaction_status

    def public(self) -> dict[str, Any]:
        return {
            "tmn_code": self.tmn_code, "txn_ref": self.txn_ref, "amount": self.amount,
            "order_info": self.order_info, "create_date": self.create_date, "expire_date": self.expire_date,
            "state": self.state, "response_code": self.response_code,
            "transaction_status": self.query_status(), "transaction_no": self.transaction_no,
            "bank_tran_no": self.bank_tran_no, "bank_code": self.bank_code, "pay_date": self.pay_date,
            "refunded_amount": self.refunded_amount(),
            "refunds": [r.__dict__.copy() for r in self.refunds],
        }


class SandboxState:
    """Everything the sandbox remembers; every access goes through ``lock``."""

    def __init__(self, environ: Mapping[str, str] | None = None,
                 terminals: list[Terminal] | None = None) -> None:
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.lock = threading.RLock()
        self._initial_terminals = list(terminals) if terminals is not None else terminals_from_env(self.environ)
        self.admin_token: str = self.environ.get("VNPAY_SANDBOX_ADMIN_TOKEN", "")
        self._reset_locked()

    def _reset_locked(self) -> None:
        self.terminals: dict[str, Terminal] = {
            t.tmn_code: Terminal(t.tmn_code, t.hash_secret, t.ipn_url, t.name) for t in self._initial_terminals
        }
        self.transactions: dict[tuple[str, str], Transaction] = {}
        self.by_sid: dict[str, Transaction] = {}
        self.global_switches: dict[str, Any] = default_switches(self.environ)
        self.terminal_switches: dict[str, dict[str, Any]] = {}
        self.request_ids: set[tuple[str, str, str]] = set()
        self.ipn_log: list[dict[str, Any]] = []
        self._seq = itertools.count(1)
        self._txn_no = itertools.count(14_100_001)
        # Set when state is reset / the app stops: pending IPN threads give up.
        self.cancelled = threading.Event()

    def reset(self) -> None:
        with self.lock:
            self.cancelled.set()
            self._reset_locked()

    # -------------------------------------------------------------- terminals
    def upsert_terminal(self, data: Mapping[str, Any]) -> Terminal:
        with self.lock:
            existing = self.terminals.get(str(data.get("tmn_code", "")))
            terminal = parse_terminal(data, existing)
            self.terminals[terminal.tmn_code] = terminal
            return terminal

    def terminal(self, tmn_code: str | None) -> Terminal | None:
        with self.lock:
            return self.terminals.get(tmn_code or "")

    # --------------------------------------------------------------- switches
    def set_switches(self, data: Mapping[str, Any]) -> dict[str, Any]:
        payload = dict(data)
        tmn = payload.pop("tmn_code", None)
        clear = bool(payload.pop("clear", False))
        values = validate_switches(payload)
        with self.lock:
            if tmn:
                current = {} if clear else self.terminal_switches.get(str(tmn), {})
                self.terminal_switches[str(tmn)] = {**current, **values}
            else:
                if clear:
                    self.global_switches = default_switches(self.environ)
                    self.terminal_switches.clear()
                self.global_switches.update(values)
            return self.switches_snapshot()

    def switches_for(self, tmn_code: str | None) -> dict[str, Any]:
        with self.lock:
            return {**self.global_switches, **self.terminal_switches.get(tmn_code or "", {})}

    def switches_snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"global": dict(self.global_switches),
                    "terminals": {k: dict(v) for k, v in self.terminal_switches.items()}}

    # ----------------------------------------------------------- transactions
    def next_transaction_no(self) -> str:
        with self.lock:
            return str(next(self._txn_no))

    def claim_request_id(self, tmn_code: str, request_id: str, now: datetime) -> bool:
        """False when the request id was already used today by this terminal."""
        key = (tmn_code, now.astimezone(VN_TZ).strftime("%Y%m%d"), request_id)
        with self.lock:
            if key in self.request_ids:
                return False
            self.request_ids.add(key)
            return True

    # -------------------------------------------------------------------- log
    def log_ipn(self, entry: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            entry = {"seq": next(self._seq), **entry}
            self.ipn_log.append(entry)
            return entry

    def ipn_log_filtered(self, tmn_code: str | None = None, txn_ref: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self.ipn_log
                    if (not tmn_code or e.get("tmn_code") == tmn_code)
                    and (not txn_ref or e.get("txn_ref") == txn_ref)]


__all__ = [
    "DEFAULT_HASH_SECRET",
    "DEFAULT_TMN_CODE",
    "RefundRecord",
    "SandboxConfigError",
    "SandboxState",
    "TEST_BANK",
    "TEST_CARD_HOLDER",
    "TEST_CARD_ISSUE",
    "TEST_CARD_NUMBER",
    "TEST_OTP",
    "Terminal",
    "Transaction",
    "default_switches",
    "terminals_from_env",
    "validate_switches",
]
