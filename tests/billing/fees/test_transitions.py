"""The fee collection's three state machines (payment, payment request, refund): each walks its table.

For every pair of statuses: a transition in the table moves the row and writes exactly one audit row;
any other is refused and changes nothing. A row that another transaction moved meanwhile is refused too
(the conditional UPDATE), even when the table allows the move from the status it was read with.
"""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.fees.models import Payment, PaymentEvent, PaymentRequest, PaymentRequestEvent, Refund, RefundEvent
from billing.fees.transitions import (
    PAYMENT,
    REFUND,
    REQUEST,
    TransitionRefused,
    payment_transition,
    refund_transition,
    request_transition,
)

pytestmark = pytest.mark.django_db

_seq = itertools.count()


def _request(status: str = PaymentRequest.Status.OPEN) -> PaymentRequest:
    n = next(_seq)
    return PaymentRequest.objects.create(subject_type="machine-test", subject_id=n, reference=f"HS-M{n}",
                                         amount_vnd=10_000, description="Lệ phí", token=f"machine-{n}",
                                         status=status)


def _payment(status: str = Payment.Status.PENDING) -> Payment:
    n = next(_seq)
    return Payment.objects.create(request=_request(PaymentRequest.Status.PAID), txn_ref=f"MACHINE{n}",
                                  idempotency_key=f"machine-{n}", amount_vnd=10_000, status=status)


def _refund(status: str = Refund.Status.PENDING) -> Refund:
    return Refund.objects.create(payment=_payment(Payment.Status.SUCCEEDED), amount_vnd=1_000,
                                 reason="Thu thừa phí", created_by="admin-alpha", status=status)


MACHINES = [
    ("payment", PAYMENT, Payment, _payment, payment_transition, PaymentEvent, "payment"),
    ("request", REQUEST, PaymentRequest, _request, request_transition, PaymentRequestEvent, "request"),
    ("refund", REFUND, Refund, _refund, refund_transition, RefundEvent, "refund"),
]


@pytest.mark.parametrize(("name", "machine", "model", "make", "transition", "audit", "fk"), MACHINES,
                         ids=[m[0] for m in MACHINES])
def test_every_transition_in_the_table_moves_and_every_other_is_refused(
        tenant_a, name, machine, model, make, transition, audit, fk):
    statuses = model.Status.values
    assert set(machine.table) == set(statuses)  # the table names every status
    allowed = refused = 0
    with schema_context(tenant_a.schema_name):
        for before, to in itertools.product(statuses, statuses):
            obj = make(before)
            if machine.allows(before, to):
                transition(obj, to, source="staff", actor="admin-alpha", note=f"{before} -> {to}")
                assert model.objects.get(pk=obj.pk).status == to == obj.status
                rows = list(audit.objects.filter(**{fk: obj}).values_list("from_status", "to_status", "source",
                                                                          "actor", "note"))
                assert rows == [(before, to, "staff", "admin-alpha", f"{before} -> {to}")]
                allowed += 1
            else:
                with pytest.raises(TransitionRefused):
                    transition(obj, to, source="staff", actor="admin-alpha")
                assert model.objects.get(pk=obj.pk).status == before == obj.status
                assert not audit.objects.filter(**{fk: obj}).exists()
                refused += 1
    assert allowed == len(machine.pairs()) and allowed + refused == len(statuses) ** 2


@pytest.mark.parametrize(("name", "machine", "model", "make", "transition", "audit", "fk"), MACHINES,
                         ids=[m[0] for m in MACHINES])
def test_a_row_moved_meanwhile_is_refused(tenant_a, name, machine, model, make, transition, audit, fk):
    before, to = machine.pairs()[0]
    with schema_context(tenant_a.schema_name):
        stale = make(before)
        fresh = model.objects.get(pk=stale.pk)
        transition(fresh, to, source="system")
        with pytest.raises(TransitionRefused):
            transition(stale, to, source="system")  # it still believes the row is «before»
        assert audit.objects.filter(**{fk: stale}).count() == 1


def test_fields_move_with_the_status_and_updated_at_is_set(tenant_a):
    with schema_context(tenant_a.schema_name):
        payment = _payment()
        old = Payment.objects.get(pk=payment.pk).updated_at
        now = timezone.now()
        payment_transition(payment, Payment.Status.SUCCEEDED, source="ipn", fields={
            "transaction_no": "14100001", "bank_code": "NCB", "succeeded_at": now, "confirmed_via": "ipn"})
        got = Payment.objects.get(pk=payment.pk)
        assert (got.status, got.transaction_no, got.bank_code, got.succeeded_at, got.confirmed_via) == \
            ("succeeded", "14100001", "NCB", now, "ipn")
        assert got.updated_at > old
        event = PaymentEvent.objects.get(payment=payment)
        assert (event.from_status, event.to_status, event.source) == ("pending", "succeeded", "ipn")
