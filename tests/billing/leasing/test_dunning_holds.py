"""Dunning suspends by a hold of its own and payment lifts only that hold: an operator's suspension
survives a payment, and a tenant comes back to the status it had (a trial stays a trial)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from billing.leasing import services
from billing.leasing.models import DunningEvent
from control.tenancy.interface import HoldKind, holds_standing, tenant_get
from control.tenancy.lifecycle import tenant_resume, tenant_suspend
from control.tenancy.models import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(tenant_a):
    return services.contract_create(tenant_id=tenant_a.pk, number="HD-THUE-ALPHA-HOLD", price_vnd=10_000_000,
                                    start_date=date(2026, 1, 1), end_date=date(2030, 12, 31))


def _overdue_and_suspended(contract, on: date):  # noqa: ANN001, ANN202
    inv, _ = services.invoice_issue(contract=contract, on=on)
    assert services.dunning_run(today=inv.due_date + timedelta(days=31))["suspended"] == 1
    return inv


def _pay(inv, reference: str) -> None:  # noqa: ANN001
    services.payment_record(invoice_id=inv.pk, amount_vnd=inv.total_vnd, method="bank_transfer", reference=reference,
                            received_on=inv.due_date, actor="operator")


def _kinds(tenant_id: int) -> set[str]:
    return {h.kind for h in holds_standing(tenant_id)}


def test_operator_suspension_survives_payment_after_an_earlier_dunning_suspension(contract, tenant_a):
    # Dunning suspended it once, and payment reopened it: that history must not make payment a key
    # to every later suspension.
    first = _overdue_and_suspended(contract, date(2026, 2, 1))
    _pay(first, "FT-H1")
    assert tenant_get(tenant_a.pk).status == "active"
    # A security incident: the operator suspends it. It then pays another invoice.
    tenant_suspend(tenant_id=tenant_a.pk, by="operator", reason="Sự cố rò rỉ dữ liệu", kind=HoldKind.SECURITY)
    second, _ = services.invoice_issue(contract=contract, on=date(2026, 3, 1))
    _pay(second, "FT-H2")
    assert tenant_get(tenant_a.pk).status == "suspended"
    assert _kinds(tenant_a.pk) == {"security"}
    assert not DunningEvent.objects.filter(invoice=second, kind="reactivated").exists()
    tenant_resume(tenant_id=tenant_a.pk, by="operator", kind=HoldKind.SECURITY)
    assert tenant_get(tenant_a.pk).status == "active"


def test_dunning_and_operator_holds_stand_together_each_lifted_by_its_owner(contract, tenant_a):
    tenant_suspend(tenant_id=tenant_a.pk, by="operator", reason="Yêu cầu của Sở TT&TT")
    inv = _overdue_and_suspended(contract, date(2026, 4, 1))  # placed although already suspended
    assert _kinds(tenant_a.pk) == {"operator", "dunning"}
    _pay(inv, "FT-H3")  # lifts the dunning hold only
    assert _kinds(tenant_a.pk) == {"operator"} and tenant_get(tenant_a.pk).status == "suspended"
    assert not DunningEvent.objects.filter(invoice=inv, kind="reactivated").exists()
    tenant_resume(tenant_id=tenant_a.pk, by="operator")
    assert tenant_get(tenant_a.pk).status == "active" and _kinds(tenant_a.pk) == set()

    # The other order: the operator lifts first, the tenant stays closed until it pays.
    inv = _overdue_and_suspended(contract, date(2026, 5, 1))
    tenant_suspend(tenant_id=tenant_a.pk, by="operator")
    tenant_resume(tenant_id=tenant_a.pk, by="operator")
    assert tenant_get(tenant_a.pk).status == "suspended" and _kinds(tenant_a.pk) == {"dunning"}
    _pay(inv, "FT-H4")
    assert tenant_get(tenant_a.pk).status == "active"
    assert DunningEvent.objects.filter(invoice=inv, kind="reactivated").exists()


def test_trial_tenant_suspended_by_dunning_comes_back_as_trial(contract, tenant_a):
    Tenant.objects.filter(pk=tenant_a.pk).update(status="trial")  # a province still in its trial
    inv = _overdue_and_suspended(contract, date(2026, 6, 1))
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert (tenant.status, tenant.resume_status) == ("suspended", "trial")
    assert services.dunning_run(today=inv.due_date + timedelta(days=32))["suspended"] == 0  # once
    _pay(inv, "FT-H5")
    tenant = Tenant.objects.get(pk=tenant_a.pk)
    assert (tenant.status, tenant.resume_status) == ("trial", "")
    events = list(tenant.events.values_list("from_status", "to_status", "hold"))
    assert events == [("trial", "suspended", "dunning"), ("suspended", "trial", "dunning")]
