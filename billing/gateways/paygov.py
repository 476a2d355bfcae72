"""The National Public Service Portal's payment platform (PayGov), simulated behind the same interface.

The real platform's protocol is not public; this stand-in signs its redirects and notifications with
HMAC-SHA256 over the sorted ``key=value`` pairs, keeps no state, and answers a notification with a
``{"RspCode", "Message"}`` body of its own table: enough to show that a second provider plugs into
checkout, notifications, queries and refunds without touching the services.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

from billing.gateways.types import (
    CheckoutResult,
    ExchangeRecorder,
    GatewayRejected,
    InvalidNotification,
    IpnAck,
    Outcome,
    PaymentRef,
    QueryResult,
    RefundResult,
    ReportedPayment,
    Terminal,
    VerifiedNotification,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP = "%Y%m%d%H%M%S"
STATUS_OUTCOME: dict[str, Outcome] = {"paid": Outcome.SUCCEEDED, "cancelled": Outcome.CANCELED,
                                      "expired": Outcome.EXPIRED}
REPLIES: dict[IpnAck, tuple[str, str]] = {
    IpnAck.CONFIRMED: ("00", "Confirm Success"),
    IpnAck.NOT_FOUND: ("01", "Order not found"),
    IpnAck.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
    IpnAck.AMOUNT_MISMATCH: ("04", "Invalid amount"),
    IpnAck.INVALID_SIGNATURE: ("97", "Invalid signature"),
    IpnAck.ERROR: ("99", "Unknown error"),
}
_VERIFIED_REPLIES = frozenset(code for ack, (code, _) in REPLIES.items()
                              if ack not in (IpnAck.INVALID_SIGNATURE, IpnAck.ERROR))


def sign(params: dict[str, str], secret: str) -> str:
    data = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")
    return hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()


class PayGovProvider:
    code: ClassVar[str] = "paygov"
    report_kinds: ClassVar[tuple[str, ...]] = ("ipn",)

    def __init__(self, terminal: Terminal, *, interactive: bool = False,
                 recorder: ExchangeRecorder | None = None) -> None:
        self.terminal = terminal

    def preflight(self, reference: str) -> None:
        return None

    def checkout(self, payment: PaymentRef, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult:
        created = datetime.now(TZ)
        params = {"merchant": self.terminal.merchant_code, "order": payment.reference,
                  "amount": str(payment.amount_vnd), "info": order_info, "return": return_url,
                  "created": created.strftime(STAMP)}
        params["signature"] = sign(params, self.terminal.secret)
        base = self.terminal.pay_url or getattr(settings, "PAYGOV_PAY_URL", "http://127.0.0.1:8766/pay")
        return CheckoutResult(url=f"{base}?{urlencode(params)}", created_stamp=params["created"],
                              expires_at=created + timedelta(minutes=15))

    def verify_notification(self, params: dict[str, str]) -> VerifiedNotification:
        if params.get("merchant") != self.terminal.merchant_code or not hmac.compare_digest(
                sign(params, self.terminal.secret), params.get("signature", "")):
            raise InvalidNotification("Chữ ký không hợp lệ", code="invalid_signature")
        try:
            amount = int(params.get("amount", ""))
        except ValueError as exc:
            raise InvalidNotification("Số tiền không hợp lệ", code="bad_amount") from exc
        status = params.get("status", "")
        return VerifiedNotification(reference=params.get("order", ""), amount_vnd=amount,
                                    outcome=STATUS_OUTCOME.get(status, Outcome.FAILED),
                                    transaction_no=params.get("transaction", ""), result_code=status[:4],
                                    raw=dict(params))

    def query(self, payment: PaymentRef) -> QueryResult:
        return QueryResult(found=False)  # the simulated platform keeps no records: IPN only

    def refund(self, payment: PaymentRef, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult:
        raise GatewayRejected("Nền tảng thanh toán của Cổng DVC quốc gia (mô phỏng) chưa hỗ trợ hoàn tiền trực tuyến; "
                              "xin lập thủ tục hoàn tiền thủ công.", code="not_supported")

    @staticmethod
    def reply(ack: IpnAck) -> dict[str, str]:
        code, message = REPLIES[ack]
        return {"RspCode": code, "Message": message}

    @staticmethod
    def reference_of(params: dict[str, Any]) -> str:
        return str(params.get("order", ""))[:100]

    @staticmethod
    def describe(result_code: str) -> str:
        return {"paid": "Đã thanh toán", "cancelled": "Người nộp huỷ giao dịch",
                "expired": "Hết hạn chờ thanh toán"}.get(result_code, "")

    @staticmethod
    def reported_payment(*, kind: str, request: dict[str, Any] | None,
                         response: dict[str, Any] | None) -> ReportedPayment | None:
        params = (request or {}).get("params") or {}
        if kind != "ipn" or params.get("status") != "paid" or (response or {}).get("RspCode") not in _VERIFIED_REPLIES:
            return None
        try:
            return ReportedPayment(reference=str(params.get("order", "")), amount_vnd=int(params.get("amount", "")))
        except ValueError:
            return None
