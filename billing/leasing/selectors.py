"""Reads of the leasing fees: revenue (MRR/ARR), outstanding and overdue invoices, a tenant's invoices."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet, Sum
from django.utils import timezone

from billing.leasing.models import Invoice, LeaseContract, PlatformLedgerEntry


def revenue() -> dict[str, int]:
    mrr = sum(c.mrr_vnd for c in LeaseContract.objects.filter(is_active=True))
    return {"mrr_vnd": mrr, "arr_vnd": mrr * 12,
            "contracts": LeaseContract.objects.filter(is_active=True).count()}


def outstanding_by_tenant(*, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    rows: dict[int, dict] = {}
    for inv in Invoice.objects.filter(status=Invoice.Status.ISSUED).select_related("tenant").prefetch_related(
            "payments").order_by("due_date"):
        row = rows.setdefault(inv.tenant_id, {"tenant": inv.tenant, "outstanding_vnd": 0, "overdue_vnd": 0,
                                              "invoices": [], "max_days_overdue": 0})
        due = inv.total_vnd - inv.paid_vnd
        row["outstanding_vnd"] += due
        if inv.due_date < today:
            row["overdue_vnd"] += due
            row["max_days_overdue"] = max(row["max_days_overdue"], (today - inv.due_date).days)
        row["invoices"].append(inv)
    return sorted(rows.values(), key=lambda r: (-r["overdue_vnd"], r["tenant"].name))


def recent_invoices(limit: int = 50) -> QuerySet[Invoice]:
    return Invoice.objects.select_related("tenant").order_by("-created_at")[:limit]


def tenant_invoices(*, tenant) -> list[Invoice]:  # noqa: ANN001
    return list(Invoice.objects.filter(tenant_id=tenant.pk).order_by("-period_start"))


def tenant_invoice(*, tenant, invoice_id: int) -> Invoice | None:  # noqa: ANN001
    return Invoice.objects.select_related("tenant", "contract").filter(tenant_id=tenant.pk, pk=invoice_id).first()


def ledger_totals() -> dict[str, int]:
    agg = PlatformLedgerEntry.objects.values("kind").annotate(total=Sum("amount_vnd"))
    return {row["kind"]: row["total"] for row in agg}


def invoices_missing(cutoff, limit: int):  # noqa: ANN001, ANN201
    """Active contracts (made before ``cutoff``) whose current period has no invoice yet: the invoice run did
    not complete for them. For the stuck list (control/health)."""
    from billing.leasing.services import period_for
    from control.health.interface import StuckItem, StuckList

    today = timezone.localdate()
    items = []
    for contract in LeaseContract.objects.filter(is_active=True, created_at__lt=cutoff).select_related("tenant"):
        period = period_for(contract, today)
        if period is None or Invoice.objects.filter(contract=contract, period_start=period[0]).exists():
            continue
        items.append(StuckItem(ref=f"hop-dong:{contract.number}", state="Chưa lập hóa đơn kỳ này",
                               since=contract.created_at,
                               detail=f"{contract.tenant.name} · kỳ {period[0]:%d/%m/%Y}–{period[1]:%d/%m/%Y}"))
    return StuckList(items=items[:limit], total=len(items))
