"""The tenant's state machine (its whole table walked) and suspension as a set of holds."""

from __future__ import annotations

import pytest

from control.tenancy.lifecycle import (
    TRANSITIONS,
    TenantLifecycleError,
    hold_lift,
    hold_place,
    tenant_offboard,
    tenant_resume,
    tenant_suspend,
    transition,
)
from control.tenancy.models import Hold, Tenant, TenantEvent

pytestmark = pytest.mark.django_db
STATUSES = list(Tenant.Status.values)


def _put(tenant: Tenant, status: str) -> None:
    """Test setup only: put the row in ``status`` (consistent with the constraint on resume_status)."""
    Tenant.objects.filter(pk=tenant.pk).update(status=status,
                                               resume_status="active" if status == "suspended" else "")


def _status(tenant: Tenant) -> str:
    return Tenant.objects.values_list("status", flat=True).get(pk=tenant.pk)


def test_every_transition_not_in_the_table_is_refused(tenant_a):
    refused = 0
    for current in STATUSES:
        for to in STATUSES:
            if to in TRANSITIONS[current]:
                continue
            _put(tenant_a, current)
            with pytest.raises(TenantLifecycleError) as err:
                transition(tenant_id=tenant_a.pk, to=to, by="test")
            assert err.value.code == "transition"
            assert "Không thể chuyển đơn vị" in err.value.messages[0]
            assert _status(tenant_a) == current
            refused += 1
    assert refused == len(STATUSES) ** 2 - sum(len(v) for v in TRANSITIONS.values())
    assert not TenantEvent.objects.filter(tenant=tenant_a).exists()  # nothing refused left a trace


def test_every_transition_in_the_table_is_taken_under_its_guard(tenant_a):
    for current, targets in TRANSITIONS.items():
        for to in targets:
            _put(tenant_a, "trial" if current == "trial" else "active")
            Hold.objects.filter(tenant=tenant_a).delete()
            if current == "suspended":
                kind = "offboarding" if to == "offboarded" else "operator"
                if to == "trial":
                    _put(tenant_a, "trial")
                hold_place(tenant_id=tenant_a.pk, kind=kind, reason="", by="test")
                assert _status(tenant_a) == "suspended"
                if to != "offboarded":
                    hold_lift(tenant_id=tenant_a.pk, kind=kind, by="test")  # the last hold: back as it was
                else:
                    transition(tenant_id=tenant_a.pk, to=to, by="test")
            elif to == "suspended":
                with pytest.raises(TenantLifecycleError) as err:  # no hold: no suspension
                    transition(tenant_id=tenant_a.pk, to=to, by="test")
                assert err.value.code == "no_hold"
                hold_place(tenant_id=tenant_a.pk, kind="security", reason="", by="test")
            else:
                transition(tenant_id=tenant_a.pk, to=to, by="test")
            assert _status(tenant_a) == to, (current, to)
            last = TenantEvent.objects.filter(tenant=tenant_a).order_by("-id").first()
            assert (last.from_status, last.to_status) == (current, to)


def test_out_of_suspension_only_without_holds_and_only_to_where_it_was(tenant_a):
    _put(tenant_a, "trial")
    hold_place(tenant_id=tenant_a.pk, kind="operator", reason="", by="op")
    with pytest.raises(TenantLifecycleError) as err:
        transition(tenant_id=tenant_a.pk, to="trial", by="op")
    assert err.value.code == "held" and "Vận hành quyết định" in err.value.messages[0]
    Hold.objects.filter(tenant=tenant_a).update(lifted_at="2026-01-01T00:00:00Z")  # as if lifted, by a bypass
    with pytest.raises(TenantLifecycleError) as err:
        transition(tenant_id=tenant_a.pk, to="active", by="op")  # it was a trial
    assert err.value.code == "resume_status"
    with pytest.raises(TenantLifecycleError):
        transition(tenant_id=tenant_a.pk, to="offboarded", by="op")  # no offboarding hold
    assert transition(tenant_id=tenant_a.pk, to="trial", by="op").status == "trial"


def test_a_hold_is_lifted_only_by_its_own_kind_and_placed_once(tenant_a):
    first, placed = hold_place(tenant_id=tenant_a.pk, kind="operator", reason="Kiểm tra", by="op")
    again, placed_again = hold_place(tenant_id=tenant_a.pk, kind="operator", reason="Lần hai", by="op")
    assert placed and not placed_again and again.pk == first.pk
    assert hold_lift(tenant_id=tenant_a.pk, kind="dunning", by="payment") is None
    assert _status(tenant_a) == "suspended"
    with pytest.raises(TenantLifecycleError):
        tenant_resume(tenant_id=tenant_a.pk, by="op", kind="security")  # none of that kind
    with pytest.raises(TenantLifecycleError):
        tenant_suspend(tenant_id=tenant_a.pk, by="op")  # the operator's is already there
    with pytest.raises(TenantLifecycleError):
        tenant_suspend(tenant_id=tenant_a.pk, by="op", kind="dunning")  # not the operator's to place
    with pytest.raises(TenantLifecycleError):
        tenant_resume(tenant_id=tenant_a.pk, by="op", kind="dunning")  # nor to lift
    lifted = hold_lift(tenant_id=tenant_a.pk, kind="operator", by="op")
    assert lifted.lifted_by == "op" and lifted.lifted_at is not None
    assert _status(tenant_a) == "active"
    assert hold_lift(tenant_id=tenant_a.pk, kind="operator", by="op") is None  # lifted once


def test_offboarded_is_final(tenant_a):
    tenant = tenant_offboard(tenant_id=tenant_a.pk, by="op", reason="Hết hợp đồng")
    assert (tenant.status, tenant.resume_status) == ("offboarded", "")
    with pytest.raises(TenantLifecycleError) as err:
        hold_place(tenant_id=tenant_a.pk, kind="dunning", reason="", by="dunning")
    assert err.value.code == "offboarded"
    for to in STATUSES:
        with pytest.raises(TenantLifecycleError):
            transition(tenant_id=tenant_a.pk, to=to, by="op")


def test_the_admin_shows_the_status_and_holds_but_does_not_edit_them(platform_client, tenant_a):
    from core.accounts.models import User

    hold_place(tenant_id=tenant_a.pk, kind="security", reason="Kiểm tra an ninh", by="op")
    platform_client.force_login(User.objects.get(username="operator"))  # the second factor is tested elsewhere
    page = platform_client.get(f"/admin/tenancy/tenant/{tenant_a.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="status"' not in text and 'name="resume_status"' not in text  # only transition() moves it
    assert "Kiểm tra an ninh" in text and 'name="holds-0-kind"' not in text
