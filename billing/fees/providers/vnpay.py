"""VNPay behind the provider interface: the tenant's terminal, the gateway client, raw exchanges kept."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from billing.fees.providers import (
    CheckoutResult,
    GatewayRejected,
    GatewayStatus,
    GatewayUnavailable,
    InvalidSignature,
    Notification,
    RefundResult,
)
from billing.gateways import vnpay
from core import crypto

UNAVAILABLE = "Cổng thanh toán VNPay đang tạm thời không phản hồi. Chưa có khoản tiền nào bị trừ; " \
              "xin vui lòng thử lại sau ít phút."

_clients: dict[tuple, vnpay.VNPayClient] = {}
_clients_lock = threading.Lock()


def record_exchange(provider: str, kind: str, request: dict[str, Any], response: dict[str, Any] | None,
                    error: str | None) -> None:
    """Keep a raw exchange (append-only); never breaks the caller's transaction."""
    from billing.fees.models import GatewayExchange

    params = request.get("params") or request.get("json") or {}
    txn_ref = str(params.get("vnp_TxnRef", ""))[:100] if isinstance(params, dict) else ""
    with transaction.atomic():
        GatewayExchange.objects.create(provider=provider, kind=kind[:32], txn_ref=txn_ref, request=request,
                                       response=response, error=error or "")


def _hook(kind: str, request: dict[str, Any], response: dict[str, Any] | None, error: str | None) -> None:
    record_exchange("vnpay", kind, request, response, error)


def outcome_for(response_code: str, transaction_status: str) -> str:
    """Payment.Status for a pay result (IPN)."""
    if response_code == "00" and transaction_status == "00":
        return "succeeded"
    if response_code == "07" or (response_code == "00" and transaction_status in ("", "01", "07")):
        return "pending"  # debited but under review / not final: querydr decides later
    if response_code == "24":
        return "canceled"
    if response_code == "11":
        return "expired"
    return "failed"


_INTENT_OUTCOME = {"succeeded": "succeeded", "canceled": "canceled", "requires_payment_method": "failed",
                   "requires_action": "pending", "processing": "pending"}


