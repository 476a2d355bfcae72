"""Helpers shared by the VNPay test modules (imported explicitly, not a conftest).

* a real merchant-side IPN/return receiver (threaded wsgiref server) that
  verifies with the client library and answers like a merchant would;
* helpers to drive the sandbox's payment pages with httpx;
* terminal / switch registration over the sandbox's HTTP admin API.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

import httpx

from billing.gateways.vnpay import (
    CheckoutSession,
    IpnRspCode,
    PaymentIntent,
    VNPayClient,
    VNPayConfig,
    VNPayError,
    construct_events,
    ipn_reply,
    ipn_reply_for_exception,
)
from billing.gateways.vnpay_sandbox import (
    TEST_BANK,
    TEST_CARD_HOLDER,
    TEST_CARD_ISSUE,
    TEST_CARD_NUMBER,
    TEST_OTP,
)
from billing.gateways.vnpay_sandbox.server import ThreadingWSGIServer

SID_RE = re.compile(r'name="sid" value="([^"]+)"')


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


# --------------------------------------------------------------- receiver
@dataclass
class Order:
    amount: int
    status: str = "pending"  # pending | paid | failed


@dataclass
class IpnCall:
    params: dict[str, str]
    reply: dict[str, str]
    event_types: list[str]
    at: float


@dataclass
class MerchantReceiver:
    """A merchant's IPN endpoint (``/ipn``) and return page (``/return``)."""

    secrets_by_tmn: dict[str, str] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    calls: list[IpnCall] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    forced_replies: dict[str, list[str]] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    inflight: int = 0
    max_inflight: int = 0
    server: WSGIServer | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add_order(self, txn_ref: str, amount: int) -> None:
        with self.lock:
            self.orders[txn_ref] = Order(amount)

    def calls_for(self, txn_ref: str) -> list[IpnCall]:
        with self.lock:
            return [c for c in self.calls if c.params.get("vnp_TxnRef") == txn_ref]

    # WSGI
    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        if path == "/ipn":
            body = self._ipn(params)
            status = "200 OK"
        elif path == "/return":
            status, body = self._return(params)
        else:
            status, body = "404 Not Found", {"error": "not found"}
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _ipn(self, params: dict[str, str]) -> dict[str, str]:
        txn_ref = params.get("vnp_TxnRef", "")
        with self.lock:
            self.inflight += 1
            self.max_inflight = max(self.max_inflight, self.inflight)
            forced = self.forced_replies.get(txn_ref)
            forced_code = forced.pop(0) if forced else None
            delay = self.delays.get(txn_ref, 0.0)
        try:
            if delay:
                time.sleep(delay)
            secret = self.secrets_by_tmn.get(params.get("vnp_TmnCode", ""), "unknown-terminal-secret")
            seen: list[str] = []

            def confirm(intent, events):
                seen.extend(e.type for e in events)
                if forced_code is not None:
                    return forced_code
                with self.lock:  # the "row lock" of a real merchant
                    order = self.orders.get(intent.client_reference_id)
                    if order is None:
                        return IpnRspCode.ORDER_NOT_FOUND
                    if order.amount != intent.amount:
                        return IpnRspCode.INVALID_AMOUNT
                    if order.status != "pending":
                        return IpnRspCode.ORDER_ALREADY_CONFIRMED
                    order.status = "paid" if intent.status == "succeeded" else "failed"
                    return IpnRspCode.CONFIRM_SUCCESS

            # VNPay's documented order, as production runs it: verify and map (the event layer), then the
            # order checks under the merchant's lock, then the reply.
            try:
                events = construct_events(params, secret)
            except VNPayError as exc:
                reply = ipn_reply_for_exception(exc)
            else:
                obj = events[0].data.object
                intent = obj.payment_intent if isinstance(obj, CheckoutSession) else obj
                reply = ipn_reply(confirm(intent, events) if isinstance(intent, PaymentIntent)
                                  else IpnRspCode.UNKNOWN_ERROR)
            with self.lock:
                self.calls.append(IpnCall(params, reply, seen, time.monotonic()))
            return reply
        finally:
            with self.lock:
                self.inflight -= 1

    def _return(self, params: dict[str, str]) -> tuple[str, dict[str, Any]]:
        secret = self.secrets_by_tmn.get(params.get("vnp_TmnCode", ""), "unknown-terminal-secret")
        try:
            events = construct_events(params, secret, source="return")
        except Exception as exc:
            result = {"ok": False, "error": type(exc).__name__}
            status = "400 Bad Request"
        else:
            obj = events[0].data.object
            result = {"ok": True, "types": [e.type for e in events], "status": getattr(obj, "status", None),
                      "params": params}
            status = "200 OK"
        with self.lock:
            self.returns.append(result)
        return status, result

    def start(self) -> MerchantReceiver:
        server = ThreadingWSGIServer(("127.0.0.1", 0), _Quiet)
        server.set_app(self)
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


