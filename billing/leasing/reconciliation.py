"""Reconciliation report: what the gateways told us (raw exchanges) against the ledgers.

Per tenant: every transaction a gateway reported as paid (IPN or querydr, 00/00) must have exactly
one ``fee_paid`` ledger entry of the same amount, and every ledger entry a gateway record. Refunds:
the ledger's refunded amount per payment equals the accepted refunds. Platform: every paid invoice's
``invoice_paid`` entries add up to its total.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.leasing.models import Invoice, PlatformLedgerEntry
from control.tenancy import interface as tenancy


def _gateway_paid(since: datetime) -> dict[str, int]:
    """What the gateways reported as paid, read from the raw exchanges by each gateway's own adapter."""
    from billing.fees.gateway import protocol
    from billing.fees.models import GatewayExchange, Provider

    paid: dict[str, int] = {}
    readers = {code: protocol(code) for code in Provider.values}
    kinds = sorted({kind for reader in readers.values() for kind in reader.report_kinds})
    for ex in GatewayExchange.objects.filter(at__gte=since, kind__in=kinds).only(
            "provider", "kind", "request", "response"):
        reader = readers.get(ex.provider)
        if reader is None or ex.kind not in reader.report_kinds:
            continue
        reported = reader.reported_payment(kind=ex.kind, request=ex.request, response=ex.response)
        if reported is not None:
            paid[reported.reference] = reported.amount_vnd
    return paid


def tenant_fee_mismatches(*, days: int = 90) -> list[dict]:
    from billing.fees.models import LedgerEntry, Refund

    since = timezone.now() - timedelta(days=days)
    gateway = _gateway_paid(since)
    ledger: dict[str, list[int]] = defaultdict(list)
    for ref, amount in LedgerEntry.objects.filter(kind="fee_paid", at__gte=since).values_list(
            "payment__txn_ref", "amount_vnd"):
        ledger[ref].append(amount)
    out = []
    for ref, amount in sorted(gateway.items()):
        got = ledger.get(ref, [])
        if not got:
            out.append({"txn_ref": ref, "problem": "Cổng báo đã thu, sổ cái chưa ghi", "gateway_vnd": amount,
                        "ledger_vnd": 0})
        elif got != [amount]:
            out.append({"txn_ref": ref, "problem": "Số tiền hoặc số lần ghi sổ không khớp", "gateway_vnd": amount,
                        "ledger_vnd": sum(got)})
    for ref, got in sorted(ledger.items()):
        if ref not in gateway:
            out.append({"txn_ref": ref, "problem": "Sổ cái ghi thu, không có xác nhận của cổng",
                        "gateway_vnd": 0, "ledger_vnd": sum(got)})
    refunded = dict(LedgerEntry.objects.filter(kind="fee_refunded").values("payment__txn_ref")
                    .annotate(s=Sum("amount_vnd")).values_list("payment__txn_ref", "s"))
    accepted = dict(Refund.objects.exclude(status="failed").values("payment__txn_ref")
                    .annotate(s=Sum("amount_vnd")).values_list("payment__txn_ref", "s"))
    for ref in sorted(set(refunded) | set(accepted)):
        if -(refunded.get(ref) or 0) != (accepted.get(ref) or 0):
            out.append({"txn_ref": ref, "problem": "Hoàn tiền: sổ cái khác yêu cầu hoàn đã được cổng nhận",
                        "gateway_vnd": accepted.get(ref) or 0, "ledger_vnd": -(refunded.get(ref) or 0)})
    return out


def reconciliation_report(*, days: int = 90) -> dict:
    tenants = []
    for tenant in tenancy.tenants_all():
        with schema_context(tenant.schema_name):
            try:
                mismatches = tenant_fee_mismatches(days=days)
            except Exception as exc:  # a schema not migrated yet: say so, go on
                mismatches = [{"txn_ref": "", "problem": f"Không đọc được dữ liệu: {type(exc).__name__}",
                               "gateway_vnd": 0, "ledger_vnd": 0}]
        tenants.append({"tenant": tenant, "mismatches": mismatches})
    invoices = []
    paid_sums = dict(PlatformLedgerEntry.objects.filter(kind="invoice_paid").values("invoice_id")
                     .annotate(s=Sum("amount_vnd")).values_list("invoice_id", "s"))
    for inv in Invoice.objects.select_related("tenant"):
        got = paid_sums.get(inv.pk, 0) or 0
        if (inv.status == Invoice.Status.PAID and got != inv.total_vnd) or (
                inv.status == Invoice.Status.ISSUED and got >= inv.total_vnd):
            invoices.append({"invoice": inv, "ledger_vnd": got})
    total = sum(len(t["mismatches"]) for t in tenants) + len(invoices)
    return {"tenants": tenants, "invoices": invoices, "mismatch_count": total, "days": days}
