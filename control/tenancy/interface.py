"""What apps outside the control plane may know and do about tenants: small typed functions returning
plain frozen dataclasses (never a model). Billing reads tenants and places or lifts its own holds here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from control.tenancy import lifecycle
from control.tenancy.models import Hold, Tenant

HoldKind = Hold.Kind
TenantStatus = Tenant.Status
TenantLifecycleError = lifecycle.TenantLifecycleError


@dataclass(frozen=True)
class TenantSummary:
    id: int
    name: str
    slug: str
    schema_name: str
    kind: str
    admin_code: str
    status: str
    status_label: str
    is_open: bool
    contact_email: str


@dataclass(frozen=True)
class HoldSummary:
    id: int
    tenant_id: int
    kind: str
    kind_label: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str
    lifted_at: datetime | None

    @property
    def standing(self) -> bool:
        return self.lifted_at is None


@dataclass(frozen=True)
class HoldChange:
    """What a hold_place / hold_lift did: ``changed`` False when nothing was to do (already placed,
    or none of that kind standing); ``tenant`` as it is afterwards."""

    hold: HoldSummary | None
    changed: bool
    tenant: TenantSummary


def _tenant(t: Tenant) -> TenantSummary:
    return TenantSummary(id=t.pk, name=t.name, slug=t.slug, schema_name=t.schema_name, kind=t.kind,
                         admin_code=t.admin_code, status=t.status, status_label=t.get_status_display(),
                         is_open=t.is_open, contact_email=t.contact_email)


def _hold(h: Hold) -> HoldSummary:
    return HoldSummary(id=h.pk, tenant_id=h.tenant_id, kind=h.kind, kind_label=h.get_kind_display(),
                       reason=h.reason, placed_by=h.placed_by, placed_at=h.placed_at, lifted_by=h.lifted_by,
                       lifted_at=h.lifted_at)


def tenant_get(tenant_id: int) -> TenantSummary | None:
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    return _tenant(tenant) if tenant else None


def tenant_by_schema(schema_name: str) -> TenantSummary | None:
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    return _tenant(tenant) if tenant else None


def tenants_all() -> list[TenantSummary]:
    """Every tenant (not the public schema), by name."""
    return [_tenant(t) for t in Tenant.objects.exclude(schema_name="public").order_by("name")]


def holds_standing(tenant_id: int) -> list[HoldSummary]:
    return [_hold(h) for h in lifecycle.standing_holds(tenant_id=tenant_id)]


def hold_place(*, tenant_id: int, kind: str, reason: str, by: str) -> HoldChange:
    """Place the caller's own hold (the tenant closes if it was open). Raises TenantLifecycleError for an
    offboarded tenant or an unknown kind."""
    hold, placed = lifecycle.hold_place(tenant_id=tenant_id, kind=kind, reason=reason, by=by)
    return HoldChange(hold=_hold(hold), changed=placed, tenant=tenant_get(tenant_id))


def hold_lift(*, tenant_id: int, kind: str, by: str, reason: str = "") -> HoldChange:
    """Lift the caller's own hold, never another's; the tenant reopens (as it was) once none stands."""
    hold = lifecycle.hold_lift(tenant_id=tenant_id, kind=kind, by=by, reason=reason)
    return HoldChange(hold=_hold(hold) if hold else None, changed=hold is not None, tenant=tenant_get(tenant_id))
