"""VNPay behind billing's provider interface (``billing.gateways.types``): the Django side of the client.

The rest of this package imports no Django; this module reads the project's settings (timeouts, default
URLs, Redis) and turns VNPay's Stripe-shaped objects into billing's typed ones. The IPN goes through
the same event layer as every other reader of VNPay's notifications (:func:`construct_events`): the
signature is checked, the codes are mapped once (``mapping.py``), and billing receives a
:class:`VerifiedNotification`. Nothing here calls billing back: the exchange recorder is passed in.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings

from billing.gateways.allowlist import allowed_urls
from billing.gateways.types import (
    CheckoutResult,
    ExchangeRecorder,
    GatewayRejected,
    GatewayUnavailable,
    InvalidNotification,
    IpnAck,
    Outcome,
    PaymentRef,
    QueryResult,
    RefundOutcome,
    RefundResult,
    ReportedPayment,
    Terminal,
    VerifiedNotification,
)

from .client import VNPayClient
from .codes import IPN_REPLY_MESSAGES, RESPONSE_MESSAGES_VI, IpnRspCode, ipn_reply, is_success
from .config import VNPayConfig
from .conventions import VN_TZ, clean_order_info, format_vnp_date, from_wire_amount
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    DestinationRefusedError,
    InvalidRequestError,
    RateLimitError,
    SignatureVerificationError,
    StoreUnavailableError,
    VNPayError,
)
from .events import (
    CHARGE_REFUNDED,
    CHECKOUT_SESSION_COMPLETED,
    CHECKOUT_SESSION_EXPIRED,
    PAYMENT_INTENT_CANCELED,
    PAYMENT_INTENT_PAYMENT_FAILED,
    PAYMENT_INTENT_PROCESSING,
    PAYMENT_INTENT_SUCCEEDED,
    construct_events,
    ipn_reply_for_exception,
)
from .idempotency import RedisIdempotencyStore
from .objects import CheckoutSession, Event, PaymentIntent

UNAVAILABLE = "Cổng thanh toán VNPay đang tạm thời không phản hồi. Chưa có khoản tiền nào bị trừ; " \
              "xin vui lòng thử lại sau ít phút."
STORE_UNAVAILABLE = "Hệ thống thanh toán trực tuyến đang tạm thời gián đoạn. Chưa có khoản tiền nào bị trừ; " \
                    "xin vui lòng thử lại sau ít phút."
REFUSED_DESTINATION = "Địa chỉ cổng thanh toán của đơn vị không nằm trong danh sách được phép; " \
                      "xin liên hệ bộ phận Một cửa."

# The primary event of a notification -> what became of the payment.
EVENT_OUTCOME: dict[str, Outcome] = {
    PAYMENT_INTENT_SUCCEEDED: Outcome.SUCCEEDED,
    CHECKOUT_SESSION_COMPLETED: Outcome.SUCCEEDED,
    CHECKOUT_SESSION_EXPIRED: Outcome.EXPIRED,
    PAYMENT_INTENT_CANCELED: Outcome.CANCELED,
    PAYMENT_INTENT_PROCESSING: Outcome.PENDING,  # debited but under review / not final: querydr decides later
    PAYMENT_INTENT_PAYMENT_FAILED: Outcome.FAILED,
    CHARGE_REFUNDED: Outcome.PENDING,  # a refund's notice decides nothing about the payment
}
# querydr's intent status -> outcome.
INTENT_OUTCOME: dict[str, Outcome] = {
    "succeeded": Outcome.SUCCEEDED, "canceled": Outcome.CANCELED, "requires_payment_method": Outcome.FAILED,
    "requires_action": Outcome.PENDING, "processing": Outcome.PENDING,
}
ACK_CODE: dict[IpnAck, IpnRspCode] = {
    IpnAck.CONFIRMED: IpnRspCode.CONFIRM_SUCCESS,
    IpnAck.NOT_FOUND: IpnRspCode.ORDER_NOT_FOUND,
    IpnAck.ALREADY_CONFIRMED: IpnRspCode.ORDER_ALREADY_CONFIRMED,
    IpnAck.AMOUNT_MISMATCH: IpnRspCode.INVALID_AMOUNT,
    IpnAck.INVALID_SIGNATURE: IpnRspCode.INVALID_SIGNATURE,
    IpnAck.ERROR: IpnRspCode.UNKNOWN_ERROR,
}
CODE_ACK: dict[str, IpnAck] = {code.value: ack for ack, code in ACK_CODE.items()}
_REPLIES: dict[IpnAck, dict[str, str]] = {ack: ipn_reply(code) for ack, code in ACK_CODE.items()}
# Our replies after which VNPay's notification was one we had verified (97: not verified; 99: unknown).
_VERIFIED_REPLIES = frozenset(code for code in IPN_REPLY_MESSAGES if code not in ("97", "99"))

_clients: dict[tuple, VNPayClient] = {}
_clients_lock = threading.Lock()


def notification_from_events(events: list[Event]) -> VerifiedNotification:
    """The verified notification that VNPay's events (primary first) amount to."""
    event = events[0]
    obj = event.data.object
    intent = obj.payment_intent if isinstance(obj, CheckoutSession) else obj
    outcome = EVENT_OUTCOME.get(event.type, Outcome.PENDING)
    if isinstance(intent, PaymentIntent):
        return VerifiedNotification(
            reference=intent.client_reference_id, amount_vnd=intent.amount, outcome=outcome,
            transaction_no=intent.transaction_no or "", bank_code=intent.bank_code or "",
            result_code=intent.response_code or "", raw=dict(event.raw))
    return VerifiedNotification(  # a refund's notice
        reference=obj.client_reference_id, amount_vnd=obj.amount, outcome=outcome,
        transaction_no=getattr(obj, "transaction_no", None) or "", result_code=getattr(obj, "response_code", None)
        or "", raw=dict(event.raw))


