"""Operator pages about applications and provisioning, on the platform domain under /console/
(mounted beside the console's own URLs by config/urls_public.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from control.console.models import OperatorAction
from core.access import operator_required
from onboarding import selectors, services
from onboarding.forms import RejectForm
from onboarding.models import Application


@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("trang", "1")
    page = max(0, int(raw) - 1) if raw.isdigit() else 0
    rows = selectors.tenant_rows(offset=page * 50, limit=50)
    return render(request, "onboarding/console.html", {
        "rows": rows, "page": page + 1, "has_next": len(rows) == 50,
        "applications": selectors.applications_open(),
        "audit": OperatorAction.objects.all()[:20],
        "reject_form": RejectForm(),
    })


def _done(request: HttpRequest, fn: Callable[[], object], ok: str) -> HttpResponse:
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
    base = services.platform_link_base(request.scheme, request.get_host())
    return _done(request, lambda: services.application_approve(application=app, actor=request.user.username,
                                                                link_base=base),
                 f"Đã duyệt {app.name}; đang khởi tạo.")


@operator_required
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    return _done(request, lambda: services.application_reject(application=app, actor=request.user.username,
                                                               reason=request.POST.get("reason", "")),
                 f"Đã từ chối đơn của {app.name}; lý do đã được gửi thư.")


@operator_required
@require_POST
def application_retry(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application, pk=pk)
    return _done(request, lambda: services.provisioning_retry(application=app, actor=request.user.username),
                 f"Đang chạy lại việc khởi tạo {app.name}.")


@operator_required
def progress(request: HttpRequest) -> JsonResponse:
    ids = [int(i) for i in request.GET.getlist("id") if i.isdigit()]
    return JsonResponse({"jobs": selectors.progress_all(ids or None)})
