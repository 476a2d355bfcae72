"""Staff pages of a tenant's procedures (/staff/procedures/): enable, handling units, overrides, updates."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.access import admin_required
from tenants.organization.models import Unit
from tenants.procedures import selectors, services
from tenants.procedures.models import Field, Procedure, RequiredDocument


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


@admin_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    field_id = int(request.GET["field"]) if request.GET.get("field", "").isdigit() else None
    state = request.GET.get("enabled", "")
    enabled = {"1": True, "0": False}.get(state)
    page = Paginator(selectors.procedure_list(q=q, field_id=field_id, enabled=enabled), 50).get_page(
        request.GET.get("page"))
    return render(request, "procedures/list.html", {
        "page": page, "q": q, "field_id": field_id, "state": state,
        "fields": Field.objects.order_by("name"), "units": Unit.objects.filter(is_active=True).order_by("kind", "name"),
        "updates": len(selectors.updates_available()),
    })


@admin_required
@require_POST
def procedures_bulk(request: HttpRequest) -> HttpResponse:
    codes = request.POST.getlist("code")
    if not codes:
        messages.error(request, "Hãy chọn ít nhất một thủ tục.")
        return redirect("procedures")
    enable = request.POST.get("action") != "disable"
    unit = Unit.objects.filter(pk=request.POST.get("unit") or 0, is_active=True).first()
    try:
        n = services.procedures_enable(codes=codes, unit=unit, enabled=enable)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"Đã {'áp dụng' if enable else 'ngừng áp dụng'} {n} thủ tục.")
    return redirect(request.POST.get("next") or "procedures")


@admin_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("field"), code=code)
    units = Unit.objects.filter(is_active=True).order_by("kind", "name")
    if request.method == "POST":
        try:
            chosen = list(units.filter(pk__in=[int(i) for i in request.POST.getlist("handling_units") if i.isdigit()]))
            fees: dict[int, int | None] = {}
            for fee in procedure.fees.all():
                raw = request.POST.get(f"fee-{fee.pk}", "").replace(".", "").replace(" ", "").strip()
                if raw == "":
                    fees[fee.pk] = fee.amount_vnd if raw == "" and fee.amount_vnd is None else None
                    continue
                if not raw.lstrip("-").isdigit():
                    raise ValidationError(f"Số tiền của “{fee.name}” phải là số nguyên (đồng).")
                fees[fee.pk] = int(raw)
            services.procedure_settings_save(
                procedure=procedure, enabled=request.POST.get("enabled") == "on", handling_units=chosen,
                processing_amount=request.POST.get("processing_amount"),
                processing_unit=request.POST.get("processing_unit"), fee_amounts=fees)
        except ValidationError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "Đã lưu thiết lập của thủ tục.")
            return redirect("procedure-detail", code=procedure.code)
        procedure.refresh_from_db()
    return render(request, "procedures/detail.html", {
        "p": procedure, "units": units, "chosen": set(procedure.handling_units.values_list("pk", flat=True)),
        "units_choices": Procedure.ProcessingUnit.choices,
        "update": next(iter(selectors.updates_available(code=procedure.code)), None),
    })


@admin_required
@require_POST
def document_form(request: HttpRequest, code: str, doc_id: int) -> HttpResponse:
    """Upload (or remove, with ``xoa``) the blank form of one required document."""
    procedure = get_object_or_404(Procedure, code=code)
    document = get_object_or_404(RequiredDocument, pk=doc_id, procedure=procedure)
    try:
        if request.POST.get("xoa"):
            services.document_form_clear(document=document)
            messages.success(request, f"Đã gỡ mẫu đơn của “{document.name[:80]}”.")
        elif "form_file" not in request.FILES:
            raise ValidationError("Hãy chọn tệp mẫu đơn để tải lên.")
        else:
            services.document_form_set(document=document, upload=request.FILES["form_file"])
            messages.success(request, f"Đã tải lên mẫu đơn của “{document.name[:80]}”.")
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("procedure-detail", code=procedure.code)


def document_form_download(request: HttpRequest, doc_id: int) -> FileResponse:
    """The blank form of a required document: public (citizens fill it in), of this tenant only (its own
    schema and its own storage)."""
    document = get_object_or_404(RequiredDocument.objects.exclude(form_template_file=""), pk=doc_id)
    try:
        handle = document.form_template_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("Không tìm thấy tệp mẫu đơn.") from exc
    extension = document.form_template_file.name.rsplit(".", 1)[-1]
    filename = document.form_template_filename or f"mau-don-{doc_id}.{extension}"
    if not filename.lower().endswith(f".{extension}"):
        filename = f"{filename}.{extension}"
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@admin_required
def updates(request: HttpRequest) -> HttpResponse:
    return render(request, "procedures/updates.html", {"updates": selectors.updates_available()})


@admin_required
@require_POST
def update_decide(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure, code=code)
    try:
        if request.POST.get("decision") == "accept":
            services.procedure_update_accept(procedure=procedure)
            messages.success(request, f"Đã cập nhật {code} theo danh mục gốc (giữ thiết lập tại địa phương).")
        else:
            services.procedure_update_decline(procedure=procedure)
            messages.success(request, f"Đã bỏ qua bản cập nhật của {code}.")
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("procedure-updates")