def _reference_in(request: dict[str, Any] | None) -> str:
    params = (request or {}).get("params") or (request or {}).get("json") or {}
    return str(params.get("vnp_TxnRef", ""))[:100] if isinstance(params, dict) else ""


class VNPayProvider:
    code: ClassVar[str] = "vnpay"
    report_kinds: ClassVar[tuple[str, ...]] = ("ipn", "querydr")

    def __init__(self, terminal: Terminal, *, interactive: bool = False,
                 recorder: ExchangeRecorder | None = None) -> None:
        self.terminal = terminal
        self.interactive = interactive
        self.recorder = recorder

    # ------------------------------------------------------------ client
    def _hook(self, kind: str, request: dict[str, Any], response: dict[str, Any] | None, error: str | None) -> None:
        if self.recorder is not None:
            self.recorder(provider=self.code, kind=kind, reference=_reference_in(request), request=request,
                          response=response, error=error or "")

    def client(self) -> VNPayClient:
        t = self.terminal
        allowed = allowed_urls(self.code)
        key = (t.scope, t.version, t.merchant_code, self.interactive, self.recorder, allowed)
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                timeout = float(settings.VNPAY_TIMEOUT_S)
                config = VNPayConfig(
                    tmn_code=t.merchant_code, hash_secret=t.secret,
                    pay_url=t.pay_url or settings.VNPAY_PAY_URL, api_url=t.api_url or settings.VNPAY_API_URL,
                    read_timeout_s=timeout, connect_timeout_s=min(timeout, 3.0),
                    # A citizen waits on interactive calls: one try, short; background work retries.
                    max_retries=0 if self.interactive else 2, backoff_base_s=0.5, backoff_cap_s=4.0,
                    # Only the origins this environment allows for VNPay (``billing.gateways.allowlist``).
                    allowed_urls=allowed, only_allowed=True,
                )
                store = RedisIdempotencyStore(url=settings.REDIS_URL, prefix=f"motcua:vnpay:idem:{t.scope}:")
                client = VNPayClient(config, idempotency_store=store, on_exchange=self._hook)
                _clients[key] = client
            return client

    # ---------------------------------------------------------- checkout
    def preflight(self, reference: str) -> None:
        """Ask the gateway about the new reference before sending the citizen there: a gateway that
        is down or slow is told to the citizen here, not by a browser error page."""
        try:
            self.client().payment_intents.retrieve(reference, transaction_date=format_vnp_date(datetime.now(VN_TZ)))
        except InvalidRequestError as exc:
            if exc.code == "transaction_not_found":
                return  # the expected answer: the reference is free
            raise GatewayRejected(f"Cổng thanh toán từ chối yêu cầu: {exc.message}", code=exc.code) from exc
        except DestinationRefusedError as exc:
            raise GatewayRejected(REFUSED_DESTINATION, code=exc.code) from exc
        except (APIConnectionError, RateLimitError, APIError) as exc:
            raise GatewayUnavailable(UNAVAILABLE, code=exc.code) from exc
        except AuthenticationError as exc:
            raise GatewayRejected("Cấu hình terminal thanh toán của đơn vị không hợp lệ; "
                                  "xin liên hệ bộ phận Một cửa.", code=exc.code) from exc
        raise GatewayRejected("Mã giao dịch đã tồn tại tại cổng thanh toán; xin thử lại.", code="txn_exists")

    def checkout(self, payment: PaymentRef, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult:
        try:
            session = self.client().checkout.sessions.create(
                amount_vnd=payment.amount_vnd, client_reference_id=payment.reference, order_info=order_info,
                ip_addr=ip_addr, idempotency_key=payment.idempotency_key, return_url=return_url,
                expires_in=15 * 60, metadata=dict(payment.metadata),
            )
        except StoreUnavailableError as exc:  # Redis down: nothing was created, the citizen tries again
            raise GatewayUnavailable(STORE_UNAVAILABLE, code=exc.code) from exc
        except VNPayError as exc:
            raise GatewayRejected(f"Không tạo được phiên thanh toán: {exc.message}", code=exc.code) from exc
        return CheckoutResult(url=session.url or "", created_stamp=session.transaction_date or "",
                              expires_at=session.expires_at)

    # --------------------------------------------------------------- IPN
    def verify_notification(self, params: dict[str, str]) -> VerifiedNotification:
        try:
            events = construct_events(params, self.terminal.secret, tmn_code=self.terminal.merchant_code)
        except SignatureVerificationError as exc:
            raise InvalidNotification("Chữ ký không hợp lệ", code=exc.code, ack=IpnAck.INVALID_SIGNATURE) from exc
        except VNPayError as exc:  # signed, but not readable (amount, reference, date): the event layer's reply
            ack = CODE_ACK[ipn_reply_for_exception(exc)["RspCode"]]
            raise InvalidNotification("Thông báo không hợp lệ", code=exc.code, ack=ack) from exc
        return notification_from_events(events)

    # ----------------------------------------------------------- querydr
    def query(self, payment: PaymentRef) -> QueryResult:
        try:
            intent = self.client().payment_intents.retrieve(
                payment.reference, transaction_date=payment.created_stamp,
                order_info=f"Truy van giao dich {payment.reference}")
        except InvalidRequestError as exc:
            if exc.code == "transaction_not_found":
                return QueryResult(found=False)
            raise GatewayRejected(exc.message, code=exc.code) from exc
        except DestinationRefusedError as exc:
            raise GatewayRejected(REFUSED_DESTINATION, code=exc.code) from exc
        except (APIConnectionError, RateLimitError, APIError) as exc:
            raise GatewayUnavailable(UNAVAILABLE, code=exc.code) from exc
        except VNPayError as exc:
            raise GatewayRejected(exc.message, code=exc.code) from exc
        return QueryResult(found=True, outcome=INTENT_OUTCOME.get(intent.status, Outcome.PENDING),
                           amount_vnd=intent.amount, transaction_no=intent.transaction_no or "",
                           bank_code=intent.bank_code or "", result_code=intent.response_code or "",
                           abandoned=intent.status == "requires_action")

    # ------------------------------------------------------------ refund
    def refund(self, payment: PaymentRef, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult:
        try:
            refund = self.client().refunds.create(
                client_reference_id=payment.reference, transaction_date=payment.created_stamp,
                original_amount_vnd=payment.amount_vnd, amount_vnd=amount_vnd,
                transaction_no=payment.transaction_no or None, create_by=actor or "staff",
                reason=clean_order_info(reason, max_length=120) if reason.strip() else None,
                idempotency_key=idempotency_key,
            )
        except (APIConnectionError, RateLimitError, StoreUnavailableError) as exc:
            raise GatewayUnavailable("Cổng VNPay không phản hồi; yêu cầu hoàn tiền chưa được gửi thành công. "
                                     "Xin thử lại sau.", code=exc.code) from exc
        except DestinationRefusedError as exc:
            raise GatewayRejected(REFUSED_DESTINATION, code=exc.code) from exc
        except VNPayError as exc:
            raise GatewayRejected(f"VNPay từ chối hoàn tiền: {exc.message}", code=exc.code) from exc
        return RefundResult(status=RefundOutcome(refund.status), gateway_id=refund.id, message=refund.message or "")

    # ------------------------------------------------- protocol facts
    @staticmethod
    def reply(ack: IpnAck) -> dict[str, str]:
        """The IPN reply body VNPay expects (its table: ``codes.IPN_REPLY_MESSAGES``)."""
        return dict(_REPLIES[ack])

    @staticmethod
    def reference_of(params: dict[str, Any]) -> str:
        """The transaction reference a notification names (unverified: for the record only)."""
        return str(params.get("vnp_TxnRef", ""))[:100]

    @staticmethod
    def describe(result_code: str) -> str:
        """What a payment result code means, for the payer (Vietnamese); "" when unknown."""
        return RESPONSE_MESSAGES_VI.get(result_code, "")

    @staticmethod
    def reported_payment(*, kind: str, request: dict[str, Any] | None,
                         response: dict[str, Any] | None) -> ReportedPayment | None:
        """The payment a recorded IPN (as we verified it) or querydr answer shows as paid, if any."""
        if kind == "ipn":
            params = (request or {}).get("params") or {}
            verified = (response or {}).get("RspCode") in _VERIFIED_REPLIES
        elif kind == "querydr":
            params = (response or {}).get("json") or {}
            verified = True
        else:
            return None
        if not verified or not is_success(params.get("vnp_ResponseCode"), params.get("vnp_TransactionStatus")):
            return None
        try:
            return ReportedPayment(reference=str(params.get("vnp_TxnRef")),
                                   amount_vnd=from_wire_amount(params.get("vnp_Amount")))
        except VNPayError:
            return None
