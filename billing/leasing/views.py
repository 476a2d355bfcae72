"""Operator pages under /console/billing/: revenue, outstanding/overdue, invoice run, payments, report."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.leasing import selectors, services
from billing.leasing.models import Invoice, InvoicePayment, LeaseContract
from billing.leasing.pdf import invoice_pdf
from core.access import operator_required


@operator_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "leasing/dashboard.html", {
        "revenue": selectors.revenue(), "outstanding": selectors.outstanding_by_tenant(),
        "invoices": selectors.recent_invoices(), "contracts": LeaseContract.objects.filter(is_active=True)
        .select_related("tenant"), "methods": InvoicePayment.Method.choices, "today": timezone.localdate(),
    })


@operator_required
@require_POST
def run_invoices(request: HttpRequest) -> HttpResponse:
    counts = services.invoice_run(on=timezone.localdate())
    messages.success(request, f"Đã lập {counts['created']} hoá đơn mới; {counts['existing']} hoá đơn của kỳ này "
                              "đã có từ trước (không lập trùng).")
    return redirect("leasing:dashboard")


@operator_required
@require_POST
def record_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice, pk=invoice_id)
    raw = request.POST.get("amount_vnd", "").replace(".", "").replace(",", "").strip()
    try:
        received = date.fromisoformat(request.POST.get("received_on") or timezone.localdate().isoformat())
        services.payment_record(invoice_id=invoice.pk, amount_vnd=int(raw) if raw else invoice.total_vnd
                                - invoice.paid_vnd, method=request.POST.get("method", "bank_transfer"),
                                reference=request.POST.get("reference", ""), received_on=received,
                                actor=request.user.username)
    except ValueError:
        messages.error(request, "Số tiền hoặc ngày nhận không hợp lệ.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Đã ghi nhận thanh toán cho hoá đơn {invoice.number}.")
    return redirect("leasing:dashboard")


@operator_required
@require_POST
def hold(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = services.contract_set_hold(contract_id=contract_id, hold=request.POST.get("hold") == "1")
    messages.success(request, f"Hợp đồng {contract.number}: " + (
        "hoãn tạm ngừng dịch vụ khi nợ quá hạn." if contract.suspension_hold else "áp dụng lại tạm ngừng khi quá hạn."))
    return redirect("leasing:dashboard")


@operator_required
def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("tenant", "contract"), pk=invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hoa-don-{invoice.number}.pdf"'
    return response


@operator_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    from billing.leasing.reconciliation import reconciliation_report

    return render(request, "leasing/reconciliation.html", {"report": reconciliation_report()})
