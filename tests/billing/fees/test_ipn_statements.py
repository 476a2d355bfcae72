"""The IPN's fixed statements: the locked read of a payment and its request, and the audit rows written
by one statement each, must give exactly what the ORM gives."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from billing.fees.confirm import payment_lock
from billing.fees.models import GatewayExchange, LedgerEntry, Payment, PaymentEvent, PaymentRequest
from core.db.fastinsert import insert_rows

pytestmark = pytest.mark.django_db

AWKWARD = "Phí “hộ tịch” O'Brien \\ %s %(x)s 🙂"


@pytest.fixture
def payment(tenant_a):
    with schema_context(tenant_a.schema_name):
        req = PaymentRequest.objects.create(subject_type="dossier", subject_id=4242, reference="HS-LOCK-1",
                                           amount_vnd=125_000, description=AWKWARD, token="lock-token-1")
        yield Payment.objects.create(request=req, txn_ref="LOCK-TXN-1", idempotency_key="lock-k1",
                                     amount_vnd=125_000, gateway_created="20260101120000")


def test_the_locked_read_gives_the_orms_payment_and_its_request_fields(payment):
    assert payment_lock(txn_ref="LOCK-TXN-1", provider="other-provider") is None
    assert payment_lock(txn_ref="NO-SUCH-TXN", provider=payment.provider) is None
    got = payment_lock(txn_ref="LOCK-TXN-1", provider=payment.provider)
    orm = Payment.objects.get(pk=payment.pk)
    assert {f.attname: getattr(got, f.attname) for f in Payment._meta.concrete_fields} == \
        {f.attname: getattr(orm, f.attname) for f in Payment._meta.concrete_fields}
    assert Payment.request.is_cached(got)
    assert (got.request.pk, got.request.reference, got.request.subject_type, got.request.subject_id) == \
        (payment.request_id, "HS-LOCK-1", "dossier", 4242)
    assert got.request.status == PaymentRequest.Status.OPEN
    with connection.cursor() as cursor:  # FOR UPDATE: this transaction holds the table's row-share lock
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND mode = 'RowShareLock'"
                       " AND relation = %s::regclass", [Payment._meta.db_table])
        assert cursor.fetchone()[0] == 1


def _made(payment: Payment) -> list:
    return [PaymentEvent(payment=payment, from_status="pending", to_status="succeeded", source="ipn",
                         actor="hệ thống", note=AWKWARD),
            LedgerEntry(kind=LedgerEntry.Kind.FEE_PAID, payment=payment, amount_vnd=10**12, reference="HS-LOCK-1",
                        provider=payment.provider),
            GatewayExchange(provider=payment.provider, kind="ipn", txn_ref="LOCK-TXN-1", error="",
                            request={"method": "GET", "params": {"vnp_OrderInfo": AWKWARD, "n": [1, None]}},
                            response={"RspCode": "00", "Message": "Confirm Success"})]


def test_rows_written_by_one_statement_are_the_orms_rows(payment):
    other = Payment.objects.create(request=payment.request, txn_ref="LOCK-TXN-2", idempotency_key="lock-k2",
                                   amount_vnd=125_000, gateway_created="20260101120000")
    with transaction.atomic():
        for obj in _made(payment):
            obj.save(force_insert=True)
        insert_rows(*_made(other))
    mine = {PaymentEvent: {"payment__in": [payment, other]}, LedgerEntry: {"payment__in": [payment, other]},
            GatewayExchange: {"txn_ref": "LOCK-TXN-1"}}  # committed tests leave rows of their own in alpha
    for model, where in mine.items():
        rows = list(model.objects.filter(**where).order_by("pk").values())
        assert len(rows) == 2, model
        for row in rows:
            row.pop("id"), row.pop("at", None), row.pop("created_at", None), row.pop("payment_id", None)
        assert rows[0] == rows[1], model
    assert list(LedgerEntry.objects.filter(payment__in=[payment, other]).order_by("pk")
                .values_list("payment_id", flat=True)) == [payment.pk, other.pk]
