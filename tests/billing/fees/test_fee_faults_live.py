"""Fee payments over real HTTP: our app under gunicorn, the local VNPay sandbox, a real Celery worker.

Each fault the issue lists is here: concurrent duplicate IPNs, forged signature, wrong amount,
unknown order, dropped IPN (reconciled by querydr on the worker), citizen cancels, gateway down/slow.
"""

from __future__ import annotations

import httpx
import pytest

from billing.fees.models import LedgerEntry, ManualCase, Payment, PaymentRequest
from tests.billing.helpers import citizen, pay_at_gateway, start_checkout, wait_for


def _payment(live, txn_ref: str) -> Payment:
    with live.schema():
        return Payment.objects.select_related("request").get(txn_ref=txn_ref)


def _ledger(live, txn_ref: str) -> list[LedgerEntry]:
    with live.schema():
        return list(LedgerEntry.objects.filter(payment__txn_ref=txn_ref))


def _checkout(live, req) -> tuple[httpx.Client, Payment]:
    browser = citizen()
    r = start_checkout(browser, live, req.token)
    assert r.status_code == 302, r.text[:800]
    assert r.headers["Location"].startswith(live.sandbox_url + "/paymentv2/vpcpay.html?")
    with live.schema():
        payment = Payment.objects.filter(request_id=req.pk).latest("created_at")
    assert payment.pay_url == r.headers["Location"]
    return browser, payment


def test_citizen_pays_ipn_confirms_return_page_displays_receipt(alpha):
    alpha.switches()
    req = alpha.request(150_000)
    browser, payment = _checkout(alpha, req)
    assert payment.status == "pending"
    back = pay_at_gateway(browser, payment.pay_url)
    assert back.startswith(f"{alpha.base}/thanh-toan/vnpay/return?")
    wait_for(lambda: _payment(alpha, payment.txn_ref).status == "succeeded")
    paid = _payment(alpha, payment.txn_ref)
    assert paid.confirmed_via == "ipn" and paid.transaction_no
    assert paid.request.status == PaymentRequest.Status.PAID
    assert [e.amount_vnd for e in _ledger(alpha, payment.txn_ref)] == [150_000]
    page = browser.get(back)
    assert page.status_code == 200 and "Thanh toán thành công" in page.text
    pdf = browser.get(f"{alpha.base}/thanh-toan/{req.token}/bien-lai.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # The gateway's view agrees with ours.
    with alpha.schema():
        from billing.fees.models import GatewayExchange

        kinds = set(GatewayExchange.objects.filter(txn_ref=payment.txn_ref).values_list("kind", flat=True))
    assert {"checkout.create", "ipn", "querydr"} <= kinds  # querydr: the preflight before redirecting


def test_same_ipn_ten_times_concurrently_one_success_rest_02_one_ledger_entry(alpha):
    alpha.switches(repeat=10, concurrent=True, retry_max=0)
    req = alpha.request(98_000)
    browser, payment = _checkout(alpha, req)
    pay_at_gateway(browser, payment.pay_url)
    log = wait_for(lambda: (e := alpha.ipn_log(payment.txn_ref)) and len(e) >= 10 and e)
    codes = sorted(e["rsp_code"] for e in log)
    assert codes == ["00"] + ["02"] * 9, log
    assert len(_ledger(alpha, payment.txn_ref)) == 1
    with alpha.schema():
        assert Payment.objects.get(pk=payment.pk).events.filter(to_status="succeeded").count() == 1


def test_forged_signature_97_nothing_changes(alpha):
    alpha.switches()
    req = alpha.request(50_000)
    _browser, payment = _checkout(alpha, req)
    forged = alpha.signed_ipn(payment.txn_ref, 50_000, secret="not-the-terminal-secret-000")
    r = httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=forged)
    assert r.json() == {"RspCode": "97", "Message": "Invalid signature"}
    tampered = alpha.signed_ipn(payment.txn_ref, 50_000)
    tampered["vnp_Amount"] = "100"  # changed after signing
    assert httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=tampered).json()["RspCode"] == "97"
    assert _payment(alpha, payment.txn_ref).status == "pending"
    assert _ledger(alpha, payment.txn_ref) == []


