"""Leasing fees: contracts, the invoice run (idempotent), VietQR, dunning, reactivation, pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from billing.leasing import services
from billing.leasing.models import DunningEvent, Invoice, PlatformLedgerEntry
from billing.leasing.vietqr import crc16_ccitt_false, vietqr_payload
from control.tenancy.models import Tenant
from tests.support import sign_in

pytestmark = pytest.mark.django_db


def test_crc16_ccitt_false_check_value():
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def _tlv(s: str) -> dict[str, str]:
    out, i = {}, 0
    while i < len(s):
        tag, n = s[i:i + 2], int(s[i + 2:i + 4])
        out[tag] = s[i + 4:i + 4 + n]
        i += 4 + n
    return out


def test_vietqr_payload_structure_and_crc():
    payload = vietqr_payload(bank_bin="970436", account="0011004455667", amount_vnd=1_306_800,
                             bill_number="HD2026-000001", purpose="TT HĐ 2026-000001")
    fields = _tlv(payload)
    assert fields["00"] == "01" and fields["01"] == "12" and fields["53"] == "704" and fields["58"] == "VN"
    assert fields["54"] == "1306800"
    merchant = _tlv(fields["38"])
    assert merchant["00"] == "A000000727" and merchant["02"] == "QRIBFTTA"
    assert _tlv(merchant["01"]) == {"00": "970436", "01": "0011004455667"}
    assert _tlv(fields["62"]) == {"01": "HD2026-000001", "08": "TT HD 2026-000001"}
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) == crc16_ccitt_false(payload[:-4].encode())
    static = vietqr_payload(bank_bin="970436", account="123")
    assert _tlv(static)["01"] == "11" and "54" not in _tlv(static)
    with pytest.raises(ValueError):
        vietqr_payload(bank_bin="97", account="1")


@pytest.fixture
def contract(tenant_a):
    return services.contract_create(tenant_id=tenant_a.pk, number="HD-THUE-ALPHA-01", price_vnd=108_900_000,
                                    start_date=date(2026, 1, 1), end_date=date(2030, 12, 31))


def test_invoice_run_twice_for_a_period_makes_no_duplicate(contract, tenant_a):
    on = date(2026, 3, 10)
    first = services.invoice_run(on=on)
    second = services.invoice_run(on=on)
    assert first["created"] >= 1 and second["created"] == 0
    invoices = list(Invoice.objects.filter(contract=contract))
    assert len(invoices) == 1
    inv = invoices[0]
    assert (inv.period_start, inv.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (inv.subtotal_vnd, inv.vat_vnd, inv.total_vnd) == (108_900_000, 10_890_000, 119_790_000)
    assert inv.number.startswith("HD2026-")
    assert set(inv.usage) >= {"dossiers", "staff_accounts", "storage_bytes"} and inv.usage["staff_accounts"] >= 1
    assert PlatformLedgerEntry.objects.filter(invoice=inv, kind="invoice_issued").count() == 1
    # The database refuses a duplicate even if a run bypassed the check.
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(contract=contract, tenant=tenant_a, number="X-1", period_start=inv.period_start,
                               period_end=inv.period_end, issue_date=on, due_date=on, subtotal_vnd=1,
                               vat_percent=10, vat_vnd=0, total_vnd=1)
    services.invoice_run(on=date(2026, 4, 2))
    assert Invoice.objects.filter(contract=contract).count() == 2


def test_vat_configurable_and_yearly_cycle(tenant_b):
    c = services.contract_create(tenant_id=tenant_b.pk, number="HD-THUE-BETA-01", price_vnd=1_188_000_000,
                                 cycle="year", vat_percent=Decimal("8"), start_date=date(2026, 7, 1),
                                 end_date=date(2031, 6, 30))
    inv, made = services.invoice_issue(contract=c, on=date(2027, 2, 1))
    assert made and (inv.period_start, inv.period_end) == (date(2026, 7, 1), date(2027, 6, 30))
    assert (inv.vat_vnd, inv.total_vnd) == (95_040_000, 1_283_040_000)
    assert c.mrr_vnd == 99_000_000
    assert services.vat_of(333, Decimal("10")) == 33 and services.vat_of(335, Decimal("10")) == 34


def test_dunning_reminders_suspension_hold_and_reactivation_on_payment(contract, tenant_a):
    inv, _ = services.invoice_issue(contract=contract, on=date(2026, 5, 5))
    due = inv.due_date
    assert services.dunning_run(today=due + timedelta(days=6)) == {"reminders": 0, "suspended": 0, "held": 0}
    assert services.dunning_run(today=due + timedelta(days=7))["reminders"] == 1
    assert services.dunning_run(today=due + timedelta(days=8))["reminders"] == 0  # once
    assert services.dunning_run(today=due + timedelta(days=14))["reminders"] == 1
    # Held by an operator: not suspended.
    services.contract_set_hold(contract_id=contract.pk, hold=True)
    assert services.dunning_run(today=due + timedelta(days=31))["suspended"] == 0
    assert Tenant.objects.get(pk=tenant_a.pk).status == "active"
    services.contract_set_hold(contract_id=contract.pk, hold=False)
    assert services.dunning_run(today=due + timedelta(days=31))["suspended"] == 1
    assert Tenant.objects.get(pk=tenant_a.pk).status == "suspended"
    kinds = list(DunningEvent.objects.filter(invoice=inv).values_list("kind", flat=True))
    assert kinds == ["reminder_1", "reminder_2", "held", "suspended"]
    # Partial payment: still suspended. Full: reactivated automatically, ledger has both.
    services.payment_record(invoice_id=inv.pk, amount_vnd=100_000_000, method="bank_transfer", reference="FT001",
                            received_on=due, actor="operator")
    assert Tenant.objects.get(pk=tenant_a.pk).status == "suspended"
    with pytest.raises(services.LeasingError):
        services.payment_record(invoice_id=inv.pk, amount_vnd=1, method="bank_transfer", reference="FT001",
                                received_on=due, actor="operator")
    with pytest.raises(services.LeasingError):
        services.payment_record(invoice_id=inv.pk, amount_vnd=10**12, method="bank_transfer", reference="FT009",
                                received_on=due, actor="operator")
    services.payment_record(invoice_id=inv.pk, amount_vnd=inv.total_vnd - 100_000_000, method="vnpay",
                            reference="VNP14100001", received_on=due, actor="operator")
    assert Invoice.objects.get(pk=inv.pk).status == "paid"
    assert Tenant.objects.get(pk=tenant_a.pk).status == "active"
    assert DunningEvent.objects.filter(invoice=inv, kind="reactivated").exists()
    paid = PlatformLedgerEntry.objects.filter(invoice=inv, kind="invoice_paid").values_list("amount_vnd", flat=True)
    assert sum(paid) == inv.total_vnd


def test_manual_suspension_not_lifted_by_payment(contract, tenant_a):
    from control.tenancy.lifecycle import tenant_suspend

    inv, _ = services.invoice_issue(contract=contract, on=date(2026, 6, 1))
    tenant_suspend(tenant_id=tenant_a.pk, by="operator")  # an operator's own decision
    services.payment_record(invoice_id=inv.pk, amount_vnd=inv.total_vnd, method="bank_transfer", reference="FT77",
                            received_on=date(2026, 6, 2), actor="operator")
    assert Tenant.objects.get(pk=tenant_a.pk).status == "suspended"


def _operator(platform_client):
    sign_in(platform_client, "operator")
    return platform_client


def test_operator_console_revenue_run_and_record_payment(platform_client, contract, tenant_a):
    assert platform_client.get("/console/billing/").status_code == 302  # anonymous: to login
    client = _operator(platform_client)
    page = client.get("/console/billing/")
    assert page.status_code == 200 and page.context["revenue"]["mrr_vnd"] >= 108_900_000
    assert page.context["revenue"]["arr_vnd"] == page.context["revenue"]["mrr_vnd"] * 12
    client.post("/console/billing/lap-hoa-don/")
    client.post("/console/billing/lap-hoa-don/")
    invoices = Invoice.objects.filter(contract=contract)
    assert invoices.count() == 1
    inv = invoices.get()
    page = client.get("/console/billing/")
    row = next(r for r in page.context["outstanding"] if r["tenant"].pk == tenant_a.pk)
    assert row["outstanding_vnd"] == inv.total_vnd
    pdf = client.get(f"/console/billing/hoa-don/{inv.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(f"/console/billing/hoa-don/{inv.pk}/thanh-toan/", {"reference": "FT-CK-123", "amount_vnd": "",
                                                                   "method": "bank_transfer"})
    assert Invoice.objects.get(pk=inv.pk).status == "paid"
    report = client.get("/console/billing/doi-soat/")
    assert report.status_code == 200 and report.context["report"]["invoices"] == []


def test_tenant_admin_sees_only_its_own_invoices(client_a, client_b, contract, tenant_a, tenant_b):
    from core.accounts.models import User

    inv_a, _ = services.invoice_issue(contract=contract, on=date(2026, 8, 1))
    c_b = services.contract_create(tenant_id=tenant_b.pk, number="HD-THUE-BETA-02", price_vnd=50_000_000,
                                   start_date=date(2026, 1, 1), end_date=date(2027, 12, 31))
    inv_b, _ = services.invoice_issue(contract=c_b, on=date(2026, 8, 1))
    with schema_context(tenant_a.schema_name):
        client_a.force_login(User.objects.get(username="admin-alpha"))
    page = client_a.get("/staff/billing/invoices/")
    assert page.status_code == 200
    text = page.content.decode()
    assert inv_a.number in text and inv_b.number not in text
    assert client_a.get(f"/staff/billing/invoices/{inv_a.pk}.pdf").status_code == 200
    assert client_a.get(f"/staff/billing/invoices/{inv_b.pk}.pdf").status_code == 404
    with schema_context(tenant_b.schema_name):
        client_b.force_login(User.objects.get(username="admin-beta"))
    assert client_b.get(f"/staff/billing/invoices/{inv_a.pk}.pdf").status_code == 404



def test_reminders_are_e_mailed_to_the_province_once(contract, tenant_a, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    # The e-mail the province signed up with: provisioning keeps it on the tenant (onboarding's
    # step_register), which is where leasing reads it (through control.tenancy.interface).
    Tenant.objects.filter(pk=tenant_a.pk).update(contact_email="vanthu@alpha.gov.vn")
    inv, _ = services.invoice_issue(contract=contract, on=date(2026, 5, 5))
    with django_capture_on_commit_callbacks(execute=True):
        services.dunning_run(today=inv.due_date + timedelta(days=7))
        services.dunning_run(today=inv.due_date + timedelta(days=8))  # nothing new: nothing sent
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["vanthu@alpha.gov.vn"]
    assert inv.number in mail.subject and "quá hạn 7 ngày" in mail.subject
    assert f"{inv.total_vnd:,} đồng" in mail.body
