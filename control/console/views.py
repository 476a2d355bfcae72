"""Operator pages on the platform domain: tenants (suspend, resume), the operator log.

The pages about applications and provisioning (the dashboard at /console/) belong to onboarding
(``onboarding/views_console.py``), mounted under the same /console/ prefix.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from control.console import selectors, services
from control.console.models import OperatorAction
from control.tenancy.models import Hold, Tenant
from core.access import operator_required


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "console/home.html")


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("console-tenants")


@operator_required
def tenants(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("trang", "1")
    page = max(0, int(raw) - 1) if raw.isdigit() else 0
    rows = selectors.tenants_page(offset=page * 50, limit=50)
    return render(request, "console/tenants.html", {"rows": rows, "page": page + 1, "has_next": len(rows) == 50})


@operator_required
@require_POST
def tenant_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), pk=pk)
    try:
        services.tenant_suspend(tenant_id=tenant.pk, actor=request.user.username,
                                reason=request.POST.get("reason", ""),
                                kind=request.POST.get("kind") or Hold.Kind.OPERATOR)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"Đã tạm ngừng {tenant.name}.")
    return _back(request)


@operator_required
@require_POST
def tenant_resume(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant.objects.exclude(schema_name="public"), pk=pk)
    try:
        tenant = services.tenant_resume(tenant_id=tenant.pk, actor=request.user.username,
                                        kind=request.POST.get("kind") or Hold.Kind.OPERATOR)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        if tenant.is_open:
            messages.success(request, f"Đã cho {tenant.name} hoạt động trở lại.")
        else:
            messages.warning(request, f"Đã gỡ lệnh tạm ngừng của vận hành; {tenant.name} vẫn tạm ngừng vì còn "
                                      "lệnh tạm ngừng khác.")
    return _back(request)


@operator_required
def audit(request: HttpRequest) -> HttpResponse:
    return render(request, "console/audit.html", {"actions": OperatorAction.objects.all()[:500]})
