"""What an operator does to a tenant from the console: the tenancy hold plus the operator log, together."""

from __future__ import annotations

from django.db import transaction

from control.console.models import record
from control.tenancy import lifecycle
from control.tenancy.models import Hold, Tenant


@transaction.atomic
def tenant_suspend(*, tenant_id: int, actor: str, reason: str = "", kind: str = Hold.Kind.OPERATOR) -> Tenant:
    """Place the operator's hold (operator decision or security incident); audited in the console log."""
    reason = (reason or "").strip()
    tenant = lifecycle.tenant_suspend(tenant_id=tenant_id, by=actor, reason=reason, kind=kind)
    record(actor=actor, action="suspend", target=tenant.name, tenant_id=tenant.pk,
           detail=f"{Hold.Kind(kind).label}; {reason}".strip("; "))
    return tenant


@transaction.atomic
def tenant_resume(*, tenant_id: int, actor: str, kind: str = Hold.Kind.OPERATOR) -> Tenant:
    """Lift the operator's own hold; the tenant stays suspended while another hold (e.g. dunning) stands."""
    tenant = lifecycle.tenant_resume(tenant_id=tenant_id, by=actor, kind=kind)
    record(actor=actor, action="resume", target=tenant.name, tenant_id=tenant.pk,
           detail=f"{Hold.Kind(kind).label}; trạng thái: {tenant.get_status_display()}")
    return tenant