def test_wrong_amount_04_and_a_manual_case(alpha):
    alpha.switches()
    req = alpha.request(70_000)
    _browser, payment = _checkout(alpha, req)
    wrong = alpha.signed_ipn(payment.txn_ref, 7_000)
    for _ in range(2):  # the gateway retries: still one open case
        r = httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=wrong)
        assert r.json() == {"RspCode": "04", "Message": "invalid amount"}
    assert _payment(alpha, payment.txn_ref).status == "pending"
    assert _ledger(alpha, payment.txn_ref) == []
    with alpha.schema():
        cases = list(ManualCase.objects.filter(txn_ref=payment.txn_ref))
    assert [(c.kind, c.details["expected_vnd"], c.details["received_vnd"]) for c in cases] == [
        ("amount_mismatch", 70_000, 7_000)]


def test_unknown_order_01(alpha):
    params = alpha.signed_ipn("NO-SUCH-ORDER-123", 10_000)
    r = httpx.get(f"{alpha.base}/thanh-toan/vnpay/ipn", params=params)
    assert r.json() == {"RspCode": "01", "Message": "Order not found"}


def test_ipn_is_csrf_exempt_get_only(alpha):
    params = alpha.signed_ipn("NO-SUCH-ORDER-124", 10_000)
    assert httpx.post(f"{alpha.base}/thanh-toan/vnpay/ipn", data=params).status_code == 405


def test_ipn_dropped_then_reconciliation_on_the_worker_completes(alpha, celery_queue):
    from billing.fees.tasks import reconcile_pending

    alpha.switches(drop=True)
    req = alpha.request(120_000)
    browser, payment = _checkout(alpha, req)
    pay_at_gateway(browser, payment.pay_url)
    assert [e["outcome"] for e in alpha.ipn_log(payment.txn_ref)] == ["dropped"]
    assert _payment(alpha, payment.txn_ref).status == "pending"
    with alpha.schema():
        result = reconcile_pending.delay(older_than_minutes=0)
    counts = result.get(timeout=60)
    assert counts["settled"] >= 1
    paid = _payment(alpha, payment.txn_ref)
    assert paid.status == "succeeded" and paid.confirmed_via == "querydr"
    assert paid.request.status == "paid"
    assert len(_ledger(alpha, payment.txn_ref)) == 1
    # Running it again changes nothing (idempotent).
    with alpha.schema():
        reconcile_pending.delay(older_than_minutes=0).get(timeout=60)
    assert len(_ledger(alpha, payment.txn_ref)) == 1


def test_citizen_cancels_request_still_awaits_payment_and_can_pay_again(alpha):
    alpha.switches()
    req = alpha.request(45_000)
    browser, first = _checkout(alpha, req)
    back = pay_at_gateway(browser, first.pay_url, action="cancel")
    wait_for(lambda: _payment(alpha, first.txn_ref).status == "canceled")
    page = browser.get(back)
    assert page.status_code == 200 and "chưa thành công" in page.text
    with alpha.schema():
        assert PaymentRequest.objects.get(pk=req.pk).status == "open"
    browser2, second = _checkout(alpha, req)
    assert second.txn_ref != first.txn_ref
    pay_at_gateway(browser2, second.pay_url)
    wait_for(lambda: _payment(alpha, second.txn_ref).status == "succeeded")
    assert _payment(alpha, second.txn_ref).request.status == "paid"
    assert len(_ledger(alpha, second.txn_ref)) == 1 and _ledger(alpha, first.txn_ref) == []


@pytest.mark.parametrize("switch", [{"api_down": True}, {"api_delay_s": 4.0}], ids=["down", "slow"])
def test_gateway_down_or_slow_clear_message_nothing_paid_retry_later_works(alpha, switch):
    alpha.switches(**switch)
    req = alpha.request(30_000)
    browser = citizen()
    r = start_checkout(browser, alpha, req.token)
    assert r.status_code == 503
    assert "tạm thời không phản hồi" in r.text and "thử lại sau" in r.text
    with alpha.schema():
        assert not Payment.objects.filter(request_id=req.pk).exists()
        assert PaymentRequest.objects.get(pk=req.pk).status == "open"
    alpha.switches()  # the gateway is back
    browser, payment = _checkout(alpha, req)
    pay_at_gateway(browser, payment.pay_url)
    wait_for(lambda: _payment(alpha, payment.txn_ref).status == "succeeded")


