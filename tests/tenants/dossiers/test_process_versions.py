"""Processes as data: default process created lazily, editing makes a new version, dossiers keep theirs."""

from __future__ import annotations

import pytest

from tenants.dossiers import services as s
from tenants.dossiers.errors import InvalidInput
from tenants.dossiers.processes import process_current, process_version_create
from tests.tenants.dossiers.helpers import receive

pytestmark = pytest.mark.django_db


def test_default_process_then_new_version_leaves_dossiers_in_flight_alone(office):
    v1 = process_current(procedure=office.procedure)
    assert [st.role for st in v1.steps.order_by("position")] == ["receiver", "processor", "approver", "returner"]
    in_flight = receive(office)
    # New version: two approval levels, the second in the "other" unit.
    steps = [
        {"name": "Tiếp nhận", "role": "receiver", "unit_mode": "one_stop"},
        {"name": "Thụ lý", "role": "processor", "unit_mode": "handling", "budget_amount": 8},
        {"name": "Lãnh đạo phòng", "role": "approver", "unit_mode": "handling", "budget_amount": 4},
        {"name": "Lãnh đạo sở khác", "role": "approver", "unit_mode": "fixed", "unit": office.other,
         "budget_amount": 4},
        {"name": "Trả kết quả", "role": "returner", "unit_mode": "one_stop", "budget_amount": 2},
    ]
    v2 = process_version_create(procedure=office.procedure, steps=steps, actor=office.admin)
    assert v2.number == 2 and process_current(procedure=office.procedure) == v2
    v1.refresh_from_db()
    assert not v1.is_current
    new = receive(office)
    assert new.process_version == v2 and in_flight.process_version == v1
    # The old dossier still follows v1: after hand-over and approval it goes straight to return.
    s.dossier_hand_over(dossier_id=in_flight.pk, actor=office.processor)
    old = s.dossier_approve(dossier_id=in_flight.pk, actor=office.approver)
    assert old.current_role == "returner"
    s.dossier_hand_over(dossier_id=new.pk, actor=office.processor)
    mid = s.dossier_approve(dossier_id=new.pk, actor=office.approver)
    assert (mid.current_role, mid.current_unit_id) == ("approver", office.other.pk)


def test_invalid_process_is_refused(office):
    with pytest.raises(InvalidInput, match="tiếp nhận"):
        process_version_create(procedure=office.procedure, steps=[{"role": "processor"}, {"role": "approver"}])
    with pytest.raises(InvalidInput, match="đơn vị"):
        process_version_create(procedure=office.procedure, steps=[{"role": "receiver"},
                                                                  {"role": "approver", "unit_mode": "fixed"}])
