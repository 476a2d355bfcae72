"""Idempotency keys on every create, with the in-memory and the real Redis store."""

from __future__ import annotations

import os
import secrets
import threading

import httpx
import pytest
import redis

from billing.gateways.vnpay import (
    IdempotencyError,
    IdempotencyStore,
    InMemoryIdempotencyStore,
    InvalidRequestError,
    RedisIdempotencyStore,
)
from tests.billing.gateways.vnpay_fixtures import (
    MerchantReceiver,
    make_client,
    new_ref,
    pay_successfully,
    register_terminal,
    return_params,
)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="module")
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # the project's tests run against a real Redis: unreachable is a failure, not a skip
    yield client
    client.close()


@pytest.fixture(params=["memory", "redis"])
def store(request):
    if request.param == "memory":
        yield InMemoryIdempotencyStore()
        return
    client = request.getfixturevalue("redis_client")
    prefix = f"test:vnpay:idem:{secrets.token_hex(4)}:"
    yield RedisIdempotencyStore(client, prefix=prefix)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def terminal(sandbox):
    return register_terminal(sandbox.url, None, MerchantReceiver())


def _create(client, ref, **kw):
    params = {"amount_vnd": 75_000, "client_reference_id": ref, "order_info": "Le phi ho so", "ip_addr": "127.0.0.1",
              "metadata": {"ho_so": ref}}
    params.update(kw)
    return client.checkout.sessions.create(**params)


def test_same_key_same_params_same_session(sandbox, terminal, store):
    assert isinstance(store, IdempotencyStore)
    client = make_client(sandbox.url, *terminal, client_kwargs={"idempotency_store": store})
    ref = new_ref()
    first = _create(client, ref, idempotency_key=f"pay-{ref}")
    second = _create(client, ref, idempotency_key=f"pay-{ref}")
    assert second == first and second.url == first.url and second.expires_at == first.expires_at
    # another client process sharing the store replays it as well
    other = make_client(sandbox.url, *terminal, client_kwargs={"idempotency_store": store})
    assert _create(other, ref, idempotency_key=f"pay-{ref}") == first
    # without a key, each call is new
    assert _create(client, ref).id == first.id  # same TxnRef -> same id, but freshly built
    with pytest.raises(IdempotencyError) as exc:
        _create(client, ref, amount_vnd=80_000, idempotency_key=f"pay-{ref}")
    assert isinstance(exc.value, InvalidRequestError) and exc.value.code == "idempotency_key_reused"
    # the key is scoped per terminal + TTL >= 24h
    ttl = store.ttl(f"{client.config.tmn_code}:pay-{ref}")
    assert ttl is not None and ttl >= 24 * 3600 - 5
    client.close()
    other.close()


def test_concurrent_creates_with_one_key_return_one_result(sandbox, terminal, store):
    client = make_client(sandbox.url, *terminal, client_kwargs={"idempotency_store": store})
    ref = new_ref()
    results = []
    lock = threading.Lock()

    def worker():
        session = _create(client, ref, idempotency_key=f"race-{ref}")
        with lock:
            results.append(session)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 6 and all(r == results[0] for r in results)
    client.close()


def test_refund_and_querydr_with_key_hit_the_gateway_once(sandbox, terminal, store):
    tmn, secret = terminal
    calls = []
    client = make_client(sandbox.url, tmn, secret, client_kwargs={
        "idempotency_store": store, "on_exchange": lambda kind, *_: calls.append(kind)})
    session = _create(client, new_ref())
    with httpx.Client(timeout=5) as http:
        params = return_params(pay_successfully(http, sandbox.url, session.url))
    assert params["vnp_ResponseCode"] == "00"
    kw = {"client_reference_id": session.client_reference_id, "transaction_date": session.created,
          "original_amount_vnd": 75_000, "amount_vnd": 5_000}
    r1 = client.refunds.create(idempotency_key="refund-1", **kw)
    r2 = client.refunds.create(idempotency_key="refund-1", **kw)
    assert r1 == r2 and calls.count("refund") == 1
    with pytest.raises(IdempotencyError):
        client.refunds.create(idempotency_key="refund-1", **{**kw, "amount_vnd": 6_000})
    # the gateway saw one refund only
    txns = httpx.get(f"{sandbox.url}/sandbox/transactions").json()["transactions"]
    mine = next(t for t in txns if t["txn_ref"] == session.client_reference_id)
    assert mine["refunded_amount"] == 5_000 and len(mine["refunds"]) == 1

    q1 = client.payment_intents.reconcile(session, idempotency_key="q-1")
    q2 = client.payment_intents.reconcile(session, idempotency_key="q-1")
    assert q1 == q2 and calls.count("querydr") == 1
    # a key used for a refund cannot be reused for a query
    with pytest.raises(IdempotencyError):
        client.payment_intents.reconcile(session, idempotency_key="refund-1")
    client.close()


def test_failed_call_does_not_burn_the_key(sandbox, terminal, store):
    client = make_client(sandbox.url, *terminal, client_kwargs={"idempotency_store": store})
    with pytest.raises(InvalidRequestError):
        client.refunds.create(client_reference_id=new_ref(), transaction_date="20240101120000",
                              original_amount_vnd=1_000, idempotency_key="k-fail")
    assert store.get(f"{client.config.tmn_code}:k-fail") is None
    client.close()


def test_redis_store_uses_set_nx_first_writer_wins(redis_client):
    from billing.gateways.vnpay import IdempotencyRecord

    prefix = f"test:vnpay:idem:{secrets.token_hex(4)}:"
    store = RedisIdempotencyStore(redis_client, prefix=prefix)
    a = IdempotencyRecord("fp-a", "op", {"x": 1}, 1.0)
    b = IdempotencyRecord("fp-b", "op", {"x": 2}, 2.0)
    assert store.put("k", a, 10) == a  # ttl raised to 24 h minimum
    assert store.put("k", b, 10) == a
    assert store.get("k") == a and store.ttl("k") >= 24 * 3600 - 5
    redis_client.delete(f"{prefix}k")
