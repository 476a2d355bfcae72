"""Writes of the fee payments: terminals, payment requests, checkout.

The outcome of a payment is decided only in ``billing.fees.confirm`` (IPN and querydr) and
``billing.fees.refunds`` (staff refunds); every change of a status goes through its machine's
``transition()`` (``billing.fees.transitions``).
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.fees.gateway import gateway_for, payment_ref
from billing.fees.models import MerchantTerminal, Payment, PaymentEvent, PaymentRequest, Provider
from billing.fees.transitions import payment_transition, request_transition
from billing.gateways.allowlist import terminal_url_problem
from billing.gateways.types import GatewayUnavailable, ProviderError
from core import crypto

_TMN_RE = re.compile(r"^[A-Za-z0-9]{8}$")


class FeeError(Exception):
    """A refusal to show as is (Vietnamese)."""

    def __init__(self, message: str, *, code: str = "invalid", retry_later: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_later = retry_later


# ------------------------------------------------------------------------------ terminals
def terminal_save(
    *, provider: str = Provider.VNPAY, tmn_code: str, hash_secret: str = "", pay_url: str = "",
    api_url: str = "", is_active: bool = True, actor: str = "",
) -> MerchantTerminal:
    """Create or update the tenant's terminal. An empty ``hash_secret`` keeps the saved one."""
    tmn_code = tmn_code.strip()
    if provider == Provider.VNPAY and not _TMN_RE.match(tmn_code):
        raise FeeError("Mã terminal (TmnCode) gồm đúng 8 chữ cái hoặc chữ số.", code="tmn_code")
    existing = MerchantTerminal.objects.filter(provider=provider).first()
    secret = hash_secret.strip()
    if not secret and existing is None:
        raise FeeError("Cần nhập khoá bí mật (HashSecret) khi cấu hình lần đầu.", code="hash_secret")
    if secret and len(secret) < 8:
        raise FeeError("Khoá bí mật (HashSecret) quá ngắn.", code="hash_secret")
    for url in (pay_url, api_url):
        if len(url.strip()) > MerchantTerminal._meta.get_field("pay_url").max_length:
            raise FeeError("Địa chỉ cổng thanh toán quá dài.", code="url")
        if url.strip() and not url.strip().startswith(("http://", "https://")):
            raise FeeError("Địa chỉ cổng thanh toán phải bắt đầu bằng http:// hoặc https://", code="url")
        problem = terminal_url_problem(provider, url)  # only the hosts this environment allows
        if problem:
            raise FeeError(problem, code="url")
    terminal = existing or MerchantTerminal(provider=provider)
    terminal.tmn_code = tmn_code
    if secret:
        terminal.hash_secret_encrypted = crypto.encrypt(secret)
    terminal.pay_url, terminal.api_url = pay_url.strip(), api_url.strip()
    terminal.is_active, terminal.updated_by = is_active, actor[:150]
    terminal.save()
    return terminal


def terminal_active(provider: str = Provider.VNPAY) -> MerchantTerminal | None:
    return MerchantTerminal.objects.filter(provider=provider, is_active=True).first()