# -------------------------------------------------------------- sandbox admin
def new_tmn_code() -> str:
    return "T" + secrets.token_hex(4).upper()[:7]


def register_terminal(sandbox_url: str, ipn_url: str | None = None,
                      receiver: MerchantReceiver | None = None) -> tuple[str, str]:
    tmn = new_tmn_code()
    secret = secrets.token_hex(16).upper()
    r = httpx.post(f"{sandbox_url}/sandbox/terminals",
                   json={"tmn_code": tmn, "hash_secret": secret, "ipn_url": ipn_url, "name": f"Test {tmn}"})
    r.raise_for_status()
    if receiver is not None:
        receiver.secrets_by_tmn[tmn] = secret
    return tmn, secret


def set_switches(sandbox_url: str, **switches: Any) -> dict[str, Any]:
    r = httpx.post(f"{sandbox_url}/sandbox/switches", json=switches)
    r.raise_for_status()
    return r.json()


def ipn_log(sandbox_url: str, **query: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{sandbox_url}/sandbox/ipn-log", params=query)
    r.raise_for_status()
    return r.json()["entries"]


def make_client(sandbox_url: str, tmn: str, secret: str, *, return_url: str = "http://127.0.0.1:9/return",
                client_kwargs: dict[str, Any] | None = None, **config: Any) -> VNPayClient:
    config.setdefault("backoff_base_s", 0.01)
    config.setdefault("backoff_cap_s", 0.05)
    config.setdefault("allowed_urls", (base_of(sandbox_url),))  # a local sandbox: named, so it may be loopback
    cfg = VNPayConfig(tmn_code=tmn, hash_secret=secret, pay_url=sandbox_url, return_url=return_url, **config)
    return VNPayClient(cfg, **(client_kwargs or {}))


def new_ref(prefix: str = "HS") -> str:
    return f"{prefix}{secrets.token_hex(6).upper()}"


# --------------------------------------------------------------- pay driver
def open_pay_page(http: httpx.Client, url: str) -> tuple[httpx.Response, str]:
    page = http.get(url)
    assert page.status_code == 200, page.text
    match = SID_RE.search(page.text)
    assert match, "no sid in the pay page"
    return page, match.group(1)


def base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def submit_card(http: httpx.Client, sandbox_url: str, sid: str, **overrides: str) -> httpx.Response:
    data = {"sid": sid, "bank_code": TEST_BANK, "card_number": TEST_CARD_NUMBER,
            "card_holder": TEST_CARD_HOLDER, "issue_date": TEST_CARD_ISSUE, **overrides}
    return http.post(f"{sandbox_url}/paymentv2/card", data=data)


def submit_otp(http: httpx.Client, sandbox_url: str, sid: str, otp: str = TEST_OTP) -> httpx.Response:
    return http.post(f"{sandbox_url}/paymentv2/otp", data={"sid": sid, "otp": otp})


def press(http: httpx.Client, sandbox_url: str, sid: str, action: str) -> httpx.Response:
    return http.post(f"{sandbox_url}/paymentv2/action", data={"sid": sid, "action": action})


def pay_successfully(http: httpx.Client, sandbox_url: str, pay_url: str) -> httpx.Response:
    """Card + OTP; returns the 302 response to the merchant's return URL."""
    _, sid = open_pay_page(http, pay_url)
    card = submit_card(http, sandbox_url, sid)
    assert card.status_code == 200 and 'name="otp"' in card.text
    done = submit_otp(http, sandbox_url, sid)
    assert done.status_code == 302, done.text
    return done


def return_params(response: httpx.Response) -> dict[str, str]:
    location = response.headers["location"]
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def wait_for(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
