"""The National Public Service Portal's payment platform (PayGov), simulated behind the same interface.

The real platform's protocol is not public; this stand-in signs its redirects and notifications with
HMAC-SHA256 over the sorted ``key=value`` pairs and keeps no state: enough to show that a second
provider plugs into checkout, notifications, queries and refunds without touching the services.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from billing.fees.providers import (
    CheckoutResult,
    GatewayRejected,
    GatewayStatus,
    InvalidSignature,
    Notification,
    RefundResult,
)
from billing.gateways.vnpay import VN_TZ, format_vnp_date
from core import crypto


def sign(params: dict[str, str], secret: str) -> str:
    data = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "signature")
    return hmac.new(secret.encode(), data.encode(), hashlib.sha256).hexdigest()


class PayGovProvider:
    code = "paygov"

    def __init__(self, terminal: Any) -> None:
        self.terminal = terminal
        self.secret = crypto.decrypt(terminal.hash_secret_encrypted)

    def preflight(self, txn_ref: str) -> None:
        return None

    def checkout(self, payment: Any, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult:
        created = datetime.now(VN_TZ)
        params = {"merchant": self.terminal.tmn_code, "order": payment.txn_ref, "amount": str(payment.amount_vnd),
                  "info": order_info, "return": return_url, "created": format_vnp_date(created)}
        params["signature"] = sign(params, self.secret)
        base = self.terminal.pay_url or getattr(settings, "PAYGOV_PAY_URL", "http://127.0.0.1:8766/pay")
        return CheckoutResult(url=f"{base}?{urlencode(params)}", gateway_created=params["created"],
                              expires_at=created + timedelta(minutes=15))

    def parse_notification(self, params: dict[str, str]) -> Notification:
        if params.get("merchant") != self.terminal.tmn_code or not hmac.compare_digest(
                sign(params, self.secret), params.get("signature", "")):
            raise InvalidSignature("Chữ ký không hợp lệ", code="invalid_signature")
        try:
            amount = int(params.get("amount", ""))
        except ValueError as exc:
            raise InvalidSignature("Số tiền không hợp lệ", code="bad_amount") from exc
        status = params.get("status", "")
        outcome = {"paid": "succeeded", "cancelled": "canceled", "expired": "expired"}.get(status, "failed")
        return Notification(txn_ref=params.get("order", ""), amount_vnd=amount, outcome=outcome,
                            transaction_no=params.get("transaction", ""), response_code=status[:4], raw=dict(params))

    def query(self, payment: Any) -> GatewayStatus:
        return GatewayStatus(found=False)  # the simulated platform keeps no records: IPN only

    def refund(self, payment: Any, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult:
        raise GatewayRejected("Nền tảng thanh toán của Cổng DVC quốc gia (mô phỏng) chưa hỗ trợ hoàn tiền trực tuyến; "
                              "xin lập thủ tục hoàn tiền thủ công.", code="not_supported")
