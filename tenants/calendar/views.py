"""The working-calendar page of the setup wizard (/staff/setup/lich-lam-viec/), administrators only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import admin_required
from tenants.calendar import selectors, services
from tenants.calendar.forms import ExceptionForm, SettingsForm
from tenants.calendar.models import CalendarException
from tenants.calendar.workingtime import TZ


def _errors(form, exc: ValidationError) -> None:  # noqa: ANN001
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _year(request: HttpRequest) -> int:
    this_year = timezone.now().astimezone(TZ).year
    try:
        year = int(request.GET.get("nam", this_year))
    except ValueError:
        return this_year
    return year if 1976 <= year <= 2200 else this_year


def _page(request: HttpRequest, settings_form: SettingsForm | None = None,
          exception_form: ExceptionForm | None = None, status: int = 200) -> HttpResponse:
    data = selectors.calendar_page(_year(request))
    settings_form = settings_form or SettingsForm(initial=SettingsForm.initial_from(data["settings"]))
    return render(request, "calendar/calendar.html", {
        **data, "settings_form": settings_form, "exception_form": exception_form or ExceptionForm(),
    }, status=status)


@admin_required
def calendar(request: HttpRequest) -> HttpResponse:
    return _page(request)


@admin_required
@require_POST
def settings_update(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST)
    if form.is_valid():
        pairs = form.session_pairs()
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.calendar_settings_update(sessions=pairs, weekend=d["weekend"],
                                                  confirmed_from_year=d["confirmed_from_year"],
                                                  confirmed_to_year=d["confirmed_to_year"])
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, "Đã lưu giờ làm việc và ngày nghỉ hằng tuần.")
                return redirect("setup-calendar")
    return _page(request, settings_form=form, status=400)


@admin_required
@require_POST
def exception_add(request: HttpRequest) -> HttpResponse:
    form = ExceptionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            added = services.calendar_exception_add(date=d["date"], kind=d["kind"], reason=d["reason"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"Đã thêm {added.get_kind_display().lower()} {added.date:%d/%m/%Y}.")
            return redirect(f"{reverse('setup-calendar')}?nam={added.date.year}")
    return _page(request, exception_form=form, status=400)


@admin_required
@require_POST
def exception_remove(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(CalendarException, pk=pk)
    try:
        services.calendar_exception_remove(exception=exception)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"Đã bỏ ngày {exception.date:%d/%m/%Y} khỏi lịch.")
    return redirect("setup-calendar")
