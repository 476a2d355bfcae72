"""Staff pages under /staff/billing/: collections (+ Excel), payments, refunds, terminal, invoices."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from billing.fees import selectors
from billing.fees.excel import collections_xlsx
from billing.fees.models import MerchantTerminal, Payment, Provider
from billing.fees.refunds import refund_create
from billing.fees.services import FeeError, terminal_save
from billing.gateways.allowlist import allowed_shown
from core.access import admin_required


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@admin_required
def collections(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today.replace(day=1))
    end = _date(request.GET.get("to"), today)
    if end < start:
        start, end = end, start
    end = min(end, start + timedelta(days=366))
    by = request.GET.get("by") if request.GET.get("by") in ("day", "procedure", "unit") else "day"
    rows = selectors.collections(start=start, end=end, by=by)
    total = selectors.collections_total(rows)
    if request.GET.get("format") == "xlsx":
        title = f"Thu phí, lệ phí trực tuyến từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}"
        response = HttpResponse(collections_xlsx(rows, total, by=by, title=title),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="thu-phi-{start}-{end}-{by}.xlsx"'
        return response
    return render(request, "fees/staff_collections.html", {
        "rows": rows, "total": total, "start": start, "end": end, "by": by, "cases": selectors.open_cases()[:20],
        "refused": selectors.refused_notifications(hours=24)})


@admin_required
def payments(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = selectors.payments_list(status=status if status in Payment.Status.values else "",
                                 q=request.GET.get("q", "").strip()[:100])
    return render(request, "fees/staff_payments.html", {"payments": qs[:200], "status": status,
                                                        "statuses": Payment.Status.choices})


@admin_required
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(Payment.objects.select_related("request"), pk=payment_id)
    return render(request, "fees/staff_payment.html", {
        "payment": payment, "events": payment.events.all(), "refunds": payment.refunds.all()})


@admin_required
@require_POST
def refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(Payment, pk=payment_id)
    raw = request.POST.get("amount_vnd", "").replace(".", "").replace(",", "").strip()
    try:
        amount = int(raw) if raw else payment.refundable_vnd
        refund_create(payment_id=payment.pk, amount_vnd=amount, reason=request.POST.get("reason", ""),
                      actor=request.user.username)
    except ValueError:
        messages.error(request, "Số tiền hoàn không hợp lệ.")
    except FeeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã hoàn {amount:,} đ cho giao dịch {payment.txn_ref}.".replace(",", "."))
    return redirect("fees-staff:payment", payment_id=payment.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def terminal(request: HttpRequest) -> HttpResponse:
    current = MerchantTerminal.objects.filter(provider=Provider.VNPAY).first()
    error = ""
    if request.method == "POST":
        try:
            terminal_save(tmn_code=request.POST.get("tmn_code", ""), hash_secret=request.POST.get("hash_secret", ""),
                          pay_url=request.POST.get("pay_url", ""), api_url=request.POST.get("api_url", ""),
                          is_active=bool(request.POST.get("is_active")), actor=request.user.username)
        except FeeError as exc:
            error = exc.message
        else:
            messages.success(request, "Đã lưu cấu hình terminal. Khoá bí mật được mã hoá và không hiển thị lại.")
            return redirect("fees-staff:terminal")
    return render(request, "fees/staff_terminal.html", {"terminal": current, "error": error,
                                                        "allowed": allowed_shown(Provider.VNPAY)},
                  status=400 if error else 200)


@admin_required
def invoices(request: HttpRequest) -> HttpResponse:
    from billing.leasing.selectors import tenant_invoices

    return render(request, "fees/staff_invoices.html", {"invoices": tenant_invoices(tenant=request.tenant)})


@admin_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    from billing.leasing.pdf import invoice_pdf as render_invoice
    from billing.leasing.selectors import tenant_invoice

    invoice = tenant_invoice(tenant=request.tenant, invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoa-don-{invoice.number}.pdf"'
    return response
