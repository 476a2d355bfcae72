"""The one place where a dossier changes state: ``transition()``.

It locks the dossier row (``select_for_update``), refuses a stale page (version changed), an action not
allowed from the current state, or an actor without the role in the dossier's unit; applies the change,
bumps the version and writes the append-only audit row, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.accounts.models import User
from tenants.calendar.workingtime import WorkingCalendar
from tenants.dossiers import deadlines
from tenants.dossiers.errors import DossierChanged, DossierError, NotAllowed
from tenants.dossiers.models import Dossier, DossierEvent, ProcessStep
from tenants.dossiers.processes import step_duration, step_unit_id, steps_of
from tenants.dossiers.states import CLOCK_STOPPED, FINAL, STEP_ACTIONS, TRANSITIONS, Action, Status
from tenants.organization.models import StaffRole, Unit
from tenants.organization.permissions import has_role

R = StaffRole.Role
SYSTEM_ACTIONS = frozenset({Action.FEE_PAID, Action.FEE_REFUNDED})


@dataclass
class Ctx:
    actor: User | None
    now: dt.datetime
    cal: WorkingCalendar
    note: str = ""
    data: dict = field(default_factory=dict)
    event_data: dict = field(default_factory=dict)
    to_step: ProcessStep | None = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)


def role_label(role: str) -> str:
    return dict(R.choices).get(role, role)


def _unit_name(unit_id: int | None) -> str:
    if unit_id is None:
        return ""
    return Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""


def authorize(actor: User | None, dossier: Dossier, action: str) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may do ``action`` on ``dossier`` now."""
    label = Action(action).label
    if actor is None:
        if action in SYSTEM_ACTIONS:
            return
        raise NotAllowed(f"Cần đăng nhập để thực hiện thao tác “{label}”.")
    if action in SYSTEM_ACTIONS:
        raise NotAllowed(f"Thao tác “{label}” do hệ thống thanh toán thực hiện.")
    if action == Action.WITHDRAW and actor.kind == User.Kind.CITIZEN:
        if dossier.citizen_id == actor.pk:
            return
        raise NotAllowed("Bạn chỉ có thể rút hồ sơ của chính mình.")
    if action in (Action.RECEIVE, Action.WITHDRAW):
        if has_role(actor, dossier.receiving_unit_id, R.RECEIVER):
            return
        raise NotAllowed(f"Bạn không có vai trò “{role_label(R.RECEIVER)}” tại "
                         f"“{_unit_name(dossier.receiving_unit_id)}” để thực hiện thao tác “{label}”.")
    if action == Action.SUPPLY and has_role(actor, dossier.receiving_unit_id, R.RECEIVER):
        return
    step = dossier.current_step
    if step is None or (action in STEP_ACTIONS and action not in step.actions and action != Action.RESUME):
        raise NotAllowed(f"Bước hiện tại của quy trình không cho phép thao tác “{label}”.")
    if has_role(actor, dossier.current_unit_id, dossier.current_role):
        return
    raise NotAllowed(f"Bạn không có vai trò “{role_label(dossier.current_role)}” tại "
                     f"“{_unit_name(dossier.current_unit_id)}” để thực hiện thao tác “{label}”.")


def enter_step(dossier: Dossier, step: ProcessStep, ctx: Ctx) -> str:
    """Put the dossier on ``step`` (its unit, role and budget); return the state it is in there."""
    dossier.current_step = step
    dossier.current_role = step.role
    dossier.current_unit_id = step_unit_id(step, receiving_unit_id=dossier.receiving_unit_id,
                                           handling_unit_id=dossier.handling_unit_id)
    dossier.step_started_at = ctx.now
    dossier.step_paused_seconds = 0
    dossier.step_due_at = deadlines.step_due(ctx.now, step_duration(step), ctx.cal)
    ctx.to_step = step
    return Status.AWAITING_RESULT if step.role == R.RETURNER else Status.PROCESSING


def step_used_seconds(dossier: Dossier, ctx: Ctx) -> int | None:
    used = deadlines.working_seconds(dossier.step_started_at, ctx.now, ctx.cal)
    if used is None:
        return None
    if dossier.paused_at is not None:  # stopped clock: the pause so far is not used
        used -= deadlines.working_seconds(dossier.paused_at, ctx.now, ctx.cal) or 0
    return max(0, used - dossier.step_paused_seconds)


def audit(dossier: Dossier, *, action: str, actor: User | None, from_status: str, step: ProcessStep | None,
          ctx: Ctx, used: int | None = None, budget: int | None = None, unit_name: str | None = None
          ) -> DossierEvent:
    event = audit_event(dossier, action=action, actor=actor, from_status=from_status, step=step, ctx=ctx,
                        used=used, budget=budget, unit_name=unit_name)
    event.save(force_insert=True)
    return event