# ----------------------------------------------------------------------- payment requests
def payment_request_create(
    *, subject_type: str, subject_id: int, reference: str, amount_vnd: int, description: str,
    procedure_id: int | None = None, procedure_name: str = "", unit_id: int | None = None, unit_name: str = "",
) -> PaymentRequest:
    """What a subject (a dossier) owes. Idempotent: while one is open for the subject, it is returned."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise FeeError("Số tiền phải là số nguyên VND lớn hơn 0.", code="amount")
    if not subject_type or not reference:
        raise FeeError("Thiếu loại đối tượng hoặc mã hồ sơ.", code="subject")
    existing = PaymentRequest.objects.filter(subject_type=subject_type, subject_id=subject_id,
                                             status=PaymentRequest.Status.OPEN).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PaymentRequest.objects.create(
                subject_type=subject_type, subject_id=subject_id, reference=reference[:100],
                amount_vnd=amount_vnd, description=description[:500], procedure_id=procedure_id,
                procedure_name=procedure_name[:500], unit_id=unit_id, unit_name=unit_name[:255],
                token=secrets.token_urlsafe(24),
            )
    except IntegrityError:  # created meanwhile by a concurrent call
        return PaymentRequest.objects.get(subject_type=subject_type, subject_id=subject_id,
                                          status=PaymentRequest.Status.OPEN)


def payment_request_cancel(*, request_id: int, actor: str = "", note: str = "") -> PaymentRequest:
    with transaction.atomic():
        req = PaymentRequest.objects.select_for_update().get(pk=request_id)
        if req.status != PaymentRequest.Status.OPEN:
            raise FeeError("Chỉ huỷ được yêu cầu đang chờ thanh toán.", code="state")
        return request_transition(req, PaymentRequest.Status.CANCELLED, source="staff" if actor else "system",
                                  actor=actor, note=note or "Huỷ yêu cầu thanh toán")


# --------------------------------------------------------------------------------- checkout
def _new_txn_ref(req: PaymentRequest) -> str:
    stamp = timezone.localtime().strftime("%y%m%d")
    return f"{stamp}{req.pk:06d}{secrets.token_hex(4).upper()}"


def payment_checkout(
    *, request: PaymentRequest, idempotency_key: str, ip_addr: str, return_url: str,
    provider: str = Provider.VNPAY, now: datetime | None = None,
) -> Payment:
    """Start (or resume, for the same key) a payment attempt; its ``pay_url`` is where the citizen goes.

    Nothing is marked paid here. The gateway is asked first (querydr on the new reference), so a
    gateway that is down or slow gives the citizen a clear message and leaves no attempt behind. When the
    checkout itself cannot be made (Redis down), the attempt is closed as failed and the citizen told
    to try again (``retry_later``); an attempt a crash leaves without a pay URL is expired by the
    reconciliation (``billing.fees.confirm.payment_reconcile``).
    """
    key = (idempotency_key or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9_\-]{8,64}", key):
        raise FeeError("Phiên thao tác không hợp lệ; xin tải lại trang.", code="idempotency_key")
    key = f"{request.pk}-{key}"
    same = Payment.objects.filter(idempotency_key=key).first()
    if same is not None:
        return same
    request.refresh_from_db(fields=["status"])
    if request.status == PaymentRequest.Status.PAID:
        raise FeeError("Khoản phí này đã được thanh toán.", code="paid")
    if request.status != PaymentRequest.Status.OPEN:
        raise FeeError("Yêu cầu thanh toán này không còn hiệu lực.", code="closed")
    terminal = terminal_active(provider)
    if terminal is None:
        raise FeeError("Đơn vị chưa cấu hình cổng thanh toán trực tuyến; xin nộp phí tại Bộ phận Một cửa.",
                       code="no_terminal")
    gateway = gateway_for(terminal, interactive=True)
    txn_ref = _new_txn_ref(request)
    try:
        gateway.preflight(txn_ref)
    except ProviderError as exc:
        raise FeeError(exc.message, code=exc.code, retry_later=isinstance(exc, GatewayUnavailable)) from exc
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                request=request, provider=provider, txn_ref=txn_ref, idempotency_key=key,
                amount_vnd=request.amount_vnd, ip_addr=ip_addr[:45],
            )
            PaymentEvent.objects.create(payment=payment, from_status="", to_status=payment.status,
                                        source="citizen", note="Bắt đầu thanh toán")
    except IntegrityError:  # the same key, concurrently (double click)
        return Payment.objects.get(idempotency_key=key)
    try:
        result = gateway.checkout(payment_ref(payment), order_info=f"Thanh toan phi le phi ho so {request.reference}",
                                  ip_addr=ip_addr, return_url=return_url)
    except ProviderError as exc:
        # The attempt never reached the gateway: closed at once (the reconciliation expires any attempt
        # left like this by a crash), and the citizen is told whether to try again later.
        payment_transition(payment, Payment.Status.FAILED, source="system", note=exc.message)
        raise FeeError(exc.message, code=exc.code, retry_later=isinstance(exc, GatewayUnavailable)) from exc
    Payment.objects.filter(pk=payment.pk).update(pay_url=result.url, gateway_created=result.created_stamp,
                                                 expires_at=result.expires_at)
    payment.refresh_from_db()
    return payment
