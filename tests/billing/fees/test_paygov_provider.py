"""The second provider (the national portal's payment platform, simulated) behind the same interface:
checkout through the same service, notification through the same decision path, same ledger."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing.fees.models import LedgerEntry, Payment, PaymentRequest, Provider
from billing.fees.services import payment_checkout, payment_request_create, terminal_save
from billing.gateways.paygov import sign

pytestmark = pytest.mark.django_db
SECRET = "paygov-simulated-secret-123"


@pytest.fixture
def paygov_payment(tenant_a):
    with schema_context(tenant_a.schema_name):
        terminal_save(provider=Provider.PAYGOV, tmn_code="PAYGOV-ALPHA", hash_secret=SECRET,
                      pay_url="https://paygov.example.vn/pay")
        req = payment_request_create(subject_type="billing-test", subject_id=424242, reference="HS-PG-1",
                                     amount_vnd=75_000, description="Lệ phí")
        payment = payment_checkout(request=req, idempotency_key="paygov-key-0001", ip_addr="127.0.0.1",
                                   return_url="http://alpha.localhost/thanh-toan/", provider=Provider.PAYGOV)
    return req, payment


def notify(client, payment: Payment, *, status: str = "paid", amount: int | None = None, secret: str = SECRET):
    params = {"merchant": "PAYGOV-ALPHA", "order": payment.txn_ref, "amount": str(amount or payment.amount_vnd),
              "status": status, "transaction": "PG000001"}
    params["signature"] = sign(params, secret)
    return client.post("/thanh-toan/paygov/notify", params).json()


def test_checkout_url_is_signed_for_the_platform(paygov_payment):
    _req, payment = paygov_payment
    assert payment.provider == Provider.PAYGOV
    assert payment.pay_url.startswith("https://paygov.example.vn/pay?") and "signature=" in payment.pay_url


def test_notification_pays_once_through_the_same_decision_path(paygov_payment, client_a, client_b, tenant_a):
    req, payment = paygov_payment
    assert notify(client_a, payment, secret="forged-secret-000")["RspCode"] == "97"
    assert notify(client_a, payment, amount=1)["RspCode"] == "04"
    assert notify(client_b, payment)["RspCode"] in ("01", "97")  # another tenant knows nothing of it
    assert notify(client_a, payment)["RspCode"] == "00"
    assert notify(client_a, payment)["RspCode"] == "02"
    with schema_context(tenant_a.schema_name):
        assert Payment.objects.get(pk=payment.pk).status == "succeeded"
        assert PaymentRequest.objects.get(pk=req.pk).status == "paid"
        assert list(LedgerEntry.objects.filter(payment=payment).values_list("amount_vnd", flat=True)) == [75_000]
