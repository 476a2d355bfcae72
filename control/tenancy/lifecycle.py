"""The tenant's lifecycle: one state machine for ``Tenant.status``, and suspension as a set of holds.

``TRANSITIONS`` is the whole table and ``transition()`` the only writer of the status: it locks the
row, refuses anything not in the table, updates it conditionally and writes a ``TenantEvent``.

A tenant is suspended while any hold stands (dunning, operator, security, offboarding). Each hold is
lifted only by what placed it: a caller names its own kind, and lifting a kind touches no other
(paying an invoice lifts the dunning hold, never an operator's). The first hold remembers the status
the tenant had (``resume_status``); lifting the last one brings it back to exactly that (a trial stays
a trial).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from control.tenancy.models import Hold, Tenant, TenantEvent
from control.tenancy.routing_cache import routing_changed

S = Tenant.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.TRIAL: frozenset({S.ACTIVE, S.SUSPENDED}),
    S.ACTIVE: frozenset({S.SUSPENDED}),
    S.SUSPENDED: frozenset({S.TRIAL, S.ACTIVE, S.OFFBOARDED}),
    S.OFFBOARDED: frozenset(),
}
# The holds an operator places and lifts from the console; dunning and offboarding have their own code.
OPERATOR_HOLDS = frozenset({Hold.Kind.OPERATOR, Hold.Kind.SECURITY})


class TenantLifecycleError(ValidationError):
    pass


def _label(status: str) -> str:
    return S(status).label if status in S.values else status


def _standing(tenant_id: int):  # noqa: ANN202
    return Hold.objects.filter(tenant_id=tenant_id, lifted_at__isnull=True)


def transition(*, tenant_id: int, to: str, by: str, reason: str = "", hold: str = "") -> Tenant:
    """Move the tenant to ``to`` if the table allows it (and the holds agree); refuse anything else.

    Into ``suspended`` only while a hold stands (the status left is kept in ``resume_status``); out of it
    only once none stands, and only back to ``resume_status`` (or to ``offboarded`` under an offboarding
    hold)."""
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        current = tenant.status
        if to not in TRANSITIONS.get(current, frozenset()):
            raise TenantLifecycleError(
                f"Không thể chuyển đơn vị “{tenant.name}” từ “{_label(current)}” sang “{_label(to)}”.",
                code="transition")
        fields: dict[str, str] = {"status": to}
        if to == S.SUSPENDED:
            if not _standing(tenant_id).exists():
                raise TenantLifecycleError("Chỉ tạm ngừng đơn vị khi có lệnh tạm ngừng.", code="no_hold")
            fields["resume_status"] = current
        elif current == S.SUSPENDED:
            if to == S.OFFBOARDED:
                if not _standing(tenant_id).filter(kind=Hold.Kind.OFFBOARDING).exists():
                    raise TenantLifecycleError("Chỉ chấm dứt đơn vị khi có lệnh chấm dứt thuê dịch vụ.",
                                               code="no_offboarding_hold")
            else:
                kinds = [Hold.Kind(k).label for k in _standing(tenant_id).values_list("kind", flat=True)]
                if kinds:
                    raise TenantLifecycleError(
                        f"Đơn vị còn lệnh tạm ngừng: {', '.join(kinds)}.", code="held")
                if to != tenant.resume_status:
                    raise TenantLifecycleError(
                        f"Đơn vị chỉ trở lại trạng thái trước khi tạm ngừng "
                        f"(“{_label(tenant.resume_status)}”).", code="resume_status")
            fields["resume_status"] = ""
        updated = Tenant.objects.filter(pk=tenant_id, status=current).update(**fields)
        if updated != 1:  # cannot happen under the row lock; refuse rather than guess
            raise TenantLifecycleError("Trạng thái đơn vị vừa thay đổi; hãy thử lại.", code="race")
        TenantEvent.objects.create(tenant_id=tenant_id, from_status=current, to_status=to, hold=hold,
                                   actor=by[:150], reason=reason)
        routing_changed()  # the status is part of what routing serves
    tenant.refresh_from_db()
    return tenant


def hold_place(*, tenant_id: int, kind: str, reason: str, by: str) -> tuple[Hold, bool]:
    """Place a hold of ``kind`` (one standing per kind); the tenant is suspended if it was open.

    Returns the standing hold and whether it was placed now (False: one of that kind already stood)."""
    if kind not in Hold.Kind.values:
        raise TenantLifecycleError(f"Loại lệnh tạm ngừng không hợp lệ: {kind}", code="kind")
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        if tenant.status == S.OFFBOARDED:
            raise TenantLifecycleError(f"Đơn vị “{tenant.name}” đã chấm dứt thuê dịch vụ.", code="offboarded")
        existing = _standing(tenant_id).filter(kind=kind).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                hold = Hold.objects.create(tenant_id=tenant_id, kind=kind, reason=reason.strip(), placed_by=by[:150])
        except IntegrityError:  # not under our lock: someone bypassed it; the standing one wins
            return _standing(tenant_id).get(kind=kind), False
        if tenant.status in (S.TRIAL, S.ACTIVE):
            transition(tenant_id=tenant_id, to=S.SUSPENDED, by=by, reason=reason, hold=kind)
    return hold, True


def hold_lift(*, tenant_id: int, kind: str, by: str, reason: str = "") -> Hold | None:
    """Lift the standing hold of ``kind`` (and no other); the last one lifted brings the tenant back to
    the status it had before the first. Returns the hold lifted, or None when none of that kind stood."""
    if kind not in Hold.Kind.values:
        raise TenantLifecycleError(f"Loại lệnh tạm ngừng không hợp lệ: {kind}", code="kind")
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
        hold = _standing(tenant_id).filter(kind=kind).first()
        if hold is None:
            return None
        Hold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(lifted_at=timezone.now(), lifted_by=by[:150])
        if tenant.status == S.SUSPENDED and not _standing(tenant_id).exists():
            transition(tenant_id=tenant_id, to=tenant.resume_status, by=by,
                       reason=reason or "Đã gỡ lệnh tạm ngừng cuối cùng", hold=kind)
    hold.refresh_from_db()
    return hold


def tenant_suspend(*, tenant_id: int, by: str, reason: str = "", kind: str = Hold.Kind.OPERATOR) -> Tenant:
    """An operator suspends a tenant (a hold of its own: operator decision or security incident)."""
    if kind not in OPERATOR_HOLDS:
        raise TenantLifecycleError("Vận hành chỉ đặt lệnh tạm ngừng loại vận hành hoặc an ninh.", code="kind")
    with transaction.atomic():
        hold, placed = hold_place(tenant_id=tenant_id, kind=kind, reason=reason, by=by)
        if not placed:
            raise TenantLifecycleError(f"Đơn vị đã có lệnh tạm ngừng “{hold.get_kind_display()}”.", code="held")
        return Tenant.objects.get(pk=tenant_id)


def tenant_resume(*, tenant_id: int, by: str, kind: str = Hold.Kind.OPERATOR) -> Tenant:
    """An operator lifts its own hold; the tenant opens again only if no other hold stands."""
    if kind not in OPERATOR_HOLDS:
        raise TenantLifecycleError("Vận hành chỉ gỡ lệnh tạm ngừng loại vận hành hoặc an ninh.", code="kind")
    with transaction.atomic():
        if hold_lift(tenant_id=tenant_id, kind=kind, by=by) is None:
            raise TenantLifecycleError(f"Đơn vị không có lệnh tạm ngừng “{Hold.Kind(kind).label}”.",
                                       code="no_hold")
        return Tenant.objects.get(pk=tenant_id)


def tenant_offboard(*, tenant_id: int, by: str, reason: str) -> Tenant:
    """End the lease: an offboarding hold (the tenant closes at once), then ``offboarded`` for good."""
    with transaction.atomic():
        hold_place(tenant_id=tenant_id, kind=Hold.Kind.OFFBOARDING, reason=reason, by=by)
        return transition(tenant_id=tenant_id, to=S.OFFBOARDED, by=by, reason=reason, hold=Hold.Kind.OFFBOARDING)


def standing_holds(*, tenant_id: int) -> list[Hold]:
    return list(_standing(tenant_id).order_by("placed_at", "id"))