def test_double_click_on_pay_makes_one_attempt(alpha):
    alpha.switches()
    req = alpha.request(20_000)
    browser = citizen()
    page = browser.get(f"{alpha.base}/thanh-toan/{req.token}/")
    from tests.billing.helpers import CSRF_RE, KEY_RE

    data = {"csrfmiddlewaretoken": CSRF_RE.search(page.text).group(1), "key": KEY_RE.search(page.text).group(1)}
    first = browser.post(f"{alpha.base}/thanh-toan/{req.token}/", data=data)
    second = browser.post(f"{alpha.base}/thanh-toan/{req.token}/", data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    with alpha.schema():
        assert Payment.objects.filter(request_id=req.pk).count() == 1


def test_outsider_tenant_ipn_endpoint_does_not_know_alpha_orders(alpha, beta):
    alpha.switches()
    req = alpha.request(60_000)
    _browser, payment = _checkout(alpha, req)
    # Signed as beta's gateway would sign: beta has no such order.
    as_beta = beta.signed_ipn(payment.txn_ref, 60_000)
    assert httpx.get(f"{beta.base}/thanh-toan/vnpay/ipn", params=as_beta).json()["RspCode"] == "01"
    # Alpha's genuine IPN sent to beta's endpoint: beta's terminal cannot verify it.
    genuine = alpha.signed_ipn(payment.txn_ref, 60_000)
    assert httpx.get(f"{beta.base}/thanh-toan/vnpay/ipn", params=genuine).json()["RspCode"] == "97"
    assert _payment(alpha, payment.txn_ref).status == "pending"


# In-process (Django test client): the subject handler runs after commit, and only once.
# (Also makes pytest-django set the test database up when this module runs alone.)
def test_subject_handler_called_after_commit_once(db, client_a, tenant_a, django_capture_on_commit_callbacks):
    from django_tenants.utils import schema_context

    from billing.fees import subjects
    from billing.fees.services import payment_request_create, terminal_save
    from billing.gateways.vnpay import signed_query

    calls = []
    subjects.register("probe", subjects.SubjectHandlers(paid=lambda **kw: calls.append(("paid", kw)),
                                                        refunded=None, id_kwarg="probe_id"))
    try:
        with schema_context(tenant_a.schema_name):
            terminal_save(tmn_code="PROBE001", hash_secret="probe-secret-123456")
            req = payment_request_create(subject_type="probe", subject_id=77, reference="HS-PROBE", amount_vnd=5000,
                                         description="Lệ phí")
            assert payment_request_create(subject_type="probe", subject_id=77, reference="HS-PROBE",
                                          amount_vnd=5000, description="Lệ phí").pk == req.pk  # idempotent
            payment = Payment.objects.create(request=req, txn_ref="PROBE-TXN-1", idempotency_key="probe-k1",
                                             amount_vnd=5000, gateway_created="20260101120000")
        params = {"vnp_TmnCode": "PROBE001", "vnp_Amount": "500000", "vnp_ResponseCode": "00",
                  "vnp_TransactionStatus": "00", "vnp_TxnRef": "PROBE-TXN-1", "vnp_TransactionNo": "1",
                  "vnp_PayDate": "20260101120100", "vnp_OrderInfo": "x", "vnp_BankCode": "NCB"}
        query = signed_query(params, "probe-secret-123456")
        with django_capture_on_commit_callbacks(execute=True):
            r1 = client_a.get("/thanh-toan/vnpay/ipn?" + query)
            r2 = client_a.get("/thanh-toan/vnpay/ipn?" + query)
        assert (r1.json()["RspCode"], r2.json()["RspCode"]) == ("00", "02")
        assert calls == [("paid", {"probe_id": 77, "payment_id": payment.pk})]
    finally:
        subjects.unregister("probe")
