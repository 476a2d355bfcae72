"""Stripe-shaped result objects: CheckoutSession, PaymentIntent, Refund, Event.

Amounts are whole VND (VND is a zero-decimal currency, as in Stripe), datetimes
are timezone-aware (GMT+7 when they come from VNPay). Every object round-trips
through ``to_dict()`` / ``from_dict()`` (JSON-safe), which the idempotency store
uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from .conventions import format_vnp_date

PaymentIntentStatus = Literal[
    "requires_payment_method", "requires_action", "processing", "succeeded", "canceled"
]
SessionStatus = Literal["open", "complete", "expired"]
SessionPaymentStatus = Literal["paid", "unpaid"]
RefundStatus = Literal["succeeded", "pending", "failed"]


def _dt_out(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt_in(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


@dataclass(frozen=True)
class PaymentError:
    """``last_payment_error``: ``code`` is ``vnp_<code>``, message in Vietnamese."""

    code: str
    message: str
    decline_code: str | None = None
    type: str = "card_error"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "decline_code": self.decline_code, "type": self.type}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaymentError:
        return cls(
            code=data["code"],
            message=data["message"],
            decline_code=data.get("decline_code"),
            type=data.get("type", "card_error"),
        )


@dataclass(frozen=True)
class PaymentIntent:
    id: str
    amount: int
    status: PaymentIntentStatus
    client_reference_id: str
    currency: str = "vnd"
    object: str = "payment_intent"
    created: datetime | None = None
    order_info: str | None = None
    transaction_no: str | None = None
    bank_code: str | None = None
    bank_tran_no: str | None = None
    card_type: str | None = None
    pay_date: datetime | None = None
    response_code: str | None = None
    transaction_status: str | None = None
    last_payment_error: PaymentError | None = None
    cancellation_reason: str | None = None
    next_action: dict[str, Any] | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    kind: ClassVar[str] = "payment_intent"

    @property
    def amount_vnd(self) -> int:
        return self.amount

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "client_reference_id": self.client_reference_id,
            "created": _dt_out(self.created),
            "order_info": self.order_info,
            "transaction_no": self.transaction_no,
            "bank_code": self.bank_code,
            "bank_tran_no": self.bank_tran_no,
            "card_type": self.card_type,
            "pay_date": _dt_out(self.pay_date),
            "response_code": self.response_code,
            "transaction_status": self.transaction_status,
            "last_payment_error": self.last_payment_error.to_dict() if self.last_payment_error else None,
            "cancellation_reason": self.cancellation_reason,
            "next_action": self.next_action,
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaymentIntent:
        err = data.get("last_payment_error")
        return cls(
            id=data["id"],
            object=data.get("object", "payment_intent"),
            amount=int(data["amount"]),
            currency=data.get("currency", "vnd"),
            status=data["status"],
            client_reference_id=data["client_reference_id"],
            created=_dt_in(data.get("created")),
            order_info=data.get("order_info"),
            transaction_no=data.get("transaction_no"),
            bank_code=data.get("bank_code"),
            bank_tran_no=data.get("bank_tran_no"),
            card_type=data.get("card_type"),
            pay_date=_dt_in(data.get("pay_date")),
            response_code=data.get("response_code"),
            transaction_status=data.get("transaction_status"),
            last_payment_error=PaymentError.from_dict(err) if err else None,
            cancellation_reason=data.get("cancellation_reason"),
            next_action=data.get("next_action"),
            metadata=dict(data.get("metadata") or {}),
        )


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: SessionStatus
    payment_status: SessionPaymentStatus
    amount_total: int
    client_reference_id: str
    payment_intent: PaymentIntent
    currency: str = "vnd"
    object: str = "checkout.session"
    created: datetime | None = None
    expires_at: datetime | None = None
    locale: str | None = None
    order_info: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    kind: ClassVar[str] = "checkout.session"

    @property
    def amount_vnd(self) -> int:
        return self.amount_total

    @property
    def transaction_date(self) -> str | None:
        """The original ``vnp_CreateDate`` (needed by querydr and refund)."""
        return format_vnp_date(self.created) if self.created else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "url": self.url,
            "status": self.status,
            "payment_status": self.payment_status,
            "amount_total": self.amount_total,
            "currency": self.currency,
            "client_reference_id": self.client_reference_id,
            "created": _dt_out(self.created),
            "expires_at": _dt_out(self.expires_at),
            "locale": self.locale,
            "order_info": self.order_info,
            "metadata": dict(self.metadata),
            "payment_intent": self.payment_intent.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CheckoutSession:
        return cls(
            id=data["id"],
            object=data.get("object", "checkout.session"),
            url=data.get("url"),
            status=data["status"],
            payment_status=data["payment_status"],
            amount_total=int(data["amount_total"]),
            currency=data.get("currency", "vnd"),
            client_reference_id=data["client_reference_id"],
            created=_dt_in(data.get("created")),
            expires_at=_dt_in(data.get("expires_at")),
            locale=data.get("locale"),
            order_info=data.get("order_info"),
            metadata=dict(data.get("metadata") or {}),
            payment_intent=PaymentIntent.from_dict(data["payment_intent"]),
        )


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: RefundStatus
    payment_intent: str
    client_reference_id: str
    transaction_type: str  # "02" full, "03" partial
    currency: str = "vnd"
    object: str = "refund"
    transaction_no: str | None = None
    response_code: str | None = None
    transaction_status: str | None = None
    message: str | None = None
    created: datetime | None = None
    reason: str | None = None
    request_id: str | None = None
    failure_reason: str | None = None

    kind: ClassVar[str] = "refund"

    @property
    def amount_vnd(self) -> int:
        return self.amount

    @property
    def full(self) -> bool:
        return self.transaction_type == "02"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "payment_intent": self.payment_intent,
            "client_reference_id": self.client_reference_id,
            "transaction_type": self.transaction_type,
            "transaction_no": self.transaction_no,
            "response_code": self.response_code,
            "transaction_status": self.transaction_status,
            "message": self.message,
            "created": _dt_out(self.created),
            "reason": self.reason,
            "request_id": self.request_id,
            "failure_reason": self.failure_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Refund:
        return cls(
            id=data["id"],
            object=data.get("object", "refund"),
            amount=int(data["amount"]),
            currency=data.get("currency", "vnd"),
            status=data["status"],
            payment_intent=data["payment_intent"],
            client_reference_id=data["client_reference_id"],
            transaction_type=data["transaction_type"],
            transaction_no=data.get("transaction_no"),
            response_code=data.get("response_code"),
            transaction_status=data.get("transaction_status"),
            message=data.get("message"),
            created=_dt_in(data.get("created")),
            reason=data.get("reason"),
            request_id=data.get("request_id"),
            failure_reason=data.get("failure_reason"),
        )


EventObject = PaymentIntent | CheckoutSession | Refund

_OBJECT_TYPES: dict[str, type[PaymentIntent] | type[CheckoutSession] | type[Refund]] = {
    "payment_intent": PaymentIntent,
    "checkout.session": CheckoutSession,
    "refund": Refund,
}


def object_from_dict(data: dict[str, Any]) -> EventObject:
    kind = data.get("object")
    cls = _OBJECT_TYPES.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown object type {kind!r}")
    return cls.from_dict(data)


@dataclass(frozen=True)
class EventData:
    object: EventObject

    def to_dict(self) -> dict[str, Any]:
        return {"object": self.object.to_dict()}


@dataclass(frozen=True)
class Event:
    """``id`` is deterministic for a given gateway notification, so repeated
    IPN deliveries produce the same event ids (use them to de-duplicate)."""

    id: str
    type: str
    created: datetime
    data: EventData
    object: str = "event"
    source: str = "ipn"  # ipn | return | api
    raw: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "type": self.type,
            "created": _dt_out(self.created),
            "source": self.source,
            "data": self.data.to_dict(),
            "raw": dict(self.raw),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        created = _dt_in(data["created"])
        assert created is not None
        return cls(
            id=data["id"],
            object=data.get("object", "event"),
            type=data["type"],
            created=created,
            source=data.get("source", "ipn"),
            data=EventData(object=object_from_dict(data["data"]["object"])),
            raw=dict(data.get("raw") or {}),
        )


__all__ = [
    "CheckoutSession",
    "Event",
    "EventData",
    "EventObject",
    "PaymentError",
    "PaymentIntent",
    "PaymentIntentStatus",
    "Refund",
    "RefundStatus",
    "SessionPaymentStatus",
    "SessionStatus",
    "object_from_dict",
]
