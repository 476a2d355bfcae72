"""What billing sees of a payment gateway: typed objects and one interface, whatever the vendor.

A provider adapter (``billing/gateways/<vendor>/``) turns its wire protocol into these objects and
back; the fee collection (``billing/fees``) decides on them and never reads a vendor's field, code or
reply table. Gateways are called and call nobody back: what a gateway needs from its caller (the
terminal, a recorder for raw exchanges) is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol


# ------------------------------------------------------------------------------------------ errors
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


class InvalidNotification(ProviderError):
    """A notification (IPN, return) that does not verify: forged, another terminal's, or malformed.

    ``ack``: how the gateway's protocol says to answer it (see :class:`IpnAck`)."""

    def __init__(self, message: str, *, code: str = "invalid_notification", ack: str = "invalid_signature") -> None:
        super().__init__(message, code=code)
        self.ack = IpnAck(ack)


# ----------------------------------------------------------------------------------------- objects
class Outcome(StrEnum):
    """What a gateway says became of a payment attempt."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELED = "canceled"  # the payer gave up
    EXPIRED = "expired"
    PENDING = "pending"  # nothing final yet (under review, not reached): ask again later


class RefundOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    PENDING = "pending"  # accepted, sent on to the bank
    FAILED = "failed"


class IpnAck(StrEnum):
    """Our answer to a notification, in words; each adapter says it in its own protocol."""

    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    AMOUNT_MISMATCH = "amount_mismatch"
    INVALID_SIGNATURE = "invalid_signature"
    ERROR = "error"


@dataclass(frozen=True)
class Terminal:
    """A merchant terminal as the caller keeps it, secret already decrypted.

    ``scope`` and ``version`` name it for caches (the tenant's schema; its row and last change)."""

    provider: str
    merchant_code: str
    secret: str = field(repr=False)
    pay_url: str = ""
    api_url: str = ""
    scope: str = ""
    version: str = ""


@dataclass(frozen=True)
class PaymentRef:
    """What a gateway needs to know of one payment attempt."""

    reference: str  # our transaction reference, unique per attempt
    amount_vnd: int
    idempotency_key: str = ""
    created_stamp: str = ""  # the gateway's own creation stamp, as it gave it at checkout
    transaction_no: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutResult:
    url: str
    created_stamp: str
    expires_at: datetime | None


@dataclass(frozen=True)
class VerifiedNotification:
    """A server-to-server notification (IPN) whose signature was checked."""

    reference: str
    amount_vnd: int
    outcome: Outcome
    transaction_no: str = ""
    bank_code: str = ""
    result_code: str = ""  # the gateway's own code, kept for people (see ``describe``)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryResult:
    """What the gateway knows of a payment when asked (``found`` False: it never reached it)."""

    found: bool
    outcome: Outcome = Outcome.PENDING
    amount_vnd: int = 0
    transaction_no: str = ""
    bank_code: str = ""
    result_code: str = ""
    abandoned: bool = False  # the gateway holds the attempt, but the payer never finished it


@dataclass(frozen=True)
class RefundResult:
    status: RefundOutcome
    gateway_id: str = ""
    message: str = ""


@dataclass(frozen=True)
class ReportedPayment:
    """A payment a recorded exchange shows the gateway reporting as paid (for reconciliation)."""

    reference: str
    amount_vnd: int


class ExchangeRecorder(Protocol):
    """Keeps one raw exchange with a gateway (the caller stores it; it must never raise into the gateway)."""

    def __call__(self, *, provider: str, kind: str, reference: str, request: dict[str, Any],
                 response: dict[str, Any] | None, error: str) -> None: ...


class PaymentProvider(Protocol):
    code: ClassVar[str]
    report_kinds: ClassVar[tuple[str, ...]]  # the kinds of recorded exchange ``reported_payment`` reads

    def __init__(self, terminal: Terminal, *, interactive: bool = False,
                 recorder: ExchangeRecorder | None = None) -> None: ...

    def preflight(self, reference: str) -> None: ...

    def checkout(self, payment: PaymentRef, *, order_info: str, ip_addr: str, return_url: str) -> CheckoutResult: ...

    def verify_notification(self, params: dict[str, str]) -> VerifiedNotification: ...

    def query(self, payment: PaymentRef) -> QueryResult: ...

    def refund(self, payment: PaymentRef, *, amount_vnd: int, reason: str, actor: str,
               idempotency_key: str) -> RefundResult: ...

    # Protocol facts that need no terminal (static on each adapter).
    @staticmethod
    def reply(ack: IpnAck) -> dict[str, str]: ...

    @staticmethod
    def reference_of(params: dict[str, Any]) -> str: ...

    @staticmethod
    def describe(result_code: str) -> str: ...

    @staticmethod
    def reported_payment(*, kind: str, request: dict[str, Any] | None,
                         response: dict[str, Any] | None) -> ReportedPayment | None: ...
