"""Network behaviour against the real sandbox: retries with capped
exponential backoff + jitter on 503, recovery, APIConnectionError, timeouts,
and the raw-exchange hook."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from billing.gateways.vnpay import APIConnectionError, RateLimitError, SignatureVerificationError
from tests.billing.gateways.vnpay_fixtures import (
    MerchantReceiver,
    make_client,
    new_ref,
    pay_successfully,
    register_terminal,
    return_params,
    set_switches,
)


@pytest.fixture(scope="module")
def paid(sandbox):
    """A terminal with one paid transaction: (tmn, secret, session)."""
    receiver = MerchantReceiver()
    tmn, secret = register_terminal(sandbox.url, None, receiver)
    client = make_client(sandbox.url, tmn, secret)
    session = client.checkout.sessions.create(amount_vnd=120_000, client_reference_id=new_ref(),
                                              order_info="Phi dich vu", ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        params = return_params(pay_successfully(http, sandbox.url, session.url))
    assert params["vnp_ResponseCode"] == "00"
    client.close()
    return tmn, secret, session


class Recorder:
    def __init__(self):
        self.exchanges: list[tuple[str, dict, dict | None, str | None]] = []
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def on_exchange(self, kind, request, response, error):
        with self.lock:
            self.exchanges.append((kind, request, response, error))

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        time.sleep(seconds)


def test_retries_on_503_then_succeeds_when_back_up(sandbox, paid):
    tmn, secret, session = paid
    set_switches(sandbox.url, tmn_code=tmn, api_down=True)
    rec = Recorder()

    def hook(kind, request, response, error):
        rec.on_exchange(kind, request, response, error)
        if response is not None and response["status_code"] == 503 and len(rec.exchanges) == 2:
            set_switches(sandbox.url, tmn_code=tmn, api_down=False)  # the gateway comes back

    client = make_client(sandbox.url, tmn, secret, max_retries=4,
                         client_kwargs={"on_exchange": hook, "sleep": rec.sleep, "rng": lambda: 1.0})
    intent = client.payment_intents.reconcile(session)
    assert intent.status == "succeeded"
    statuses = [r["status_code"] for _, _, r, _ in rec.exchanges]
    assert statuses == [503, 503, 200]
    assert rec.sleeps == [0.01, 0.02]  # base 0.01 * 2**attempt (jitter pinned to its maximum)
    # every attempt carries its own signed request id, and the raw exchange is visible
    ids = [req["json"]["vnp_RequestId"] for _, req, _, _ in rec.exchanges]
    assert len(set(ids)) == 3
    kind, request, response, error = rec.exchanges[-1]
    assert kind == "querydr" and request["method"] == "POST" and request["attempt"] == 3
    assert response["json"]["vnp_ResponseCode"] == "00" and error is None
    client.close()


def test_stays_down_raises_api_connection_error_after_capped_backoff(sandbox, paid):
    tmn, secret, session = paid
    rec = Recorder()
    client = make_client(sandbox.url, tmn, secret, max_retries=4, backoff_cap_s=0.03,
                         client_kwargs={"on_exchange": rec.on_exchange, "sleep": rec.sleep, "rng": lambda: 1.0})
    set_switches(sandbox.url, tmn_code=tmn, api_down=True)
    try:
        with pytest.raises(APIConnectionError) as exc:
            client.refunds.create(client_reference_id=session.client_reference_id,
                                  transaction_date=session.created, original_amount_vnd=120_000,
                                  amount_vnd=1_000)
    finally:
        set_switches(sandbox.url, tmn_code=tmn, api_down=False)
    assert exc.value.http_status == 503 and exc.value.code == "service_unavailable"
    assert len(rec.exchanges) == 5
    assert rec.sleeps == [0.01, 0.02, 0.03, 0.03]  # capped
    # refunds keep ONE request id across retries (the gateway de-duplicates)
    assert len({req["json"]["vnp_RequestId"] for _, req, _, _ in rec.exchanges}) == 1
    # jitter really is random within [0, ceiling] when not pinned
    jitter_client = make_client(sandbox.url, tmn, secret, max_retries=2, client_kwargs={"sleep": rec.sleep})
    rec.sleeps.clear()
    set_switches(sandbox.url, tmn_code=tmn, api_down=True)
    try:
        with pytest.raises(APIConnectionError):
            jitter_client.payment_intents.reconcile(session)
    finally:
        set_switches(sandbox.url, tmn_code=tmn, api_down=False)
    assert len(rec.sleeps) == 2 and 0 <= rec.sleeps[0] <= 0.01 and 0 <= rec.sleeps[1] <= 0.02
    client.close()
    jitter_client.close()


def test_timeout_on_slow_api(sandbox, paid):
    tmn, secret, session = paid
    set_switches(sandbox.url, tmn_code=tmn, api_delay_s=0.6)
    rec = Recorder()
    client = make_client(sandbox.url, tmn, secret, max_retries=1, read_timeout_s=0.15,
                         client_kwargs={"on_exchange": rec.on_exchange})
    started = time.monotonic()
    try:
        with pytest.raises(APIConnectionError) as exc:
            client.payment_intents.reconcile(session)
    finally:
        set_switches(sandbox.url, tmn_code=tmn, api_delay_s=0.0)
    assert exc.value.code == "timeout"
    assert time.monotonic() - started < 1.5
    assert [e[3].split(":")[0] for e in rec.exchanges] == ["timeout", "timeout"]
    # a generous timeout rides through the same delay
    set_switches(sandbox.url, tmn_code=tmn, api_delay_s=0.1)
    try:
        patient = make_client(sandbox.url, tmn, secret, read_timeout_s=2)
        assert patient.payment_intents.reconcile(session).status == "succeeded"
        patient.close()
    finally:
        set_switches(sandbox.url, tmn_code=tmn, api_delay_s=0.0)
    client.close()


def test_connection_refused_is_api_connection_error():
    rec = Recorder()
    client = make_client("http://127.0.0.1:9", "ABCD1234", "x" * 32, max_retries=1,
                         client_kwargs={"on_exchange": rec.on_exchange, "sleep": rec.sleep})
    with pytest.raises(APIConnectionError) as exc:
        client.payment_intents.retrieve(new_ref(), transaction_date="20240101120000")
    assert exc.value.code == "network_error" and len(rec.exchanges) == 2
    client.close()


def test_checkout_and_ipn_exchanges_are_reported(sandbox, paid):
    tmn, secret, _ = paid
    rec = Recorder()
    client = make_client(sandbox.url, tmn, secret, client_kwargs={"on_exchange": rec.on_exchange})
    session = client.checkout.sessions.create(amount_vnd=1_000, client_reference_id=new_ref(), order_info="x",
                                              ip_addr="127.0.0.1")
    kind, request, _, _ = rec.exchanges[0]
    assert kind == "checkout.create" and request["url"] == session.url
    with pytest.raises(SignatureVerificationError):
        client.webhooks.construct_events({"vnp_TxnRef": "x", "vnp_SecureHash": "00"})
    assert rec.exchanges[-1][0] == "ipn" and rec.exchanges[-1][3]
    client.close()


def test_rate_limited_raises_rate_limit_error(sandbox, paid):
    tmn, secret, session = paid
    rec = Recorder()
    client = make_client(sandbox.url, tmn, secret, max_retries=1, client_kwargs={"sleep": rec.sleep})
    set_switches(sandbox.url, tmn_code=tmn, api_rate_limited=True)
    try:
        with pytest.raises(RateLimitError) as exc:
            client.payment_intents.reconcile(session)
    finally:
        set_switches(sandbox.url, tmn_code=tmn, api_rate_limited=False)
    assert exc.value.http_status == 429 and len(rec.sleeps) == 1
    client.close()
