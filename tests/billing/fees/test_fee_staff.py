"""Staff pages of the fee collections: refunds over real HTTP, owner / colleague / outsider, Excel, terminal."""

from __future__ import annotations

from io import BytesIO

import httpx
import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from billing.fees.models import LedgerEntry, MerchantTerminal, Payment, PaymentEvent, Refund
from tests.billing.helpers import CSRF_RE, citizen, pay_at_gateway, start_checkout, wait_for
from tests.support import PASSWORD, sign_in_http


def _login(live, username: str) -> httpx.Client:
    browser = citizen()
    r = sign_in_http(browser, live.base, username, schema=live.tenant.schema_name)
    assert r.status_code == 302, r.text[:300]
    return browser


def _paid_payment(live, amount: int) -> Payment:
    live.switches()
    req = live.request(amount)
    browser = citizen()
    r = start_checkout(browser, live, req.token)
    with live.schema():
        payment = Payment.objects.get(request_id=req.pk)
    pay_at_gateway(browser, r.headers["Location"])

    def paid():
        with live.schema():
            return Payment.objects.get(pk=payment.pk).status == "succeeded"

    wait_for(paid)
    return payment


def test_staff_refunds_partial_then_rest_through_the_gateway(alpha):
    payment = _paid_payment(alpha, 200_000)
    staff = _login(alpha, "admin-alpha")
    page = staff.get(f"{alpha.base}/staff/billing/payments/{payment.pk}/")
    assert page.status_code == 200 and payment.txn_ref in page.text
    csrf = CSRF_RE.search(page.text).group(1)
    url = f"{alpha.base}/staff/billing/payments/{payment.pk}/refund/"
    # No reason: refused, nothing changes.
    staff.post(url, data={"csrfmiddlewaretoken": csrf, "amount_vnd": "50000", "reason": ""})
    # Too much: refused.
    staff.post(url, data={"csrfmiddlewaretoken": csrf, "amount_vnd": "900000", "reason": "Thu thừa tiền"})
    with alpha.schema():
        assert not Refund.objects.filter(payment=payment).exists()
    r = staff.post(url, data={"csrfmiddlewaretoken": csrf, "amount_vnd": "50.000", "reason": "Thu thừa phí thẩm định"})
    assert r.status_code == 302
    with alpha.schema():
        p = Payment.objects.get(pk=payment.pk)
        assert (p.status, p.refunded_vnd) == ("partially_refunded", 50_000)
    r = staff.post(url, data={"csrfmiddlewaretoken": csrf, "amount_vnd": "", "reason": "Hồ sơ bị từ chối, hoàn lại"})
    with alpha.schema():
        p = Payment.objects.get(pk=payment.pk)
        assert (p.status, p.refunded_vnd) == ("refunded", 200_000)
        assert p.request.status == "refunded"
        amounts = sorted(LedgerEntry.objects.filter(payment=p).values_list("amount_vnd", flat=True))
        assert amounts == [-150_000, -50_000, 200_000]
        audit = list(PaymentEvent.objects.filter(payment=p, source="staff").values_list("actor", "to_status"))
        assert audit == [("admin-alpha", "partially_refunded"), ("admin-alpha", "refunded")]
    tx = httpx.get(f"{alpha.sandbox_url}/sandbox/transactions").json()["transactions"]
    assert [t["refunded_amount"] for t in tx if t["txn_ref"] == payment.txn_ref] == [200_000]


def test_outsider_staff_of_beta_cannot_see_or_refund_alpha_payments(alpha, beta):
    payment = _paid_payment(alpha, 80_000)
    outsider = _login(beta, "admin-beta")
    # Beta's session means nothing on alpha's host.
    r = outsider.get(f"{alpha.base}/staff/billing/payments/{payment.pk}/")
    assert r.status_code == 302 and "/staff/login/" in r.headers["Location"]
    # On beta's own host, alpha's payment does not exist.
    page = outsider.get(f"{beta.base}/staff/billing/payments/")
    assert page.status_code == 200 and payment.txn_ref not in page.text
    page = outsider.get(f"{beta.base}/staff/billing/payments/{payment.pk}/")
    assert page.status_code == 404 or payment.txn_ref not in page.text
    csrf = outsider.cookies.get("csrftoken")
    outsider.post(f"{beta.base}/staff/billing/payments/{payment.pk}/refund/",
                  data={"csrfmiddlewaretoken": csrf, "reason": "Thử hoàn tiền của tỉnh khác"})
    with alpha.schema():
        assert Payment.objects.get(pk=payment.pk).status == "succeeded"
        assert not Refund.objects.filter(payment=payment).exists()


@pytest.fixture
def colleague(tenant_a):
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        return User.objects.create_user(username="canbo-thuong", password=PASSWORD, kind=User.Kind.STAFF)


@pytest.mark.parametrize("path", ["", "payments/", "terminal/", "invoices/"])
def test_colleague_without_role_is_refused(client_a, tenant_a, colleague, path):
    with schema_context(tenant_a.schema_name):
        client_a.force_login(colleague)
    assert client_a.get(f"/staff/billing/{path}").status_code == 403


