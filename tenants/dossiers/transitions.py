"""The one place where a dossier changes state: ``transition()``.

It locks the dossier row (``select_for_update``), refuses a stale page (version changed), an action not
allowed from the current state, or an actor without the role in the dossier's unit; applies the change,
refuses a new state the table does not list, bumps the version and writes the append-only audit row, all
in one transaction. A dossier received at the counter does not exist before: its first transition,
``transition_new``, is checked by the same table and gives the audit row its reception writes with it.
The pages offer what ``allowed_actions`` lists, by the same rules as ``authorize``.
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
from tenants.dossiers.states import (
    CLOCK_STOPPED,
    FINAL,
    NEW,
    STEP_ACTIONS,
    TRANSITIONS,
    Action,
    Status,
    target,
)
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


Refusal = Callable[[], str]  # the refusal's message, built only when shown (naming a unit costs a query)
RoleCheck = Callable[[User, int | None, str], bool]


def _refusal(actor: User | None, dossier: Dossier, action: str, has: RoleCheck = has_role) -> Refusal | None:
    """None if ``actor`` may do ``action`` on ``dossier`` now (its state aside), else why not: the one
    statement of the role and step rules, asked by ``authorize`` and by ``allowed_actions``."""
    label = Action(action).label
    if actor is None:
        if action in SYSTEM_ACTIONS:
            return None
        return lambda: f"Cần đăng nhập để thực hiện thao tác “{label}”."
    if action in SYSTEM_ACTIONS:
        return lambda: f"Thao tác “{label}” do hệ thống thanh toán thực hiện."
    if action == Action.WITHDRAW and actor.kind == User.Kind.CITIZEN:
        if dossier.citizen_id == actor.pk:
            return None
        return lambda: "Bạn chỉ có thể rút hồ sơ của chính mình."
    if action in (Action.RECEIVE, Action.WITHDRAW):
        if has(actor, dossier.receiving_unit_id, R.RECEIVER):
            return None
        return lambda: (f"Bạn không có vai trò “{role_label(R.RECEIVER)}” tại "
                        f"“{_unit_name(dossier.receiving_unit_id)}” để thực hiện thao tác “{label}”.")
    if action == Action.SUPPLY and has(actor, dossier.receiving_unit_id, R.RECEIVER):
        return None
    step = dossier.current_step
    if step is None or (action in STEP_ACTIONS and action not in step.actions and action != Action.RESUME):
        return lambda: f"Bước hiện tại của quy trình không cho phép thao tác “{label}”."
    if has(actor, dossier.current_unit_id, dossier.current_role):
        return None
    return lambda: (f"Bạn không có vai trò “{role_label(dossier.current_role)}” tại "
                    f"“{_unit_name(dossier.current_unit_id)}” để thực hiện thao tác “{label}”.")


def authorize(actor: User | None, dossier: Dossier, action: str) -> None:
    """Raise ``NotAllowed`` unless ``actor`` may do ``action`` on ``dossier`` now."""
    refusal = _refusal(actor, dossier, action)
    if refusal is not None:
        raise NotAllowed(refusal())


def allowed_actions(actor: User | None, dossier: Dossier) -> list[str]:
    """The actions ``actor`` may do on ``dossier`` now: allowed from its state by the table and by
    ``authorize``'s rules (what a page offers; ``transition`` checks again). Each role is asked once."""
    known: dict[tuple[int | None, str], bool] = {}

    def has(user: User, unit_id: int | None, role: str) -> bool:
        if (unit_id, role) not in known:
            known[unit_id, role] = has_role(user, unit_id, role)
        return known[unit_id, role]

    return [action for action, table in TRANSITIONS.items()
            if dossier.status in table and _refusal(actor, dossier, action, has) is None]


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
        if dossier.status not in TRANSITIONS.get(action, {}):
            raise DossierError(f"Không thể thực hiện “{Action(action).label}” khi hồ sơ đang ở trạng thái "
                               f"“{Status(dossier.status).label}”.")
        authorize(actor, dossier, action)
        ctx = Ctx(actor=actor, now=now or timezone.now(), cal=deadlines.calendar(), note=note, data=data or {})
        from_status, from_step = dossier.status, dossier.current_step
        used = step_used_seconds(dossier, ctx) if from_step is not None and from_status not in FINAL else None
        budget = (ctx.cal.budget_seconds(step_duration(from_step))
                  if from_step is not None and from_step.budget_amount else None)
        new_status = _target(action, from_status, apply(dossier, ctx))
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


def _target(action: str, from_status: str, decided: str | None) -> str:
    new_status = target(action, from_status, decided)
    if new_status is None:  # an action's own code decided a state its row of the table does not list
        raise DossierError(f"Thao tác “{Action(action).label}” không thể đưa hồ sơ đang ở trạng thái "
                           f"“{Status(from_status).label if from_status else 'mới'}” sang trạng thái "
                           f"“{Status(decided).label if decided in Status.values else decided}”.")
    return new_status


def transition_new(dossier: Dossier, *, action: str, actor: User, apply: Callable[[Dossier, Ctx], str], ctx: Ctx,
                   step: ProcessStep | None, budget: int | None, unit_names: dict[int, str] | None = None
                   ) -> DossierEvent:
    """The first transition of a dossier not yet written (received at the counter): from no state (``NEW``)
    into the state ``apply`` decides, checked against the table as ``transition`` checks it, the clock stopped
    from the start if that state stops it. Returns its audit row, not saved: the caller writes the dossier and
    the row in one statement. The caller has checked the actor's role (first, before reading anything else);
    ``unit_names`` are the names of units it knows (the row names the unit the dossier is now in)."""
    status = _target(action, NEW, apply(dossier, ctx))
    dossier.status = status
    if status in CLOCK_STOPPED:
        dossier.paused_at = ctx.now
    return audit_event(dossier, action=action, actor=actor, from_status=NEW, step=step, ctx=ctx, used=0,
                       budget=budget, unit_name=(unit_names or {}).get(dossier.current_unit_id))


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
