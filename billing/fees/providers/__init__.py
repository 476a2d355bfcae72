"""Payment providers behind one interface (VNPay; the national portal's platform, simulated).

Views and services talk to a :class:`PaymentProvider`; vendor protocols stay in
``billing/gateways/<vendor>/`` and in the adapter of each provider here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from billing.fees.models import MerchantTerminal, Payment


class ProviderError(Exception):
    """Base: ``message`` is shown to people (Vietnamese)."""

    def __init__(self, message: str, *, code: str = "provider_error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class GatewayUnavailable(ProviderError):
    """Down, slow or refusing for now: try again later."""


class GatewayRejected(ProviderError):
    """The gateway said no (configuration, unknown transaction, refund refused...)."""


class InvalidSignature(ProviderError):
    pass


@dataclass(frozen=True)
class CheckoutResult:
    url: str
    gateway_created: str
    expires_at: datetime | None


@dataclass(frozen=True)
class Notification:
    """A verified server-to-server notification (IPN)."""

    txn_ref: str
    amount_vnd: int
    outcome: str  # Payment.Status value the notification leads to (succeeded/failed/canceled/expired/pending)
    transaction_no: str = ""
    bank_code: str = ""
    response_code: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayStatus:
    """querydr: what the gateway knows of a payment (``found`` False: never reached it)."""

    found: bool
    outcome: str = "pending"
    amount_vnd: int = 0
    transaction_no: str = ""
    bank_code: str = ""
    response_code: str = ""


@dataclass(frozen=True)
class RefundResult:
    status: str  # succeeded | pending | failed
    gateway_id: str = ""
    message: str = ""


class PaymentProvider(Protocol):
    code: str

    def checkout(self, payment: Payment, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult: ...

    def preflight(self, txn_ref: str) -> None: ...

    def parse_notification(self, params: dict[str, str]) -> Notification: ...

    def query(self, payment: Payment) -> GatewayStatus: ...

    def refund(self, payment: Payment, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult: ...


def provider_for(terminal: MerchantTerminal, *, interactive: bool = False) -> PaymentProvider:
    from billing.fees.models import Provider

    if terminal.provider == Provider.VNPAY:
        from billing.fees.providers.vnpay import VNPayProvider

        return VNPayProvider(terminal, interactive=interactive)
    from billing.fees.providers.paygov import PayGovProvider

    return PayGovProvider(terminal)
