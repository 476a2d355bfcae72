"""Citizen pages (pay, return, receipt) and the gateway's IPN. No business logic here."""

from __future__ import annotations

import secrets

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.fees import selectors
from billing.fees.confirm import ipn_handle
from billing.fees.models import PaymentRequest, Provider
from billing.fees.receipts import receipt_pdf
from billing.fees.services import FeeError, payment_checkout


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "127.0.0.1"


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    req = get_object_or_404(PaymentRequest, token=token)
    error, status = "", 200
    if request.method == "POST":
        try:
            payment = payment_checkout(
                request=req, idempotency_key=request.POST.get("key", ""), ip_addr=_client_ip(request),
                return_url=request.build_absolute_uri(reverse("fees:vnpay-return")),
            )
        except FeeError as exc:
            error, status = exc.message, (503 if exc.retry_later else 409)
        else:
            if payment.pay_url and payment.status == "pending":
                return redirect(payment.pay_url)
            error = "Giao dịch này không còn dùng được; xin bấm thanh toán lại."
    context = {"req": req, "attempts": selectors.request_attempts(req), "key": secrets.token_urlsafe(16),
               "error": error}
    return render(request, "fees/pay.html", context, status=status)


@never_cache
@require_GET
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """Display only: the state shown is ours (set by the IPN), the gateway's code only explains."""
    view = selectors.return_view(provider=Provider.VNPAY, params=request.GET.dict())
    return render(request, "fees/return.html", view)


@csrf_exempt
@require_GET
def vnpay_ipn(request: HttpRequest) -> JsonResponse:
    return JsonResponse(ipn_handle(provider=Provider.VNPAY, params=request.GET.dict()))


@csrf_exempt
@require_POST
def paygov_notify(request: HttpRequest) -> JsonResponse:
    """The national portal's payment platform (simulated) notifies by POST; same decision path as VNPay's IPN."""
    return JsonResponse(ipn_handle(provider=Provider.PAYGOV, params=request.POST.dict()))


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    req = get_object_or_404(PaymentRequest, token=token)
    payment = selectors.receipt_payment(req)
    if payment is None:
        raise Http404("Chưa có biên lai: khoản phí chưa được thanh toán.")
    response = HttpResponse(receipt_pdf(req, payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.txn_ref}.pdf"'
    return response
