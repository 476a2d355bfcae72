"""Permission matrix: every action tried by every role, by staff of another unit (and, over HTTP, of another tenant)."""

from __future__ import annotations

import pytest

from tenants.dossiers import services as s
from tenants.dossiers.errors import NotAllowed
from tenants.dossiers.models import Dossier
from tests.tenants.dossiers.helpers import APPLICANT, pdf_upload, receive

pytestmark = pytest.mark.django_db

USERS = ("receiver", "processor", "approver", "returner", "admin", "outsider")


def _at(o, state: str) -> Dossier:
    if state == "submitted":
        return s.dossier_submit(procedure=o.procedure, receiving_unit=o.one_stop, applicant=APPLICANT)
    d = receive(o)
    if state == "processor":
        return d
    if state == "supplement":
        return s.dossier_request_supplement(dossier_id=d.pk, actor=o.processor, note="Bổ sung tờ khai")
    if state == "paused":
        return s.dossier_pause(dossier_id=d.pk, actor=o.processor, note="Chờ xác minh")
    d = s.dossier_hand_over(dossier_id=d.pk, actor=o.processor)
    if state == "approver":
        return d
    d = s.dossier_approve(dossier_id=d.pk, actor=o.approver)
    if state == "returner":
        return d
    return s.dossier_issue_result(dossier_id=d.pk, actor=o.returner, result_file=pdf_upload())


# action -> (state it is tried in, who may do it, extra kwargs)
MATRIX = {
    "receive": ("submitted", {"receiver"}, {}),
    "hand_over": ("processor", {"processor"}, {}),
    "request_supplement": ("processor", {"processor"}, {"note": "Bổ sung giấy tờ"}),
    "refuse": ("processor", {"processor"}, {"note": "Không đủ điều kiện"}),
    "pause": ("processor", {"processor"}, {"note": "Tạm dừng"}),
    "extend": ("processor", {"processor"}, {"note": "Xin lỗi", "working_days": 1}),
    "withdraw": ("processor", {"receiver"}, {"note": "Công dân rút hồ sơ"}),
    "supply": ("supplement", {"receiver", "processor"}, {}),
    "resume": ("paused", {"processor"}, {}),
    "approve": ("approver", {"approver"}, {}),
    "send_back": ("approver", {"approver"}, {"note": "Xem lại"}),
    "issue_result": ("returner", {"returner"}, {"result_file": None}),
    "return_result": ("ready", {"returner"}, {"method": "post"}),
}


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_every_action_by_every_role(office, action):
    state, allowed, kwargs = MATRIX[action]
    service = s.ACTIONS[action]
    outcomes = {}
    for who in USERS:
        d = _at(office, state)
        extra = {k: (pdf_upload() if k == "result_file" else v) for k, v in kwargs.items()}
        try:
            service(dossier_id=d.pk, actor=getattr(office, who), expected_version=d.version, **extra)
            outcomes[who] = True
        except NotAllowed as exc:
            assert "không có vai trò" in exc.message or "không cho phép" in exc.message
            fresh = Dossier.objects.get(pk=d.pk)
            assert (fresh.version, fresh.status) == (d.version, d.status)  # nothing changed
            outcomes[who] = False
    assert {w for w, ok in outcomes.items() if ok} == allowed


def test_a_step_without_the_action_refuses_it(office):
    from tenants.dossiers.processes import process_current, process_version_create

    version = process_current(procedure=office.procedure)
    steps = [{"name": st.name, "role": st.role, "unit_mode": st.unit_mode, "budget_amount": st.budget_amount,
              "actions": [a for a in st.actions if a != "pause"]} for st in version.steps.order_by("position")]
    process_version_create(procedure=office.procedure, steps=steps, actor=office.admin, note="Không tạm dừng")
    d = receive(office)
    with pytest.raises(NotAllowed, match="không cho phép"):
        s.dossier_pause(dossier_id=d.pk, actor=office.processor, note="Tạm dừng")
