"""Every action: a full journey, the clock (pauses, extension), refusals with clear messages, the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, transaction

from core.audit.append_only import AppendOnlyError
from tenants.dossiers import services as s
from tenants.dossiers.errors import DossierChanged, DossierError, InvalidInput
from tenants.dossiers.models import DossierEvent, DossierFile
from tenants.dossiers.states import Status
from tests.tenants.dossiers.helpers import at, pdf_upload, receive

pytestmark = pytest.mark.django_db


def test_full_journey_receive_process_approve_issue_return(office):
    d = receive(office, when=at(2026, 3, 9, 9))
    d = s.dossier_hand_over(dossier_id=d.pk, actor=office.processor, note="Hồ sơ hợp lệ")
    assert (d.status, d.current_role, d.current_unit_id) == (Status.PROCESSING, "approver", office.dept.pk)
    d = s.dossier_approve(dossier_id=d.pk, actor=office.approver)
    assert (d.status, d.current_role, d.current_unit_id) == (Status.AWAITING_RESULT, "returner", office.one_stop.pk)
    d = s.dossier_issue_result(dossier_id=d.pk, actor=office.returner, result_file=pdf_upload("kq.pdf"))
    assert d.status == Status.RESULT_READY and d.result_code.startswith("KQ-000.00.05.H22-")
    assert DossierFile.objects.filter(dossier=d, kind="result").count() == 1
    d = s.dossier_return_result(dossier_id=d.pk, actor=office.returner, method="in_person")
    assert d.status == Status.RETURNED and d.returned_at and d.current_unit_id is None
    actions = list(DossierEvent.objects.filter(dossier=d).values_list("action", "from_status", "to_status"))
    assert actions == [
        ("receive", "", "processing"), ("hand_over", "processing", "processing"),
        ("approve", "processing", "awaiting_result"), ("issue_result", "awaiting_result", "result_ready"),
        ("return_result", "result_ready", "returned"),
    ]
    hand_over = DossierEvent.objects.get(dossier=d, action="hand_over")
    assert hand_over.step_name == "Thụ lý, thẩm định hồ sơ" and hand_over.to_step_name == "Phê duyệt (lãnh đạo)"
    assert hand_over.budget_seconds == int(5 * 7.5 * 3600 * 0.7) and hand_over.used_seconds is not None


def test_send_back_goes_to_the_previous_step(office):
    d = receive(office)
    s.dossier_hand_over(dossier_id=d.pk, actor=office.processor)
    with pytest.raises(InvalidInput):
        s.dossier_send_back(dossier_id=d.pk, actor=office.approver, note="")
    d = s.dossier_send_back(dossier_id=d.pk, actor=office.approver, note="Thiếu ý kiến thẩm định")
    assert (d.status, d.current_role) == (Status.PROCESSING, "processor")
    with pytest.raises(DossierError, match="Không có bước trước"):
        s.dossier_send_back(dossier_id=d.pk, actor=office.processor, note="Trả về tiếp nhận")


def test_supplement_stops_the_clock_across_a_holiday(office):
    # Received Mon 20 Apr 2026 09:00, 5 working days -> Tue 28 Apr 09:00 (Mon 27 = Hùng Kings, observed).
    d = receive(office, when=at(2026, 4, 20, 9))
    assert d.due_at == at(2026, 4, 28, 9)
    from django.utils import timezone

    d = s.dossier_request_supplement(dossier_id=d.pk, actor=office.processor, note="Bổ sung giấy chứng sinh")
    assert d.status == Status.SUPPLEMENT_REQUESTED and d.paused_at
    # Replay the pause at fixed moments through the same transition (now=...).
    from tenants.dossiers.models import Dossier

    Dossier.objects.filter(pk=d.pk).update(paused_at=at(2026, 4, 23, 9))
    from tenants.dossiers.transitions import transition

    d = transition(dossier_id=d.pk, action="supply", actor=office.receiver, apply=lambda d, ctx: None,
                   now=at(2026, 4, 29, 9))
    # 2 working days were left (Thu 23 09:00 -> Tue 28 09:00); resumed Wed 29 09:00, then 30/4, 1/5 and the
    # weekend are off: Mon 4 May (1), Tue 5 May 09:00 (2).
    assert d.status == Status.PROCESSING and d.paused_at is None
    assert d.due_at == at(2026, 5, 5, 9)
    assert timezone.localtime(d.due_at).hour == 9


def test_pause_resume_and_extend_before_due_only(office):
    d = receive(office)
    appointed = d.due_at  # the date on the receipt
    d = s.dossier_pause(dossier_id=d.pk, actor=office.processor, note="Chờ ý kiến cơ quan liên quan")
    assert d.status == Status.PAUSED
    d = s.dossier_resume(dossier_id=d.pk, actor=office.processor)
    assert d.status == Status.PROCESSING
    old_due = d.due_at
    d = s.dossier_extend(dossier_id=d.pk, actor=office.processor, note="Cần xác minh thêm", working_days=2)
    # The receipt's appointment stays as it was; the pause (during office hours it moves the due date
    # by the working time it lasted) and the extension move only due_at.
    assert d.due_at > old_due and d.original_due_at == appointed
    ev = DossierEvent.objects.get(dossier=d, action="extend")
    assert dt.datetime.fromisoformat(ev.data["old_due_at"]) == old_due
    late = receive(office, when=at(2026, 3, 2, 9))  # due long ago
    with pytest.raises(DossierError, match="trước thời hạn"):
        s.dossier_extend(dossier_id=late.pk, actor=office.processor, note="Xin lỗi", working_days=1)


def test_refuse_and_withdraw_end_the_dossier(office):
    d = receive(office)
    d = s.dossier_refuse(dossier_id=d.pk, actor=office.processor, note="Không thuộc thẩm quyền")
    assert d.status == Status.REFUSED and d.finished_at
    with pytest.raises(DossierError, match="Từ chối giải quyết"):
        s.dossier_hand_over(dossier_id=d.pk, actor=office.processor)
    w = receive(office)
    w = s.dossier_withdraw(dossier_id=w.pk, actor=office.receiver, note="Công dân xin rút hồ sơ")
    assert w.status == Status.WITHDRAWN


def test_online_submission_is_received_once_with_its_code(office):
    d = s.dossier_submit(procedure=office.procedure, receiving_unit=office.one_stop,
                         applicant={"applicant_name": "Lê Thị Hoa", "id_number": "001199001234"})
    assert d.status == Status.SUBMITTED and d.code is None and d.current_role == "receiver"
    d = s.dossier_receive_online(dossier_id=d.pk, actor=office.receiver)
    assert d.code and d.status == Status.PROCESSING and d.due_at
    code = d.code
    d = s.dossier_hand_over(dossier_id=d.pk, actor=office.processor)
    d = s.dossier_send_back(dossier_id=d.pk, actor=office.approver, note="Xem lại")
    assert d.code == code  # never changes


def test_stale_page_gets_reload_message(office):
    d = receive(office)
    s.dossier_hand_over(dossier_id=d.pk, actor=office.processor, expected_version=d.version)
    with pytest.raises(DossierChanged) as exc:
        s.dossier_request_supplement(dossier_id=d.pk, actor=office.processor, note="Bổ sung",
                                     expected_version=d.version)
    assert exc.value.message == "Hồ sơ đã thay đổi, vui lòng tải lại."


def test_audit_trail_is_append_only(office):
    d = receive(office)
    event = DossierEvent.objects.get(dossier=d)
    with pytest.raises(AppendOnlyError):
        event.note = "sửa"
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    for sql in ("UPDATE dossiers_dossierevent SET note = 'x'", "DELETE FROM dossiers_dossierevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(sql + " WHERE id = %s", [event.pk])


def test_fee_paid_moves_on_once_and_refund_is_audited(office):
    from tenants.dossiers.models import Dossier

    d = receive(office)
    Dossier.objects.filter(pk=d.pk).update(status=Status.AWAITING_PAYMENT, paused_at=d.received_at,
                                           fee_total_vnd=50000)
    s.dossier_fee_paid(dossier_id=d.pk, payment_id=77)
    s.dossier_fee_paid(dossier_id=d.pk, payment_id=77)
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and d.payment_id == 77 and d.fee_paid_vnd == 50000
    assert DossierEvent.objects.filter(dossier=d, action="fee_paid").count() == 1
    s.dossier_fee_refunded(dossier_id=d.pk, payment_id=77, amount_vnd=20000)
    d.refresh_from_db()
    assert d.fee_paid_vnd == 30000
    ev = DossierEvent.objects.get(dossier=d, action="fee_refunded")
    assert ev.data == {"payment_id": 77, "amount_vnd": 20000} and ev.actor is None


def test_reception_with_fixed_fee_asks_billing_when_it_exists(office):
    from tenants.procedures.models import Fee

    Fee.objects.create(procedure=office.procedure, name="Lệ phí", amount_vnd=50000)
    try:
        from billing.fees.services import payment_request_create  # noqa: F401
        has_billing = True
    except ImportError:
        has_billing = False
    d = receive(office)
    assert d.fee_total_vnd == 50000
    assert d.status == (Status.AWAITING_PAYMENT if has_billing else Status.PROCESSING)
