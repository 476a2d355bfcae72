"""The invoice's state machine walks its table: every transition in it moves the invoice and writes one
audit row; every other, and one from a status the invoice no longer has, is refused and changes nothing."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from billing.leasing import services
from billing.leasing.models import Invoice, InvoiceEvent
from billing.leasing.transitions import INVOICE, TransitionRefused, invoice_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(tenant_a):
    return services.contract_create(tenant_id=tenant_a.pk, number="HD-THUE-MACHINE-01", price_vnd=1_000_000,
                                    start_date=date(2026, 1, 1), end_date=date(2030, 12, 31))


def _invoice(contract, n: int, status: str) -> Invoice:  # noqa: ANN001
    return Invoice.objects.create(contract=contract, tenant=contract.tenant, number=f"HD-MACHINE-{n}",
                                  period_start=date(2026, 1, 1).replace(year=2026 + n // 12, month=n % 12 + 1),
                                  period_end=date(2026, 1, 28), issue_date=date(2026, 1, 1),
                                  due_date=date(2026, 1, 15), subtotal_vnd=1_000_000, vat_percent=10,
                                  vat_vnd=100_000, total_vnd=1_100_000, status=status)


def test_every_transition_in_the_table_moves_and_every_other_is_refused(contract):
    statuses = Invoice.Status.values
    assert set(INVOICE.table) == set(statuses)
    allowed = 0
    for n, (before, to) in enumerate(itertools.product(statuses, statuses)):
        invoice = _invoice(contract, n, before)
        if INVOICE.allows(before, to):
            invoice_transition(invoice, to, source="operator", actor="operator", note="kiểm tra")
            assert Invoice.objects.get(pk=invoice.pk).status == to
            assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list(
                "from_status", "to_status", "actor")) == [(before, to, "operator")]
            allowed += 1
        else:
            with pytest.raises(TransitionRefused):
                invoice_transition(invoice, to, source="operator", actor="operator")
            assert Invoice.objects.get(pk=invoice.pk).status == before
            assert not InvoiceEvent.objects.filter(invoice=invoice).exists()
    assert allowed == len(INVOICE.pairs()) == 2


def test_an_invoice_moved_meanwhile_is_refused(contract):
    stale = _invoice(contract, 40, Invoice.Status.ISSUED)
    invoice_transition(Invoice.objects.get(pk=stale.pk), Invoice.Status.VOID, source="operator")
    with pytest.raises(TransitionRefused):
        invoice_transition(stale, Invoice.Status.PAID, source="operator")
    assert Invoice.objects.get(pk=stale.pk).status == "void"
    assert InvoiceEvent.objects.filter(invoice=stale).count() == 1


def test_paying_an_invoice_in_full_is_its_transition_to_paid(contract):
    invoice, _ = services.invoice_issue(contract=contract, on=date(2026, 9, 3))
    services.payment_record(invoice_id=invoice.pk, amount_vnd=invoice.total_vnd, method="bank_transfer",
                            reference="FT-MACHINE-1", received_on=date(2026, 9, 4), actor="operator")
    got = Invoice.objects.get(pk=invoice.pk)
    assert got.status == "paid" and got.paid_at is not None
    assert list(InvoiceEvent.objects.filter(invoice=invoice).values_list("from_status", "to_status", "actor")) == \
        [("issued", "paid", "operator")]
