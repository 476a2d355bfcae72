"""No stuck money (issue 10, item 4): Redis and the VNPay sandbox killed in turn during checkouts, over real
processes (gunicorn on a private redis-server, the sandbox as its own process, both killed with SIGKILL
or hung with SIGSTOP), then brought back. Each case ends with the citizen told to try again (503, never
a 500), every attempt either completed or closed (failed, expired), none pending without a way out, and
no payment counted twice."""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from django.db.models import Q
from django_tenants.utils import schema_context

from billing.fees.models import LedgerEntry, Payment, PaymentEvent, PaymentRequest
from tests.billing.helpers import LiveTenant, citizen, pay_at_gateway, start_checkout, wait_for
from tests.faults.processes import SandboxProcess
from tests.support import gunicorn

TRY_AGAIN = "thử lại sau"


@contextmanager
def _shop(*, redis_url: str | None = None, log_name: str = "faults"):
    """Our app under gunicorn (on ``redis_url`` if given), alpha's terminal on a sandbox process of its own."""
    from billing.fees.services import terminal_save
    from control.tenancy.models import Tenant

    env = {"VNPAY_TIMEOUT_S": "3"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    with gunicorn(workers=1, threads=4, log_name=log_name, extra_env=env) as (_url, port):
        tenant = Tenant.objects.get(slug="alpha")
        tmn, secret = f"FLT{secrets.randbelow(10**5):05d}", secrets.token_hex(16)
        base = f"http://alpha.localhost:{port}"
        sandbox = SandboxProcess([{"tmn_code": tmn, "hash_secret": secret,
                                   "ipn_url": f"{base}/thanh-toan/vnpay/ipn"}])
        sandbox.start()
        try:
            with schema_context(tenant.schema_name):
                terminal_save(tmn_code=tmn, hash_secret=secret, pay_url=sandbox.url, api_url=sandbox.url,
                              actor="faults")
            yield LiveTenant(tenant=tenant, tmn_code=tmn, secret=secret, base=base,
                             sandbox_url=sandbox.url), sandbox
        finally:
            sandbox.stop()


def _attempts(live: LiveTenant, req: PaymentRequest) -> list[Payment]:
    with live.schema():
        return list(Payment.objects.filter(request_id=req.pk).order_by("pk"))


def _status(live: LiveTenant, payment_id: int) -> str:
    with live.schema():
        return Payment.objects.get(pk=payment_id).status


def _assert_nothing_stuck_nothing_doubled(live: LiveTenant, req: PaymentRequest, *, paid: bool) -> None:
    with live.schema():
        stuck = Payment.objects.filter(request_id=req.pk, status="pending").filter(Q(pay_url="") |
                                                                                   Q(gateway_created=""))
        assert not stuck.exists()
        entries = list(LedgerEntry.objects.filter(payment__request_id=req.pk, kind="fee_paid"))
        assert len(entries) == (1 if paid else 0)
        assert PaymentRequest.objects.get(pk=req.pk).status == ("paid" if paid else "open")
        for p in Payment.objects.filter(request_id=req.pk):  # every status change has its audit row
            assert list(p.events.values_list("to_status", flat=True))[-1] == p.status


def _pay(live: LiveTenant, req: PaymentRequest) -> Payment:
    browser = citizen()
    r = start_checkout(browser, live, req.token)
    assert r.status_code == 302, r.text[:500]
    payment = _attempts(live, req)[-1]
    pay_at_gateway(browser, r.headers["Location"])
    wait_for(lambda: _status(live, payment.pk) == "succeeded", timeout=30)
    return payment


def test_redis_killed_at_checkout_try_again_page_then_the_payment_completes_once(live_db, private_redis):
    with _shop(redis_url=private_redis.url, log_name="faults-redis") as (live, _sandbox):
        req = live.request(81_000)
        browser = citizen()
        private_redis.kill()
        r = start_checkout(browser, live, req.token)
        assert r.status_code == 503, r.text[:500]
        assert TRY_AGAIN in r.text and "Chưa có khoản tiền nào bị trừ" in r.text
        [first] = _attempts(live, req)
        assert (first.status, first.pay_url) == ("failed", "")  # closed at once, not left pending
        # Still down: the same answer, each attempt closed.
        assert start_checkout(browser, live, req.token).status_code == 503
        assert {p.status for p in _attempts(live, req)} == {"failed"}
        private_redis.start()  # Redis is back (empty: nothing was kept in it)
        paid = _pay(live, req)
        assert paid.pk not in {p.pk for p in _attempts(live, req) if p.status == "failed"}
        _assert_nothing_stuck_nothing_doubled(live, req, paid=True)


def test_web_process_killed_mid_checkout_with_redis_hung_the_reconciliation_expires_the_attempt(
        live_db, private_redis):
    """The old bug's state, made for real: the attempt is written, Redis hangs, the web process dies before
    the pay URL is saved. The reconciliation, which used to skip such attempts, expires it."""
    from billing.fees.confirm import NEVER_SENT_GRACE, payment_reconcile, pending_to_reconcile

    with _shop(redis_url=private_redis.url, log_name="faults-redis-hung") as (live, _sandbox):
        req = live.request(82_000)
        browser = citizen()
        private_redis.pause()
        outcome: dict = {}

        def press() -> None:
            try:
                outcome["response"] = start_checkout(browser, live, req.token)
            except httpx.HTTPError as exc:
                outcome["error"] = exc

        thread = threading.Thread(target=press)
        thread.start()
        wait_for(lambda: _attempts(live, req), timeout=30)  # written, now waiting on Redis
        _kill_web_server(live)
        thread.join(timeout=30)
        private_redis.resume()
    assert "error" in outcome or outcome["response"].status_code >= 500  # the server died under the request
    [attempt] = _attempts(live, req)
    assert (attempt.status, attempt.pay_url, attempt.gateway_created) == ("pending", "", "")
    with live.schema():
        assert attempt.pk in pending_to_reconcile(older_than_minutes=0)  # no longer skipped
        payment_reconcile(payment_id=attempt.pk)  # within the grace of a checkout in flight: left alone
        assert _status(live, attempt.pk) == "pending"
        later = attempt.created_at + NEVER_SENT_GRACE + timedelta(seconds=1)
        assert payment_reconcile(payment_id=attempt.pk, now=later).status == "expired"
        event = PaymentEvent.objects.filter(payment_id=attempt.pk).latest("id")
    assert (event.from_status, event.to_status, event.source) == ("pending", "expired", "system")
    _assert_nothing_stuck_nothing_doubled(live, req, paid=False)


def _kill_web_server(live: LiveTenant) -> None:
    """SIGKILL the gunicorn serving ``live`` (master and workers, its whole process group)."""
    import os
    import signal
    from urllib.parse import urlsplit

    import psutil

    port = urlsplit(live.base).port
    for conn in psutil.net_connections(kind="tcp"):
        if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
            os.killpg(os.getpgid(conn.pid), signal.SIGKILL)
            return
    raise AssertionError(f"no server listening on {port}")


def test_sandbox_killed_during_checkout_try_again_page_then_the_payment_completes_once(live_db):
    with _shop(log_name="faults-sandbox") as (live, sandbox):
        req = live.request(83_000)
        browser = citizen()
        sandbox.switches(live.tmn_code, api_delay_s=3.0)  # the preflight query hangs...
        outcome: dict = {}
        thread = threading.Thread(target=lambda: outcome.setdefault("r", start_checkout(browser, live, req.token)))
        thread.start()
        threading.Event().wait(1.0)
        sandbox.kill()  # ...and the gateway dies under it
        thread.join(timeout=30)
        r = outcome["r"]
        assert r.status_code == 503 and "tạm thời không phản hồi" in r.text and TRY_AGAIN in r.text
        assert _attempts(live, req) == []  # nothing was started: nothing to close
        # Still down (connection refused): the same page.
        r = start_checkout(browser, live, req.token)
        assert r.status_code == 503 and TRY_AGAIN in r.text and _attempts(live, req) == []
        sandbox.start()  # the gateway is back
        _pay(live, req)
        _assert_nothing_stuck_nothing_doubled(live, req, paid=True)


def test_sandbox_killed_after_the_redirect_each_attempt_completes_or_expires(live_db):
    from billing.fees.confirm import payment_reconcile
    from billing.gateways.types import GatewayUnavailable

    with _shop(log_name="faults-sandbox-2") as (live, sandbox):
        # 1. Sent to the gateway, which dies before the citizen pays; back up, the citizen pays.
        req = live.request(84_000)
        browser = citizen()
        r = start_checkout(browser, live, req.token)
        assert r.status_code == 302
        [sent] = _attempts(live, req)
        sandbox.kill()
        with live.schema(), pytest.raises(GatewayUnavailable):  # the reconciliation meanwhile: kept, not lost
            payment_reconcile(payment_id=sent.pk, now=sent.expires_at + timedelta(minutes=6))
        assert _status(live, sent.pk) == "pending"
        sandbox.start()
        pay_at_gateway(browser, r.headers["Location"])  # the signed pay URL still opens the payment
        wait_for(lambda: _status(live, sent.pk) == "succeeded", timeout=30)
        _assert_nothing_stuck_nothing_doubled(live, req, paid=True)

        # 2. The gateway dies with the payment page open; back up, it knows nothing of it, the citizen gave
        # up: after the payment window the reconciliation expires the attempt; the citizen pays later.
        other = live.request(85_000)
        browser = citizen()
        r = start_checkout(browser, live, other.token)
        assert r.status_code == 302 and browser.get(r.headers["Location"]).status_code == 200
        [abandoned] = _attempts(live, other)
        sandbox.kill()
        sandbox.start()
        with live.schema():
            assert payment_reconcile(payment_id=abandoned.pk).status == "pending"  # within its window
            assert payment_reconcile(payment_id=abandoned.pk,
                                     now=abandoned.expires_at + timedelta(minutes=6)).status == "expired"
        _assert_nothing_stuck_nothing_doubled(live, other, paid=False)
        _pay(live, other)
        _assert_nothing_stuck_nothing_doubled(live, other, paid=True)
