"""Forged notifications cannot grow the database (issue 10, item 6): over real HTTP, 500 IPNs with bad
signatures are answered 97, counted in one row per hour, and only a few of them are kept as samples; a
genuine IPN is still kept in full."""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor

import httpx
from django.db.models import Sum

from billing.fees.models import GatewayExchange, LedgerEntry, Payment, RefusedNotifications
from tests.billing.helpers import citizen, start_checkout, wait_for

FLOOD = 500


def _counts(live) -> tuple[int, int, int]:
    with live.schema():
        return (GatewayExchange.objects.count(), RefusedNotifications.objects.count(),
                RefusedNotifications.objects.aggregate(n=Sum("count"))["n"] or 0)


def test_500_forged_ipns_add_a_handful_of_rows_a_genuine_one_is_kept_in_full(alpha):
    alpha.switches(drop=True)  # the sandbox sends nothing itself: every IPN here is ours
    req = alpha.request(64_000)
    r = start_checkout(citizen(), alpha, req.token)
    assert r.status_code == 302, r.text[:500]
    with alpha.schema():
        payment = Payment.objects.get(request_id=req.pk)
    rows_before, hours_before, refused_before = _counts(alpha)

    def forge(i: int) -> str:
        params = alpha.signed_ipn(payment.txn_ref if i % 2 else f"FORGED{i:05d}", 64_000,
                                  secret=secrets.token_hex(16))
        return httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=params, timeout=30).json()["RspCode"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(forge, range(FLOOD)))
    assert codes == ["97"] * FLOOD
    rows_after, hours_after, refused_after = _counts(alpha)
    assert refused_after - refused_before == FLOOD  # every one counted
    assert hours_after - hours_before <= 2  # one row per hour (two if the hour turned meanwhile)
    assert rows_after - rows_before <= 2 * RefusedNotifications.SAMPLES_PER_HOUR  # a handful of samples
    with alpha.schema():
        assert Payment.objects.get(pk=payment.pk).status == "pending"
        assert not LedgerEntry.objects.filter(payment=payment).exists()
        samples = list(GatewayExchange.objects.filter(kind="ipn", response__RspCode="97")
                       .order_by("-id")[:1])
    assert samples and "chữ ký không hợp lệ" in samples[0].error

    genuine = alpha.signed_ipn(payment.txn_ref, 64_000)
    assert httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=genuine).json()["RspCode"] == "00"
    wait_for(lambda: _status(alpha, payment.pk) == "succeeded")
    with alpha.schema():
        kept = GatewayExchange.objects.filter(kind="ipn", txn_ref=payment.txn_ref, response__RspCode="00").get()
    assert kept.request == {"method": "GET", "params": genuine}  # in full, as it came
    assert kept.error == ""
    assert _counts(alpha)[2] == refused_after  # not counted as refused


def _status(live, payment_id: int) -> str:
    with live.schema():
        return Payment.objects.get(pk=payment_id).status


def test_the_staff_page_tells_how_many_were_refused(db, client_a, tenant_a):
    from django_tenants.utils import schema_context

    from billing.fees.confirm import ipn_handle
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        for _ in range(3):
            assert ipn_handle(provider="vnpay", params={"vnp_TxnRef": "X", "vnp_SecureHash": "00"})["RspCode"] == "97"
        client_a.force_login(User.objects.get(username="admin-alpha"))
        refused = RefusedNotifications.objects.aggregate(n=Sum("count"))["n"]
    page = client_a.get("/staff/billing/")
    assert page.status_code == 200 and page.context["refused"] == refused >= 3
    assert "chữ ký không hợp lệ đã bị từ chối" in page.content.decode()
