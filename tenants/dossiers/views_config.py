"""Configuration pages for the tenant's administrators: internal processes per procedure (versioned),
dossier code patterns and counters, the near-due threshold."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.access import is_tenant_admin, staff_required
from tenants.dossiers import configuration, processes
from tenants.dossiers.config_forms import CONFIGURABLE_ACTIONS, rows_of_post, rows_of_steps, steps_of_rows
from tenants.dossiers.errors import DossierError, InvalidInput
from tenants.dossiers.models import CodeSettings, OfficeSettings, ProcessStep, ProcessVersion
from tenants.organization.models import StaffRole, Unit
from tenants.procedures.models import Procedure

LIST_LIMIT = 200


def _require(request: HttpRequest) -> None:
    if not is_tenant_admin(request.user):
        raise PermissionDenied(configuration.FORBIDDEN)


def _errors(exc: DossierError) -> dict[str, str]:
    return exc.errors if isinstance(exc, InvalidInput) else {"__all__": exc.message}


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Procedures with their current process version, and links to the other settings."""
    _require(request)
    q = " ".join(request.GET.get("q", "").split())
    procedures = Procedure.objects.all()
    if q:
        procedures = procedures.filter(Q(name__icontains=q) | Q(code__icontains=q))
    if request.GET.get("tat-ca") != "1":
        procedures = procedures.filter(enabled=True)
    rows = list(procedures.only("id", "code", "name", "enabled").order_by("code", "id")[:LIST_LIMIT + 1])
    current = dict(ProcessVersion.objects.filter(procedure_id__in=[p.pk for p in rows[:LIST_LIMIT]], is_current=True)
                   .values_list("procedure_id", "number"))
    return render(request, "dossiers/config/home.html", {
        "rows": [(p, current.get(p.pk)) for p in rows[:LIST_LIMIT]], "more": len(rows) > LIST_LIMIT, "q": q,
        "all": request.GET.get("tat-ca") == "1", "office": configuration.office_settings(),
    })


def _unit_choices() -> list[tuple[str, str]]:
    return [(ProcessStep.UnitMode.HANDLING.value, "Đơn vị giải quyết của hồ sơ"),
            (ProcessStep.UnitMode.ONE_STOP.value, "Bộ phận Một cửa nơi tiếp nhận")] + [
        (str(u.pk), u.name) for u in Unit.objects.filter(is_active=True).only("id", "name").order_by("name")]


@staff_required
def process_edit(request: HttpRequest, procedure_id: int) -> HttpResponse:
    """The current version's steps; saving creates a new version (dossiers in flight keep theirs)."""
    _require(request)
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        raise Http404("Không tìm thấy thủ tục.")
    errors: dict[str, str] = {}
    if request.method == "POST":
        rows = rows_of_post(request.POST)
        try:
            steps = steps_of_rows(rows)
            version = processes.process_version_create(procedure=procedure, steps=steps, actor=request.user,
                                                       note=request.POST.get("note", "").strip()[:255])
        except DossierError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, f"Đã lưu quy trình phiên bản {version.number}. Hồ sơ đang giải quyết "
                                      "tiếp tục theo phiên bản đã áp dụng khi tiếp nhận.")
            return redirect("dossiers:config-process", procedure_id=procedure.pk)
        current = processes.process_current(procedure=procedure)
    else:
        current = processes.process_current(procedure=procedure)
        rows = rows_of_steps(processes.steps_of(current))
    versions = (ProcessVersion.objects.filter(procedure=procedure).select_related("created_by").order_by("-number"))
    return render(request, "dossiers/config/process.html", {
        "procedure": procedure, "current": current, "current_steps": processes.steps_of(current), "rows": rows,
        "errors": errors, "versions": versions[:20], "roles": [r for r in StaffRole.Role.choices
                                                               if r[0] != StaffRole.Role.ADMINISTRATOR],
        "units": _unit_choices(), "budget_units": ProcessStep.BudgetUnit.choices,
        "actions": [(a.value, a.label) for a in CONFIGURABLE_ACTIONS],
    }, status=400 if errors else 200)


@staff_required
def codes(request: HttpRequest) -> HttpResponse:
    """The tenant's default code pattern (``?don-vi=`` empty) or one unit's own."""
    _require(request)
    unit_id = request.GET.get("don-vi", "")
    unit = Unit.objects.filter(pk=int(unit_id)).first() if unit_id.isdigit() else None
    if unit_id and unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    errors: dict[str, str] = {}
    row = configuration.code_settings_of(unit)
    if request.method == "POST":
        try:
            if unit is not None and request.POST.get("xoa"):
                configuration.code_settings_delete(actor=request.user, unit=unit)
                messages.success(request, f"{unit.name} dùng lại mẫu mã chung của tỉnh.")
            else:
                configuration.code_settings_save(
                    actor=request.user, unit=unit, pattern=request.POST.get("pattern", ""),
                    reset=request.POST.get("reset", ""), scope=request.POST.get("scope", ""),
                    result_pattern=request.POST.get("result_pattern", ""))
                messages.success(request, "Đã lưu mẫu mã hồ sơ.")
        except DossierError as exc:
            errors = _errors(exc)
            row = CodeSettings(unit=unit, pattern=request.POST.get("pattern", ""),
                               reset=request.POST.get("reset", ""), scope=request.POST.get("scope", ""),
                               result_pattern=request.POST.get("result_pattern", ""))
        else:
            return redirect(f"{request.path}?don-vi={unit.pk}" if unit else request.path)
    overrides = set(CodeSettings.objects.filter(unit__isnull=False).values_list("unit_id", flat=True))
    return render(request, "dossiers/config/codes.html", {
        "unit": unit, "row": row, "errors": errors, "resets": CodeSettings.Reset.choices,
        "scopes": CodeSettings.Scope.choices, "has_own": unit is not None and unit.pk in overrides,
        "units": [(u, u.pk in overrides) for u in Unit.objects.filter(is_active=True).order_by("name")],
    }, status=400 if errors else 200)


@staff_required
def thresholds(request: HttpRequest) -> HttpResponse:
    """The near-due threshold, in working days or working hours."""
    _require(request)
    errors: dict[str, str] = {}
    row = configuration.office_settings()
    amount, unit = f"{row.near_due_working_days.normalize():f}", row.near_due_unit
    if request.method == "POST":
        amount, unit = request.POST.get("near_due_amount", ""), request.POST.get("near_due_unit", "")
        try:
            configuration.office_settings_save(actor=request.user, near_due_amount=amount, near_due_unit=unit)
        except DossierError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, "Đã lưu ngưỡng cảnh báo sắp đến hạn.")
            return redirect("dossiers:config-thresholds")
    return render(request, "dossiers/config/thresholds.html", {
        "amount": amount, "unit": unit, "units": OfficeSettings.NearDueUnit.choices, "errors": errors,
    }, status=400 if errors else 200)
