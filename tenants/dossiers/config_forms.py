"""Reading the configuration pages' input: the rows of the process editor (validated again by the services)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict

from tenants.dossiers.errors import InvalidInput
from tenants.dossiers.models import ProcessStep
from tenants.dossiers.states import STEP_ACTIONS, Action
from tenants.organization.models import Unit

#: Actions an administrator may allow on a step, in the order shown.
CONFIGURABLE_ACTIONS = [a for a in Action if a in STEP_ACTIONS or a == Action.RECEIVE]
EXTRA_ROWS = 2
MAX_ROWS = 30


@dataclass
class StepRow:
    """One row of the editor, as shown again after a refused save."""

    position: str = ""
    name: str = ""
    role: str = ""
    unit: str = ProcessStep.UnitMode.HANDLING  # "handling", "one_stop" or a unit id
    budget_amount: str = "0"
    budget_unit: str = ProcessStep.BudgetUnit.HOUR
    actions: list[str] = field(default_factory=list)
    delete: bool = False


def rows_of_steps(steps: list[ProcessStep]) -> list[StepRow]:
    rows = [StepRow(position=str(s.position), name=s.name, role=s.role,
                    unit=str(s.unit_id) if s.unit_mode == ProcessStep.UnitMode.FIXED else s.unit_mode,
                    budget_amount=f"{s.budget_amount.normalize():f}", budget_unit=s.budget_unit,
                    actions=list(s.actions)) for s in steps]
    return rows + [StepRow(position=str(len(steps) + i + 1)) for i in range(EXTRA_ROWS)]


def rows_of_post(post: QueryDict) -> list[StepRow]:
    try:
        count = min(int(post.get("rows", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    return [StepRow(position=post.get(f"s-{i}-position", "").strip(), name=post.get(f"s-{i}-name", "").strip(),
                    role=post.get(f"s-{i}-role", ""), unit=post.get(f"s-{i}-unit", ""),
                    budget_amount=post.get(f"s-{i}-budget_amount", "").strip() or "0",
                    budget_unit=post.get(f"s-{i}-budget_unit", ""), actions=post.getlist(f"s-{i}-actions"),
                    delete=bool(post.get(f"s-{i}-delete"))) for i in range(max(count, 0))]


def steps_of_rows(rows: list[StepRow]) -> list[dict]:
    """Rows kept (not deleted, not blank), in the order of their numbers, as ``process_version_create`` steps."""
    kept = []
    for i, row in enumerate(rows):
        if row.delete or (not row.name and not row.role):
            continue
        if not row.name:
            raise InvalidInput({"steps": f"Dòng {i + 1}: cần nhập tên bước."})
        try:
            order = float(row.position.replace(",", "."))
        except ValueError as exc:
            raise InvalidInput({"steps": f"Bước “{row.name}”: thứ tự phải là một số."}) from exc
        if row.unit in (ProcessStep.UnitMode.HANDLING, ProcessStep.UnitMode.ONE_STOP):
            mode, unit = row.unit, None
        else:
            unit = Unit.objects.filter(pk=int(row.unit), is_active=True).first() if row.unit.isdigit() else None
            if unit is None:
                raise InvalidInput({"steps": f"Bước “{row.name}”: đơn vị thực hiện không hợp lệ."})
            mode = ProcessStep.UnitMode.FIXED
        unknown = [a for a in row.actions if a not in CONFIGURABLE_ACTIONS]
        if unknown:
            raise InvalidInput({"steps": f"Bước “{row.name}”: thao tác không hợp lệ."})
        kept.append((order, i, {"name": row.name, "role": row.role, "unit_mode": mode, "unit": unit,
                                "budget_amount": row.budget_amount, "budget_unit": row.budget_unit,
                                "actions": row.actions}))
    return [step for _, _, step in sorted(kept, key=lambda t: (t[0], t[1]))]