@pytest.mark.parametrize("path", ["", "payments/", "terminal/", "invoices/"])
def test_anonymous_is_sent_to_login(client_a, path):
    r = client_a.get(f"/staff/billing/{path}")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_collections_by_day_procedure_unit_and_excel(client_a, tenant_a):
    from billing.fees.confirm import ipn_handle
    from billing.fees.services import payment_request_create, terminal_save
    from billing.gateways.vnpay import signed_query
    from core.accounts.models import User

    # Tests against live servers commit payments of their own in alpha: totals are compared as increases.
    with schema_context(tenant_a.schema_name):
        client_a.force_login(User.objects.get(username="admin-alpha"))
    before_page = client_a.get("/staff/billing/?by=unit")
    before = before_page.context["total"]
    xd = next((r for r in before_page.context["rows"] if r["key"] == "Sở Xây dựng"),
              {"payments": 0, "received": 0, "refunded": 0, "net": 0})
    with schema_context(tenant_a.schema_name):
        terminal_save(tmn_code="EXCEL001", hash_secret="excel-secret-123456")
        for i, (amount, proc, unit) in enumerate([(100_000, "Cấp phép xây dựng", "Sở Xây dựng"),
                                                  (25_000, "Đăng ký kinh doanh", "Sở Kế hoạch và Đầu tư"),
                                                  (100_000, "Cấp phép xây dựng", "Sở Xây dựng")]):
            req = payment_request_create(subject_type="excel-test", subject_id=i, reference=f"HS-X{i}",
                                         amount_vnd=amount, description="Phí", procedure_name=proc, unit_name=unit)
            p = Payment.objects.create(request=req, txn_ref=f"XLS{i}", idempotency_key=f"xls-{i}",
                                       amount_vnd=amount)
            # The gateway's confirmation, through the IPN's own entry point.
            ipn = {"vnp_TmnCode": "EXCEL001", "vnp_Amount": str(amount * 100), "vnp_ResponseCode": "00",
                   "vnp_TransactionStatus": "00", "vnp_TxnRef": p.txn_ref, "vnp_TransactionNo": str(i),
                   "vnp_BankCode": "NCB", "vnp_PayDate": "20260101120100", "vnp_OrderInfo": "x"}
            params = dict(httpx.QueryParams(signed_query(ipn, "excel-secret-123456")))
            assert ipn_handle(provider="vnpay", params=params)["RspCode"] == "00"
    page = client_a.get("/staff/billing/?by=procedure")
    assert page.status_code == 200
    rows = {r["key"]: r for r in page.context["rows"]}
    assert rows["Cấp phép xây dựng"]["received"] == 200_000 and rows["Cấp phép xây dựng"]["payments"] == 2
    assert page.context["total"]["net"] == before["net"] + 225_000
    assert client_a.get("/staff/billing/?by=unit").context["total"]["payments"] == before["payments"] + 3
    xlsx = client_a.get("/staff/billing/?by=unit&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert ["Sở Xây dựng", xd["payments"] + 2, xd["received"] + 200_000, xd["refunded"], xd["net"] + 200_000] in values
    assert values[-1] == ["Tổng cộng", before["payments"] + 3, before["received"] + 225_000, before["refunded"],
                          before["net"] + 225_000]


def test_terminal_secret_encrypted_never_shown_again(client_a, tenant_a):
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        admin = User.objects.get(username="admin-alpha")
        client_a.force_login(admin)
    r = client_a.post("/staff/billing/terminal/", {"tmn_code": "ABC", "hash_secret": "x"})
    assert r.status_code == 400 and "8 chữ cái" in r.content.decode()
    r = client_a.post("/staff/billing/terminal/", {"tmn_code": "ALPHA001", "hash_secret": "SieuBiMat-123456789",
                                                   "is_active": "1"})
    assert r.status_code == 302
    with schema_context(tenant_a.schema_name):
        t = MerchantTerminal.objects.get(provider="vnpay")
        assert "SieuBiMat" not in t.hash_secret_encrypted
        from core.crypto import decrypt

        assert decrypt(t.hash_secret_encrypted) == "SieuBiMat-123456789"
    page = client_a.get("/staff/billing/terminal/").content.decode()
    assert "SieuBiMat" not in page and "ALPHA001" in page
    # Saving without a secret keeps the old one.
    client_a.post("/staff/billing/terminal/", {"tmn_code": "ALPHA002", "hash_secret": "", "is_active": "1"})
    with schema_context(tenant_a.schema_name):
        from core.crypto import decrypt

        t = MerchantTerminal.objects.get(provider="vnpay")
        assert (t.tmn_code, decrypt(t.hash_secret_encrypted)) == ("ALPHA002", "SieuBiMat-123456789")


def test_ledger_is_append_only(tenant_a):
    from billing.fees.models import AppendOnlyError
    from billing.fees.services import payment_request_create

    with schema_context(tenant_a.schema_name):
        req = payment_request_create(subject_type="ledger-test", subject_id=1, reference="HS-L", amount_vnd=1000,
                                     description="x")
        p = Payment.objects.create(request=req, txn_ref="LEDGER1", idempotency_key="ledger-1", amount_vnd=1000)
        entry = LedgerEntry.objects.create(kind="fee_paid", payment=p, amount_vnd=1000, reference="HS-L",
                                           provider="vnpay")
        entry.amount_vnd = 1
        with pytest.raises(AppendOnlyError):
            entry.save()
        with pytest.raises(AppendOnlyError):
            entry.delete()
