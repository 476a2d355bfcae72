"""Internal processes: the current version of a procedure's process (default created lazily), new versions."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from core.accounts.models import User
from core.audit.actor import record
from core.audit.models import ConfigChange
from tenants.calendar.workingtime import Duration
from tenants.dossiers.errors import InvalidInput
from tenants.dossiers.models import ProcessStep, ProcessVersion
from tenants.dossiers.states import DEFAULT_STEP_ACTIONS, TRANSITIONS
from tenants.organization.models import StaffRole, Unit
from tenants.procedures.models import Procedure

R = StaffRole.Role
HOURS_PER_DAY = Decimal("7.5")
#: Share of the procedure's time given to each default step.
DEFAULT_STEPS = [
    ("Tiếp nhận hồ sơ", R.RECEIVER, ProcessStep.UnitMode.ONE_STOP, Decimal(0)),
    ("Thụ lý, thẩm định hồ sơ", R.PROCESSOR, ProcessStep.UnitMode.HANDLING, Decimal("0.7")),
    ("Phê duyệt (lãnh đạo)", R.APPROVER, ProcessStep.UnitMode.HANDLING, Decimal("0.2")),
    ("Trả kết quả", R.RETURNER, ProcessStep.UnitMode.ONE_STOP, Decimal("0.1")),
]


def procedure_hours(procedure: Procedure) -> Decimal:
    """The procedure's processing time in working hours (calendar days counted as 5/7 working days)."""
    amount = Decimal(procedure.processing_amount)
    if procedure.processing_unit == Procedure.ProcessingUnit.HOUR:
        return amount
    if procedure.processing_unit == Procedure.ProcessingUnit.CALENDAR_DAY:
        amount = amount * 5 / 7
    return amount * HOURS_PER_DAY


def procedure_duration(procedure: Procedure) -> Duration:
    unit = procedure.processing_unit
    return Duration(Decimal(procedure.processing_amount), unit)


def step_duration(step: ProcessStep) -> Duration:
    return Duration(Decimal(step.budget_amount), step.budget_unit)


def process_current(*, procedure: Procedure) -> ProcessVersion:
    """The process dossiers of ``procedure`` start with now; the default 4-step one if it has none."""
    version = ProcessVersion.objects.filter(procedure=procedure, is_current=True).first()
    if version is not None:
        return version
    with transaction.atomic():
        # FOR NO KEY UPDATE: serialises creators without blocking receptions that reference the procedure.
        Procedure.objects.select_for_update(no_key=True).filter(pk=procedure.pk).first()
        version = ProcessVersion.objects.filter(procedure=procedure, is_current=True).first()
        if version is not None:
            return version
        return _default_create(procedure)


def _default_create(procedure: Procedure) -> ProcessVersion:
    total = procedure_hours(procedure)
    steps = [
        {"name": name, "role": role, "unit_mode": mode,
         "budget_amount": (total * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
         "budget_unit": ProcessStep.BudgetUnit.HOUR, "actions": DEFAULT_STEP_ACTIONS[role]}
        for name, role, mode, share in DEFAULT_STEPS
    ]
    return process_version_create(procedure=procedure, steps=steps, note="Quy trình mặc định")


def _steps_clean(steps: list[dict]) -> list[dict]:
    if len(steps) < 2:
        raise InvalidInput({"steps": "Quy trình cần ít nhất 2 bước (tiếp nhận và giải quyết)."})
    if steps[0].get("role") != R.RECEIVER:
        raise InvalidInput({"steps": "Bước đầu tiên của quy trình phải là bước tiếp nhận."})
    out = []
    for i, raw in enumerate(steps, start=1):
        role = raw.get("role")
        if role not in R.values or role == R.ADMINISTRATOR:
            raise InvalidInput({"steps": f"Bước {i}: vai trò không hợp lệ."})
        mode = raw.get("unit_mode") or ProcessStep.UnitMode.HANDLING
        unit = raw.get("unit")
        if mode == ProcessStep.UnitMode.FIXED and not isinstance(unit, Unit):
            raise InvalidInput({"steps": f"Bước {i}: cần chọn đơn vị thực hiện."})
        try:
            budget = Decimal(str(raw.get("budget_amount", 0)).strip().replace(",", "."))
        except ArithmeticError as exc:
            raise InvalidInput({"steps": f"Bước {i}: thời gian không hợp lệ."}) from exc
        if not budget.is_finite() or budget < 0:
            raise InvalidInput({"steps": f"Bước {i}: thời gian không được âm."})
        if budget >= 100_000 or budget != budget.quantize(Decimal("0.01")):
            raise InvalidInput({"steps": f"Bước {i}: thời gian tối đa 99 999, 2 chữ số thập phân."})
        budget_unit = raw.get("budget_unit") or ProcessStep.BudgetUnit.HOUR
        if budget_unit not in ProcessStep.BudgetUnit.values:
            raise InvalidInput({"steps": f"Bước {i}: đơn vị thời gian không hợp lệ."})
        if mode not in ProcessStep.UnitMode.values:
            raise InvalidInput({"steps": f"Bước {i}: đơn vị thực hiện không hợp lệ."})
        actions = list(raw.get("actions") or DEFAULT_STEP_ACTIONS[role])
        unknown = [a for a in actions if a not in TRANSITIONS]
        if unknown:
            raise InvalidInput({"steps": f"Bước {i}: thao tác không hợp lệ: {', '.join(unknown)}."})
        out.append({"position": i, "name": str(raw.get("name") or f"Bước {i}")[:255], "role": role,
                    "unit_mode": mode, "unit": unit if mode == ProcessStep.UnitMode.FIXED else None,
                    "budget_amount": budget,
                    "budget_unit": budget_unit, "actions": actions})
    return out


@transaction.atomic
def process_version_create(*, procedure: Procedure, steps: list[dict], actor: User | None = None,
                           note: str = "") -> ProcessVersion:
    """A new version of the process, made current. Dossiers in flight keep their own version."""
    cleaned = _steps_clean(steps)
    Procedure.objects.select_for_update(no_key=True).filter(pk=procedure.pk).first()
    last = ProcessVersion.objects.filter(procedure=procedure).order_by("-number").first()
    ProcessVersion.objects.filter(procedure=procedure, is_current=True).update(is_current=False)
    version = ProcessVersion.objects.create(procedure=procedure, number=(last.number + 1) if last else 1,
                                            is_current=True, note=note, created_by=actor)
    ProcessStep.objects.bulk_create([ProcessStep(version=version, **s) for s in cleaned])
    record(ConfigChange.Area.PROCESS, f"Quy trình nội bộ của thủ tục {procedure.code}: phiên bản {version.number}, "
           f"{len(cleaned)} bước", actor=actor, procedure=procedure.code, version=version.number)
    # Touch the procedure: cached reception settings are keyed by its updated_at.
    procedure.updated_at = timezone.now()
    Procedure.objects.filter(pk=procedure.pk).update(updated_at=procedure.updated_at)
    return version


def steps_of(version: ProcessVersion) -> list[ProcessStep]:
    cached = getattr(version, "_steps_cache", None)
    if cached is None:
        cached = list(version.steps.order_by("position"))
        version._steps_cache = cached
    return cached


def step_unit_id(step: ProcessStep, *, receiving_unit_id: int, handling_unit_id: int) -> int:
    if step.unit_mode == ProcessStep.UnitMode.FIXED and step.unit_id:
        return step.unit_id
    if step.unit_mode == ProcessStep.UnitMode.ONE_STOP:
        return receiving_unit_id
    return handling_unit_id
