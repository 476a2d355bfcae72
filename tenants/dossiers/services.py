"""Writes on dossiers: reception and every action (each through ``transitions.transition``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone

from core.accounts.models import User
from core.db.fastinsert import insert_tree
from tenants.calendar.workingtime import Duration
from tenants.dossiers import deadlines, notices
from tenants.dossiers.errors import DossierError, InvalidInput, NotAllowed
from tenants.dossiers.models import Dossier, DossierEvent, DossierFile, OfficeSettings, ProcessStep, ProcessVersion
from tenants.dossiers.numbering import NO_FREE_CODE, dossier_code_next, dossier_code_sql, result_code_next
from tenants.dossiers.processes import procedure_duration, process_current, steps_of
from tenants.dossiers.states import Action, Status
from tenants.dossiers.transitions import (
    Ctx,
    audit,
    enter_step,
    next_step,
    previous_step,
    transition,
    transition_new,
)
from tenants.dossiers.validation import CheckedUpload, applicant_clean, normalise_name, upload_check
from tenants.organization.models import StaffRole, Unit
from tenants.organization.permissions import has_role
from tenants.procedures.models import Procedure

log = logging.getLogger(__name__)
R = StaffRole.Role


def office_settings() -> OfficeSettings:
    return OfficeSettings.objects.order_by("pk").first() or OfficeSettings()


def _max_upload_bytes() -> int:
    return office_settings().upload_max_mb * 1024 * 1024


def _files_check(files: list[tuple[object, int | None]] | None) -> list[tuple[CheckedUpload, int | None]]:
    if not files:
        return []
    limit = _max_upload_bytes()
    return [(upload_check(f, max_bytes=limit), doc_id) for f, doc_id in files]


Saved = list[tuple[CheckedUpload, int | None, str]]


def _files_save(checked: list[tuple[CheckedUpload, int | None]]) -> Saved:
    """Write checked files under random names (before the transaction; discarded if it fails)."""
    from django.core.files.storage import default_storage

    now = timezone.localtime()
    return [(upload, doc_id, default_storage.save(f"dossiers/{now:%Y/%m}/{upload.storage_name}",
                                                  ContentFile(upload.content)))
            for upload, doc_id in checked]


def _files_discard(saved: Saved) -> None:
    from django.core.files.storage import default_storage

    for _, _, name in saved:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete orphan upload %s", name)


def _file_objects(dossier: Dossier, saved: Saved, *, kind: str, actor: User | None) -> list[DossierFile]:
    return [DossierFile(dossier=dossier, kind=kind, required_document_id=doc_id, file=name,
                        original_name=upload.original_name, content_type=upload.content_type,
                        size=len(upload.content), sha256=upload.sha256, uploaded_by=actor)
            for upload, doc_id, name in saved]


def _file_rows(dossier: Dossier, saved: Saved, *, kind: str, actor: User | None) -> None:
    DossierFile.objects.bulk_create(_file_objects(dossier, saved, kind=kind, actor=actor))


def _resolve_handling_unit(procedure: Procedure, receiving_unit: Unit, handling_unit: Unit | None,
                           allowed: list[Unit] | None = None) -> Unit:
    allowed = list(procedure.handling_units.all()) if allowed is None else allowed
    if handling_unit is not None:
        if allowed and handling_unit.pk not in {u.pk for u in allowed}:
            raise InvalidInput({"handling_unit": "Đơn vị giải quyết không thuộc danh sách của thủ tục."})
        return handling_unit
    return allowed[0] if allowed else receiving_unit


def _fee_total(procedure: Procedure) -> int:
    return sum(f.amount_vnd for f in procedure.fees.all() if f.amount_vnd)


PaymentRequester = Callable[..., object]


def _billing() -> PaymentRequester | None:
    """Billing's ``payment_request_create`` (agreed interface); None if billing is not there. Asked before the
    reception decides its state: with a fee and billing, the dossier is received straight into awaiting payment."""
    try:
        from billing.fees.services import payment_request_create
    except ImportError:
        return None
    return payment_request_create


def _payment_request(create: PaymentRequester, dossier: Dossier, total: int) -> None:
    create(subject_type="dossier", subject_id=dossier.id, reference=dossier.code, amount_vnd=total,
           description=f"Phí, lệ phí hồ sơ {dossier.code} — {dossier.procedure.name[:200]}")


def dossier_receive(
    *,
    actor: User,
    procedure: Procedure,
    receiving_unit: Unit,
    applicant: dict,
    handling_unit: Unit | None = None,
    documents_checked: list[int] | None = None,
    files: list[tuple[object, int | None]] | None = None,
    channel: str = Dossier.Channel.COUNTER,
    at: dt.datetime | None = None,
) -> Dossier:
    """Receive a dossier at the counter: code assigned once, due date, first step done, audit row.

    Everything is checked before anything is written; the code counter is taken in the same transaction.
    A procedure with a fixed fee is received straight into awaiting payment, its clock stopped (one event,
    ``receive``, as the state table's ``RECEIVED`` says), and its payment request is written in the same
    transaction.
    """
    person = applicant_clean(applicant)
    if not has_role(actor, receiving_unit, R.RECEIVER):
        raise NotAllowed(f"Bạn không có vai trò “Tiếp nhận” tại “{receiving_unit.name}”.")
    if not procedure.enabled:
        raise DossierError(f"Thủ tục “{procedure.code}” chưa được áp dụng tại địa phương.")
    checked = _files_check(files)
    config = _reception_config(procedure)
    handling = _resolve_handling_unit(procedure, receiving_unit, handling_unit, config.handling_units)
    ticked = sorted({int(d) for d in (documents_checked or []) if int(d) in config.document_ids})
    now = at or timezone.now()
    cal = deadlines.calendar()
    due = deadlines.due_date(now, procedure_duration(procedure), cal)
    fee_total = config.fee_total
    billing = _billing() if fee_total else None  # the fee is asked for in the reception's transaction
    saved = _files_save(checked)
    outermost = not transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic():
            version, steps = config.version, config.steps
            dossier = Dossier(
                procedure=procedure, process_version=version, receiving_unit=receiving_unit, handling_unit=handling,
                channel=channel, applicant_kind=person.kind, applicant_name=person.name,
                applicant_name_norm=normalise_name(person.name), id_number=person.id_number, address=person.address,
                phone=person.phone, email=person.email, documents_checked=ticked,
                documents_received=[{"id": i, "name": n, "received": i in ticked} for i, n in config.documents],
                submitted_at=now,
                received_at=now, received_by=actor, due_at=due, original_due_at=due, fee_total_vnd=fee_total,
            )
            ctx = Ctx(actor=actor, now=now, cal=cal)
            first = steps[0]
            following = steps[1] if len(steps) > 1 else first

            def apply(d: Dossier, ctx: Ctx) -> str:
                status = enter_step(d, following, ctx)
                return Status.AWAITING_PAYMENT if billing is not None else status

            budget = ctx.cal.budget_seconds(Duration(first.budget_amount, first.budget_unit)) or None
            event = transition_new(dossier, action=Action.RECEIVE, actor=actor, apply=apply, ctx=ctx, step=first,
                                   budget=budget, unit_names=config.unit_names)
            # One statement takes the code from the counter and writes the dossier with it, its audit row
            # and its scans. The counter's row lock is held until commit; when nothing is left to write
            # (no fee, and this is the outermost transaction) the COMMIT goes in the same message, so the
            # server releases the lock without waiting for this process.
            code = dossier_code_sql(unit=receiving_unit, procedure=procedure, at=now)
            scans = _file_objects(dossier, saved, kind=DossierFile.Kind.DOCUMENT, actor=actor)
            try:
                insert_tree(dossier, [("dossier", [event]), ("dossier", scans)], computed=("code", *code),
                            commit=outermost and billing is None)
            except DatabaseError as exc:
                if getattr(exc.__cause__, "sqlstate", None) == NO_FREE_CODE:
                    raise DossierError("Không cấp được mã hồ sơ mới: mẫu mã đang trùng với các mã đã cấp. "
                                       "Hãy báo quản trị viên đổi mẫu mã hồ sơ.") from exc
                raise
            if billing is not None:
                _payment_request(billing, dossier, fee_total)
            if dossier.phone or dossier.email:
                transaction.on_commit(lambda: notices.dossier_received(dossier.pk))
    except Exception:
        _files_discard(saved)
        raise
    return dossier


@dataclass(frozen=True)
class _ReceptionConfig:
    version: ProcessVersion
    steps: list[ProcessStep]
    handling_units: list[Unit]
    document_ids: frozenset[int]
    documents: tuple[tuple[int, str], ...]
    fee_total: int
    unit_names: dict[int, str]


def _reception_config(procedure: Procedure) -> _ReceptionConfig:
    """What every reception of ``procedure`` reads, cached a few seconds (keyed by its ``updated_at``)."""
    from tenants.dossiers.cache import cached

    def load() -> _ReceptionConfig:
        version = process_current(procedure=procedure)
        units = list(procedure.handling_units.all())
        documents = tuple(procedure.documents.order_by("position", "pk").values_list("id", "name"))
        return _ReceptionConfig(
            version=version, steps=steps_of(version), handling_units=units,
            document_ids=frozenset(i for i, _ in documents), documents=documents,
            fee_total=_fee_total(procedure), unit_names={u.pk: u.name for u in units},
        )

    return cached(("reception", procedure.pk, procedure.updated_at), load)


def dossier_submit(
    *,
    procedure: Procedure,
    receiving_unit: Unit,
    applicant: dict,
    citizen: User | None = None,
    files: list[tuple[object, int | None]] | None = None,
    channel: str = Dossier.Channel.ONLINE,
) -> Dossier:
    """A dossier submitted online (the citizen portal feeds it): waits in the receivers' queue, no code yet.

    The code and the due date are assigned when a receiver receives it (``dossier_receive_online``).
    """
    person = applicant_clean(applicant)
    if not procedure.enabled:
        raise DossierError(f"Thủ tục “{procedure.code}” chưa được áp dụng tại địa phương.")
    checked = _files_check(files)
    handling = _resolve_handling_unit(procedure, receiving_unit, None)
    saved = _files_save(checked)
    try:
        with transaction.atomic():
            version = process_current(procedure=procedure)
            first = steps_of(version)[0]
            dossier = Dossier.objects.create(
                procedure=procedure, process_version=version, receiving_unit=receiving_unit, handling_unit=handling,
                channel=channel, applicant_kind=person.kind, applicant_name=person.name,
                applicant_name_norm=normalise_name(person.name), id_number=person.id_number, address=person.address,
                phone=person.phone, email=person.email, citizen=citizen, submitted_at=timezone.now(),
                status=Status.SUBMITTED, current_step=first, current_role=first.role,
                current_unit_id=receiving_unit.pk,
            )
            _file_rows(dossier, saved, kind=DossierFile.Kind.DOCUMENT, actor=citizen)
    except Exception:
        _files_discard(saved)
        raise
    return dossier


# ----- actions ------------------------------------------------------------------------------------------

def _reason(note: str, what: str) -> str:
    note = " ".join((note or "").split())
    if len(note) < 3:
        raise InvalidInput({"note": f"Vui lòng nhập {what}."})
    return note[:2000]


def dossier_receive_online(*, dossier_id: int, actor: User, expected_version: int | None = None) -> Dossier:
    """Receive a dossier submitted online: the code and due date are assigned now, once."""

    def apply(d: Dossier, ctx: Ctx) -> str:
        d.code = dossier_code_next(unit=d.receiving_unit, procedure=d.procedure, at=ctx.now)
        d.received_at, d.received_by = ctx.now, actor
        d.due_at = d.original_due_at = deadlines.due_date(ctx.now, procedure_duration(d.procedure), ctx.cal)
        d.fee_total_vnd = _fee_total(d.procedure)
        checked = set(d.documents_checked or [])
        d.documents_received = [{"id": doc.pk, "name": doc.name, "received": doc.pk in checked}
                                for doc in d.procedure.documents.all()]
        ctx.after_commit.append(lambda: notices.dossier_received(d.pk))
        status = enter_step(d, next_step(d) or d.current_step, ctx)
        billing = _billing() if d.fee_total_vnd else None
        if billing is not None:
            _payment_request(billing, d, d.fee_total_vnd)
            return Status.AWAITING_PAYMENT
        return status

    return transition(dossier_id=dossier_id, action=Action.RECEIVE, actor=actor, apply=apply,
                      expected_version=expected_version)


def dossier_hand_over(*, dossier_id: int, actor: User, note: str = "", expected_version: int | None = None
                      ) -> Dossier:
    def apply(d: Dossier, ctx: Ctx) -> str:
        step = next_step(d)
        if step is None:
            raise DossierError("Đây là bước cuối của quy trình, không còn bước để chuyển.")
        return enter_step(d, step, ctx)

    return transition(dossier_id=dossier_id, action=Action.HAND_OVER, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_approve(*, dossier_id: int, actor: User, note: str = "", expected_version: int | None = None) -> Dossier:
    def apply(d: Dossier, ctx: Ctx) -> str:
        step = next_step(d)
        if step is None:
            d.current_step = None
            return Status.AWAITING_RESULT
        return enter_step(d, step, ctx)

    return transition(dossier_id=dossier_id, action=Action.APPROVE, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_send_back(*, dossier_id: int, actor: User, note: str, expected_version: int | None = None) -> Dossier:
    note = _reason(note, "lý do trả lại")

    def apply(d: Dossier, ctx: Ctx) -> str:
        step = previous_step(d)
        if step is None:
            raise DossierError("Không có bước trước để trả lại.")
        return enter_step(d, step, ctx)

    return transition(dossier_id=dossier_id, action=Action.SEND_BACK, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_request_supplement(*, dossier_id: int, actor: User, note: str, expected_version: int | None = None
                               ) -> Dossier:
    """Ask the citizen to supplement the dossier (form 02): the clock stops until the supplement arrives."""
    note = _reason(note, "nội dung cần bổ sung")

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.reason = note
        ctx.after_commit.append(lambda: notices.supplement_requested(d.pk))

    return transition(dossier_id=dossier_id, action=Action.REQUEST_SUPPLEMENT, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_supply(*, dossier_id: int, actor: User, note: str = "",
                   files: list[tuple[object, int | None]] | None = None, expected_version: int | None = None
                   ) -> Dossier:
    """The citizen brought the supplement: the clock resumes (due date moved by the office time paused)."""
    saved = _files_save(_files_check(files))

    def apply(d: Dossier, ctx: Ctx) -> None:
        _file_rows(d, saved, kind=DossierFile.Kind.SUPPLEMENT, actor=actor)
        d.reason = ""

    return _with_files(saved, lambda: transition(dossier_id=dossier_id, action=Action.SUPPLY, actor=actor,
                                                  apply=apply, note=note, expected_version=expected_version))


def _with_files(saved: Saved, run: object) -> Dossier:
    try:
        return run()
    except Exception:
        _files_discard(saved)
        raise


def dossier_refuse(*, dossier_id: int, actor: User, note: str, expected_version: int | None = None) -> Dossier:
    note = _reason(note, "lý do từ chối")

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.reason = note
        d.finished_at = ctx.now

    return transition(dossier_id=dossier_id, action=Action.REFUSE, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_pause(*, dossier_id: int, actor: User, note: str, expected_version: int | None = None) -> Dossier:
    note = _reason(note, "lý do tạm dừng")

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.reason = note

    return transition(dossier_id=dossier_id, action=Action.PAUSE, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_resume(*, dossier_id: int, actor: User, note: str = "", expected_version: int | None = None) -> Dossier:
    def apply(d: Dossier, ctx: Ctx) -> None:
        d.reason = ""

    return transition(dossier_id=dossier_id, action=Action.RESUME, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_extend(*, dossier_id: int, actor: User, note: str, working_days: Decimal | int | str,
                   expected_version: int | None = None) -> Dossier:
    """Extend with an apology letter (form 04): only before the due date; the new date is recorded."""
    note = _reason(note, "lý do xin lỗi, gia hạn")
    try:
        days = Decimal(str(working_days))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput({"working_days": "Số ngày gia hạn không hợp lệ."}) from exc
    if not (Decimal("0.5") <= days <= 60):
        raise InvalidInput({"working_days": "Số ngày gia hạn phải từ 0,5 đến 60 ngày làm việc."})

    def apply(d: Dossier, ctx: Ctx) -> None:
        if d.due_at is None or ctx.now >= d.due_at:
            raise DossierError("Chỉ được gia hạn (gửi phiếu xin lỗi) trước thời hạn trả kết quả; "
                               "hồ sơ này đã quá hạn.")
        old = d.due_at
        d.due_at = deadlines.due_date(old, Duration.working_days(days), ctx.cal)
        d.reason = note
        d.deadline_flag = ""
        ctx.event_data.update(old_due_at=timezone.localtime(old).isoformat(),
                              new_due_at=timezone.localtime(d.due_at).isoformat(), working_days=str(days))

    return transition(dossier_id=dossier_id, action=Action.EXTEND, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_issue_result(*, dossier_id: int, actor: User, result_file: object, result_code: str = "",
                         note: str = "", expected_version: int | None = None) -> Dossier:
    """Upload the signed result and give it its code (entered, or from the result pattern)."""
    if result_file is None:
        raise InvalidInput({"result_file": "Vui lòng đính kèm văn bản kết quả (PDF, JPEG hoặc PNG)."})
    saved = _files_save(_files_check([(result_file, None)]))
    code = " ".join((result_code or "").split())[:80]

    def apply(d: Dossier, ctx: Ctx) -> None:
        _file_rows(d, saved, kind=DossierFile.Kind.RESULT, actor=actor)
        d.result_code = code or result_code_next(unit=d.handling_unit, procedure=d.procedure, at=ctx.now)
        d.finished_at = ctx.now
        ctx.event_data["result_code"] = d.result_code
        ctx.after_commit.append(lambda: notices.result_ready(d.pk))

    return _with_files(saved, lambda: transition(dossier_id=dossier_id, action=Action.ISSUE_RESULT, actor=actor,
                                                  apply=apply, note=note, expected_version=expected_version))


def dossier_return_result(*, dossier_id: int, actor: User, method: str, note: str = "",
                          expected_version: int | None = None) -> Dossier:
    if method not in Dossier.ReturnMethod.values:
        raise InvalidInput({"method": "Vui lòng chọn hình thức trả kết quả (trực tiếp, bưu chính, trực tuyến)."})

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.return_method = method
        d.returned_at = ctx.now
        ctx.event_data["method"] = method

    return transition(dossier_id=dossier_id, action=Action.RETURN_RESULT, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


def dossier_withdraw(*, dossier_id: int, actor: User, note: str, expected_version: int | None = None) -> Dossier:
    """The citizen withdraws the dossier (recorded by the receiver, or by the citizen online)."""
    note = _reason(note, "lý do rút hồ sơ")

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.reason = note
        d.finished_at = ctx.now

    return transition(dossier_id=dossier_id, action=Action.WITHDRAW, actor=actor, apply=apply, note=note,
                      expected_version=expected_version)


# ----- billing's calls (agreed interface) -------------------------------------------------------------------

def dossier_fee_paid(*, dossier_id: int, payment_id: int) -> None:
    """The fee is paid: the 'awaiting payment' pause ends and the dossier moves on. Idempotent, audited."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id).first()
        if dossier is None:
            raise DossierError("Không tìm thấy hồ sơ.")
        done = DossierEvent.objects.filter(dossier_id=dossier_id, action__in=[Action.FEE_PAID],
                                           data__payment_id=payment_id).exists()
        if done:
            return
        if dossier.status != Status.AWAITING_PAYMENT:
            # Paid while not waiting (e.g. paid at the counter later): record it, no state change.
            Dossier.objects.filter(pk=dossier_id).update(payment_id=payment_id, fee_paid_vnd=dossier.fee_total_vnd)
            ctx = Ctx(actor=None, now=timezone.now(), cal=deadlines.calendar(), event_data={"payment_id": payment_id})
            audit(dossier, action=Action.FEE_PAID, actor=None, from_status=dossier.status, step=None, ctx=ctx)
            return

    def apply(d: Dossier, ctx: Ctx) -> None:
        d.payment_id = payment_id
        d.fee_paid_vnd = d.fee_total_vnd
        ctx.event_data["payment_id"] = payment_id

    transition(dossier_id=dossier_id, action=Action.FEE_PAID, actor=None, apply=apply,
               note="Đã nộp phí, lệ phí trực tuyến")


def dossier_fee_refunded(*, dossier_id: int, payment_id: int, amount_vnd: int) -> None:
    """A fee (or part of it) was refunded: recorded in the audit trail, no state change."""
    if amount_vnd <= 0:
        raise InvalidInput({"amount_vnd": "Số tiền hoàn phải lớn hơn 0."})
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update(of=("self",)).filter(pk=dossier_id).first()
        if dossier is None:
            raise DossierError("Không tìm thấy hồ sơ.")
        dossier.fee_paid_vnd = max(0, dossier.fee_paid_vnd - int(amount_vnd))
        dossier.save(update_fields=["fee_paid_vnd", "updated_at"])
        ctx = Ctx(actor=None, now=timezone.now(), cal=deadlines.calendar(),
                  note=f"Hoàn phí {int(amount_vnd):,} đồng".replace(",", "."),
                  event_data={"payment_id": payment_id, "amount_vnd": int(amount_vnd)})
        audit(dossier, action=Action.FEE_REFUNDED, actor=None, from_status=dossier.status, step=None, ctx=ctx)


ACTIONS = {
    Action.RECEIVE: dossier_receive_online,
    Action.HAND_OVER: dossier_hand_over,
    Action.APPROVE: dossier_approve,
    Action.SEND_BACK: dossier_send_back,
    Action.REQUEST_SUPPLEMENT: dossier_request_supplement,
    Action.SUPPLY: dossier_supply,
    Action.REFUSE: dossier_refuse,
    Action.PAUSE: dossier_pause,
    Action.RESUME: dossier_resume,
    Action.EXTEND: dossier_extend,
    Action.ISSUE_RESULT: dossier_issue_result,
    Action.RETURN_RESULT: dossier_return_result,
    Action.WITHDRAW: dossier_withdraw,
}
