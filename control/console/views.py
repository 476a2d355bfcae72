"""Operator pages on the platform domain."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from control.console import selectors
from control.console.models import OperatorAction
from control.tenancy.models import Tenant
from core.access import operator_required
from onboarding import services as onboarding
from onboarding.forms import RejectForm
from onboarding.models import Application


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html")


@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    page = max(0, int(request.GET.get("trang", "1") or 1) - 1) if request.GET.get("trang", "1").isdigit() else 0
    rows = selectors.tenants_page(offset=page * 50, limit=50)
    return render(request, "console/dashboard.html", {
        "rows": rows, "page": page + 1, "has_next": len(rows) == 50,
        "applications": selectors.applications_open(),
        "audit": OperatorAction.objects.all()[:20],
        "reject_form": RejectForm(),
    })


def _done(request: HttpRequest, fn, ok: str) -> HttpResponse:  # noqa: ANN001
    try:
        fn()
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, ok)
    return redirect("console")


@operator_required
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    base = onboarding.platform_link_base(request.scheme, request.get_host())
    return _done(request, lambda: onboarding.application_approve(application=app, actor=request.user.username,
                                                                  link_base=base),
                 f"Đã duyệt {app.name}; đang khởi tạo.")


@operator_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    return _done(request, lambda: onboarding.application_reject(application=app, actor=request.user.username,
                                                                 reason=request.POST.get("reason", "")),
                 f"Đã từ chối đơn của {app.name}; lý do đã được gửi thư.")


@operator_required
@require_POST
def application_retry(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    return _done(request, lambda: onboarding.provisioning_retry(application=app, actor=request.user.username),
                 f"Đang chạy lại việc khởi tạo {app.name}.")


@operator_required
@require_POST
def tenant_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), pk=pk)
    return _done(request, lambda: onboarding.tenant_suspend(tenant=tenant, actor=request.user.username,
                                                             reason=request.POST.get("reason", "")),
                 f"Đã tạm ngừng {tenant.name}.")


@operator_required
@require_POST
def tenant_resume(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), pk=pk)
    return _done(request, lambda: onboarding.tenant_resume(tenant=tenant, actor=request.user.username),
                 f"Đã cho {tenant.name} hoạt động trở lại.")


@operator_required
def progress(request: HttpRequest) -> JsonResponse:
    ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()]
    return JsonResponse({"jobs": selectors.progress_all(ids or None)})


@operator_required
def audit(request: HttpRequest) -> HttpResponse:
    return render(request, "console/audit.html", {"actions": OperatorAction.objects.all()[:500]})