class VNPayProvider:
    code = "vnpay"

    def __init__(self, terminal: Any, *, interactive: bool = False) -> None:
        self.terminal = terminal
        self.interactive = interactive
        self.secret = crypto.decrypt(terminal.hash_secret_encrypted)

    # ------------------------------------------------------------ client
    def client(self) -> vnpay.VNPayClient:
        t = self.terminal
        key = (connection.schema_name, t.pk, t.updated_at, self.interactive)
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                timeout = float(settings.VNPAY_TIMEOUT_S)
                config = vnpay.VNPayConfig(
                    tmn_code=t.tmn_code, hash_secret=self.secret,
                    pay_url=t.pay_url or settings.VNPAY_PAY_URL, api_url=t.api_url or settings.VNPAY_API_URL,
                    read_timeout_s=timeout, connect_timeout_s=min(timeout, 3.0),
                    # A citizen waits on interactive calls: one try, short; background work retries.
                    max_retries=0 if self.interactive else 2, backoff_base_s=0.5, backoff_cap_s=4.0,
                )
                store = vnpay.RedisIdempotencyStore(url=settings.REDIS_URL,
                                                    prefix=f"motcua:vnpay:idem:{connection.schema_name}:")
                client = vnpay.VNPayClient(config, idempotency_store=store, on_exchange=_hook)
                _clients[key] = client
            return client

    # ---------------------------------------------------------- checkout
    def preflight(self, txn_ref: str) -> None:
        """Ask the gateway about the new reference before sending the citizen there: a gateway that
        is down or slow is told to the citizen here, not by a browser error page."""
        try:
            self.client().payment_intents.retrieve(txn_ref, transaction_date=vnpay.format_vnp_date(
                datetime.now(vnpay.VN_TZ)))
        except vnpay.InvalidRequestError as exc:
            if exc.code == "transaction_not_found":
                return  # the expected answer: the reference is free
            raise GatewayRejected(f"Cổng thanh toán từ chối yêu cầu: {exc.message}", code=exc.code) from exc
        except (vnpay.APIConnectionError, vnpay.RateLimitError, vnpay.APIError) as exc:
            raise GatewayUnavailable(UNAVAILABLE, code=exc.code) from exc
        except vnpay.AuthenticationError as exc:
            raise GatewayRejected("Cấu hình terminal thanh toán của đơn vị không hợp lệ; "
                                  "xin liên hệ bộ phận Một cửa.", code=exc.code) from exc
        raise GatewayRejected("Mã giao dịch đã tồn tại tại cổng thanh toán; xin thử lại.", code="txn_exists")

    def checkout(self, payment: Any, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult:
        try:
            session = self.client().checkout.sessions.create(
                amount_vnd=payment.amount_vnd, client_reference_id=payment.txn_ref, order_info=order_info,
                ip_addr=ip_addr, idempotency_key=payment.idempotency_key, return_url=return_url,
                expires_in=15 * 60, metadata={"request": str(payment.request_id)},
            )
        except vnpay.VNPayError as exc:
            raise GatewayRejected(f"Không tạo được phiên thanh toán: {exc.message}", code=exc.code) from exc
        return CheckoutResult(url=session.url or "", gateway_created=session.transaction_date or "",
                              expires_at=session.expires_at)

    # --------------------------------------------------------------- IPN
    def parse_notification(self, params: dict[str, str]) -> Notification:
        try:
            flat = vnpay.verify(params, self.secret, tmn_code=self.terminal.tmn_code)
        except vnpay.SignatureVerificationError as exc:
            raise InvalidSignature("Chữ ký không hợp lệ", code=exc.code) from exc
        try:
            amount = vnpay.from_wire_amount(flat.get("vnp_Amount"))
        except (vnpay.VNPayError, ValueError) as exc:
            raise InvalidSignature("Số tiền không hợp lệ", code="bad_amount") from exc
        rc, ts = flat.get("vnp_ResponseCode", ""), flat.get("vnp_TransactionStatus", "")
        return Notification(
            txn_ref=flat.get("vnp_TxnRef", ""), amount_vnd=amount, outcome=outcome_for(rc, ts),
            transaction_no=flat.get("vnp_TransactionNo", ""), bank_code=flat.get("vnp_BankCode", ""),
            response_code=rc, raw={k: v for k, v in flat.items() if k != "vnp_SecureHash"},
        )

    # ----------------------------------------------------------- querydr
    def query(self, payment: Any) -> GatewayStatus:
        try:
            intent = self.client().payment_intents.retrieve(
                payment.txn_ref, transaction_date=payment.gateway_created,
                order_info=f"Truy van giao dich {payment.txn_ref}")
        except vnpay.InvalidRequestError as exc:
            if exc.code == "transaction_not_found":
                return GatewayStatus(found=False)
            raise GatewayRejected(exc.message, code=exc.code) from exc
        except (vnpay.APIConnectionError, vnpay.RateLimitError, vnpay.APIError) as exc:
            raise GatewayUnavailable(UNAVAILABLE, code=exc.code) from exc
        except vnpay.VNPayError as exc:
            raise GatewayRejected(exc.message, code=exc.code) from exc
        return GatewayStatus(found=True, outcome=_INTENT_OUTCOME.get(intent.status, "pending"),
                             amount_vnd=intent.amount, transaction_no=intent.transaction_no or "",
                             bank_code=intent.bank_code or "", response_code=intent.response_code or "")

    # ------------------------------------------------------------ refund
    def refund(self, payment: Any, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult:
        try:
            refund = self.client().refunds.create(
                client_reference_id=payment.txn_ref, transaction_date=payment.gateway_created,
                original_amount_vnd=payment.amount_vnd, amount_vnd=amount_vnd,
                transaction_no=payment.transaction_no or None, create_by=actor or "staff",
                reason=vnpay.clean_order_info(reason, max_length=120) if reason.strip() else None,
                idempotency_key=idempotency_key,
            )
        except (vnpay.APIConnectionError, vnpay.RateLimitError) as exc:
            raise GatewayUnavailable("Cổng VNPay không phản hồi; yêu cầu hoàn tiền chưa được gửi thành công. "
                                     "Xin thử lại sau.", code=exc.code) from exc
        except vnpay.VNPayError as exc:
            raise GatewayRejected(f"VNPay từ chối hoàn tiền: {exc.message}", code=exc.code) from exc
        return RefundResult(status=refund.status, gateway_id=refund.id, message=refund.message or "")
