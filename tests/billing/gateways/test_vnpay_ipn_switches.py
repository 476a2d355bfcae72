"""IPN delivery switches of the sandbox, observed by a real merchant receiver:
repeat (sequential / concurrent), drop, delay, retry on non-00/02 replies."""

from __future__ import annotations

import time

import httpx
import pytest

from billing.gateways.vnpay_sandbox import run_in_thread
from tests.billing.gateways.vnpay_fixtures import (
    ipn_log,
    make_client,
    new_ref,
    pay_successfully,
    register_terminal,
    set_switches,
    wait_for,
)


@pytest.fixture
def terminal(sandbox, receiver):
    tmn, secret = register_terminal(sandbox.url, f"{receiver.url}/ipn", receiver)
    set_switches(sandbox.url, tmn_code=tmn, retry_interval_s=0.05)
    client = make_client(sandbox.url, tmn, secret, return_url="http://127.0.0.1:9/return")
    yield tmn, client
    client.close()


def _pay(sandbox, receiver, client, amount=40_000):
    ref = new_ref()
    receiver.add_order(ref, amount)
    session = client.checkout.sessions.create(amount_vnd=amount, client_reference_id=ref, order_info="Le phi",
                                              ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        pay_successfully(http, sandbox.url, session.url)
    return ref, time.monotonic()


def test_repeat_sequential_delivers_n_idempotent_calls(sandbox, receiver, terminal):
    tmn, client = terminal
    set_switches(sandbox.url, tmn_code=tmn, repeat=3, concurrent=False)
    ref = new_ref()
    receiver.delays[ref] = 0.05
    receiver.add_order(ref, 40_000)
    before = receiver.max_inflight
    session = client.checkout.sessions.create(amount_vnd=40_000, client_reference_id=ref, order_info="x",
                                              ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        pay_successfully(http, sandbox.url, session.url)
    calls = wait_for(lambda: len(receiver.calls_for(ref)) == 3 and receiver.calls_for(ref))
    assert [c.reply["RspCode"] for c in calls] == ["00", "02", "02"]
    assert receiver.max_inflight == max(before, 1)
    gaps = [b.at - a.at for a, b in zip(calls, calls[1:], strict=False)]
    assert all(g >= 0.045 for g in gaps)  # one after the other (each call takes 0.05 s)
    log = wait_for(lambda: len(ipn_log(sandbox.url, txn_ref=ref)) == 3 and ipn_log(sandbox.url, txn_ref=ref))
    assert [e["delivery"] for e in log] == [1, 2, 3] and all(e["attempt"] == 1 for e in log)


def test_repeat_concurrent_delivers_n_parallel_calls(sandbox, receiver, terminal):
    tmn, client = terminal
    set_switches(sandbox.url, tmn_code=tmn, repeat=4, concurrent=True)
    ref = new_ref()
    receiver.delays[ref] = 0.3
    receiver.add_order(ref, 40_000)
    session = client.checkout.sessions.create(amount_vnd=40_000, client_reference_id=ref, order_info="x",
                                              ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        pay_successfully(http, sandbox.url, session.url)
    calls = wait_for(lambda: len(receiver.calls_for(ref)) == 4 and receiver.calls_for(ref))
    codes = sorted(c.reply["RspCode"] for c in calls)
    assert codes == ["00", "02", "02", "02"]  # exactly one confirmation under concurrency
    assert receiver.max_inflight >= 2
    # they really overlapped: finished within one receiver delay of each other
    # sequential delivery would spread them over >= 3 x 0.3 s
    assert max(c.at for c in calls) - min(c.at for c in calls) < 0.6


def test_drop_delivers_nothing(sandbox, receiver, terminal):
    tmn, client = terminal
    set_switches(sandbox.url, tmn_code=tmn, drop=True)
    ref, _ = _pay(sandbox, receiver, client)
    time.sleep(0.3)
    assert receiver.calls_for(ref) == []
    log = ipn_log(sandbox.url, txn_ref=ref)
    assert [e["outcome"] for e in log] == ["dropped"]
    # the merchant can still reconcile with querydr
    assert receiver.orders[ref].status == "pending"


def test_delay(sandbox, receiver, terminal):
    tmn, client = terminal
    set_switches(sandbox.url, tmn_code=tmn, delay_s=0.4)
    started = time.monotonic()
    ref, _ = _pay(sandbox, receiver, client)
    assert receiver.calls_for(ref) == []
    calls = wait_for(lambda: receiver.calls_for(ref))
    assert calls[0].at - started >= 0.4 and calls[0].reply["RspCode"] == "00"


def test_retries_until_00_or_02(sandbox, receiver, terminal):
    tmn, client = terminal
    ref = new_ref()
    receiver.forced_replies[ref] = ["99", "01"]  # then the normal handling answers 00
    receiver.add_order(ref, 40_000)
    session = client.checkout.sessions.create(amount_vnd=40_000, client_reference_id=ref, order_info="x",
                                              ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        pay_successfully(http, sandbox.url, session.url)
    calls = wait_for(lambda: len(receiver.calls_for(ref)) == 3 and receiver.calls_for(ref))
    assert [c.reply["RspCode"] for c in calls] == ["99", "01", "00"]
    log = wait_for(lambda: len(ipn_log(sandbox.url, txn_ref=ref)) == 3 and ipn_log(sandbox.url, txn_ref=ref))
    assert [e["attempt"] for e in log] == [1, 2, 3]
    assert [e["will_retry"] for e in log] == [True, True, False]
    time.sleep(0.15)
    assert len(receiver.calls_for(ref)) == 3  # no retry after 00


def test_retry_cap(sandbox, receiver, terminal):
    tmn, client = terminal
    set_switches(sandbox.url, tmn_code=tmn, retry_max=2)
    ref = new_ref()
    receiver.forced_replies[ref] = ["99"] * 10
    receiver.add_order(ref, 40_000)
    session = client.checkout.sessions.create(amount_vnd=40_000, client_reference_id=ref, order_info="x",
                                              ip_addr="127.0.0.1")
    with httpx.Client(timeout=5) as http:
        pay_successfully(http, sandbox.url, session.url)
    wait_for(lambda: len(receiver.calls_for(ref)) == 3)
    time.sleep(0.2)
    assert len(receiver.calls_for(ref)) == 3  # 1 + retry_max


def test_global_switch_and_reset(receiver):
    server = run_in_thread("127.0.0.1", 0)
    try:
        tmn, secret = register_terminal(server.url, f"{receiver.url}/ipn", receiver)
        snap = set_switches(server.url, drop=True)
        assert snap["global"]["drop"] is True
        client = make_client(server.url, tmn, secret)
        ref, _ = _pay(server, receiver, client)
        assert [e["outcome"] for e in ipn_log(server.url, txn_ref=ref)] == ["dropped"]
        httpx.post(f"{server.url}/sandbox/reset").raise_for_status()
        assert httpx.get(f"{server.url}/sandbox/ipn-log").json()["entries"] == []
        assert httpx.get(f"{server.url}/sandbox/switches").json()["global"]["drop"] is False
        terms = httpx.get(f"{server.url}/sandbox/terminals").json()["terminals"]
        assert tmn not in [t["tmn_code"] for t in terms]
        client.close()
    finally:
        server.stop()


def test_localhost_subdomains_are_delivered_to_loopback_with_their_host():
    from billing.gateways.vnpay_sandbox.ipn import loopback_target

    assert loopback_target("http://haiphong.localhost:8000/thanh-toan/vnpay/ipn?a=1") == (
        "http://127.0.0.1:8000/thanh-toan/vnpay/ipn?a=1",
        {"Host": "haiphong.localhost:8000"},
    )
    assert loopback_target("https://merchant.example.vn/ipn") == ("https://merchant.example.vn/ipn", {})
    assert loopback_target("http://localhost:9/x") == ("http://localhost:9/x", {})
