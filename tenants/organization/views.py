"""Setup wizard pages for units and staff (tenant administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.access import admin_required
from core.accounts.models import User
from tenants.organization import selectors, services
from tenants.organization.forms import RoleForm, StaffForm, UnitForm, UnitsFileForm
from tenants.organization.models import StaffRole, Unit


def _errors(request: HttpRequest, form, exc: ValidationError) -> None:  # noqa: ANN001
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@admin_required
def units(request: HttpRequest) -> HttpResponse:
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            unit = services.unit_create(name=d["name"], kind=d["kind"], parent=d["parent"],
                                        division_code=d["division_code"] or "", agency_code=d["agency_code"] or "")
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, f"Đã thêm đơn vị {unit.name}.")
            return redirect("setup-units")
    return render(request, "organization/units.html", {"form": form, "units": selectors.units_overview(),
                                                       "file_form": UnitsFileForm()})


MAX_UPLOAD = 5 * 1024 * 1024


@admin_required
@require_POST
def units_import(request: HttpRequest) -> HttpResponse:
    """Units from a CSV/XLSX file: all rows or none, with a row-by-row report."""
    file_form = UnitsFileForm(request.POST, request.FILES)
    report: list[str] = []
    if file_form.is_valid():
        upload = file_form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            report = ["Tệp lớn quá 5 MB."]
        else:
            result = services.units_import(data=upload.read(), filename=upload.name)
            if not result.errors:
                messages.success(request, f"Đã nhập {result.created} đơn vị từ tệp {upload.name}.")
                return redirect("setup-units")
            report = result.errors
    return render(request, "organization/units.html", {
        "form": UnitForm(), "units": selectors.units_overview(), "file_form": file_form, "report": report,
    }, status=400)


@admin_required
@require_POST
def unit_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=pk)
    services.unit_set_active(unit=unit, active=not unit.is_active)
    return redirect("setup-units")


@admin_required
def staff(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.staff_create(username=d["username"], full_name=d["full_name"], email=d["email"],
                                         password=d["password"], roles=[(d["unit"], d["role"])])
        except ValidationError as exc:
            _errors(request, form, exc)
        else:
            messages.success(request, f"Đã tạo tài khoản {user.username}.")
            return redirect("setup-staff")
    return render(request, "organization/staff.html", {"form": form, "staff": selectors.staff_list(),
                                                        "role_form": RoleForm()})


@admin_required
@require_POST
def staff_role_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk, kind=User.Kind.STAFF)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.staff_role_add(user=user, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"])
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
    else:
        messages.error(request, "Hãy chọn đơn vị và vai trò.")
    return redirect("setup-staff")


@admin_required
@require_POST
def staff_role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(StaffRole, pk=pk)
    services.staff_role_remove(role=role)
    return redirect("setup-staff")