def audit_event(dossier: Dossier, *, action: str, actor: User | None, from_status: str, step: ProcessStep | None,
                ctx: Ctx, used: int | None = None, budget: int | None = None, unit_name: str | None = None
                ) -> DossierEvent:
    """The audit row of an action, not yet saved (``audit`` saves it)."""
    return DossierEvent(
        dossier=dossier, at=ctx.now, actor=actor, actor_name=actor.display_name() if actor else "Hệ thống",
        action=action, from_status=from_status, to_status=dossier.status, step=step,
        step_name=step.name if step else "", to_step_name=ctx.to_step.name if ctx.to_step else "",
        unit_name=unit_name if unit_name is not None else (
            _unit_name(dossier.current_unit_id) if dossier.status not in FINAL else ""),
        note=ctx.note, used_seconds=used, budget_seconds=budget, data=ctx.event_data,
    )


def transition(*, dossier_id: int, action: str, actor: User | None, apply: Callable[[Dossier, Ctx], str | None],
               expected_version: int | None = None, note: str = "", data: dict | None = None,
               now: dt.datetime | None = None) -> Dossier:
    """Apply ``action`` to the dossier; ``apply`` mutates it and returns the new state (None: the table's)."""
    with transaction.atomic():
        dossier = (Dossier.objects.select_for_update(of=("self",)).select_related("current_step", "procedure")
                   .filter(pk=dossier_id).first())
        if dossier is None:
            raise DossierError("Không tìm thấy hồ sơ.")
        if expected_version is not None and dossier.version != expected_version:
            raise DossierChanged()
        targets = TRANSITIONS.get(action, {})
        if dossier.status not in targets:
            raise DossierError(f"Không thể thực hiện “{Action(action).label}” khi hồ sơ đang ở trạng thái "
                               f"“{Status(dossier.status).label}”.")
        authorize(actor, dossier, action)
        ctx = Ctx(actor=actor, now=now or timezone.now(), cal=deadlines.calendar(), note=note, data=data or {})
        from_status, from_step = dossier.status, dossier.current_step
        used = step_used_seconds(dossier, ctx) if from_step is not None and from_status not in FINAL else None
        budget = (ctx.cal.budget_seconds(step_duration(from_step))
                  if from_step is not None and from_step.budget_amount else None)
        new_status = apply(dossier, ctx) or targets[dossier.status]
        if new_status in CLOCK_STOPPED and from_status not in CLOCK_STOPPED:
            dossier.paused_at = ctx.now
        elif from_status in CLOCK_STOPPED and new_status not in CLOCK_STOPPED:
            resume_clock(dossier, ctx)
        dossier.status = new_status
        if new_status in FINAL:
            dossier.current_unit_id, dossier.current_role = None, ""
            dossier.deadline_flag = ""
        dossier.version += 1
        dossier.save()
        # Step time is reported when the dossier leaves a step (or the dossier ends).
        leaving = ctx.to_step is not None or new_status in FINAL
        audit(dossier, action=action, actor=actor, from_status=from_status, step=from_step, ctx=ctx,
              used=used if leaving else None, budget=budget if leaving else None)
        for callback in ctx.after_commit:
            transaction.on_commit(callback)
        return dossier


def resume_clock(dossier: Dossier, ctx: Ctx) -> None:
    """End a pause: move the due dates by the office time paused."""
    if dossier.paused_at is None:
        return
    paused = dossier.paused_at
    dossier.due_at = deadlines.due_after_pause(dossier.due_at, paused, ctx.now, ctx.cal)
    dossier.step_due_at = deadlines.due_after_pause(dossier.step_due_at, paused, ctx.now, ctx.cal)
    dossier.step_paused_seconds += deadlines.working_seconds(paused, ctx.now, ctx.cal) or 0
    dossier.paused_at = None
    dossier.deadline_flag = ""
    ctx.event_data.setdefault("paused_from", paused.isoformat())


def next_step(dossier: Dossier) -> ProcessStep | None:
    steps = steps_of(dossier.process_version)
    pos = dossier.current_step.position if dossier.current_step else 0
    return next((s for s in steps if s.position > pos), None)


def previous_step(dossier: Dossier) -> ProcessStep | None:
    steps = steps_of(dossier.process_version)
    pos = dossier.current_step.position if dossier.current_step else 0
    earlier = [s for s in steps if s.position < pos and s.role != R.RECEIVER]
    return earlier[-1] if earlier else None
