"""The state machines of the fee collection: a payment, a payment request, a refund.

Every change of their ``status`` goes through the ``transition()`` of its machine (a conditional
UPDATE and its audit row, in one statement: see ``billing.statemachine``); nothing else writes a status.
"""

from __future__ import annotations

from typing import Any

from billing.fees.models import Payment, PaymentEvent, PaymentRequest, PaymentRequestEvent, Refund, RefundEvent
from billing.statemachine import Machine, TransitionRefused

P = Payment.Status
R = PaymentRequest.Status
F = Refund.Status

PAYMENT = Machine(model=Payment, audit=PaymentEvent, fk="payment", noun="giao dịch", table={
    P.PENDING: frozenset({P.SUCCEEDED, P.FAILED, P.CANCELED, P.EXPIRED}),
    P.SUCCEEDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.PARTIALLY_REFUNDED: frozenset({P.PARTIALLY_REFUNDED, P.REFUNDED}),
    P.FAILED: frozenset(),
    P.CANCELED: frozenset(),
    P.EXPIRED: frozenset(),
    P.REFUNDED: frozenset(),
})

REQUEST = Machine(model=PaymentRequest, audit=PaymentRequestEvent, fk="request", noun="yêu cầu thanh toán", table={
    R.OPEN: frozenset({R.PAID, R.CANCELLED}),
    R.PAID: frozenset({R.REFUNDED}),  # every payment of it refunded in full
    R.CANCELLED: frozenset(),
    R.REFUNDED: frozenset(),
})

REFUND = Machine(model=Refund, audit=RefundEvent, fk="refund", noun="yêu cầu hoàn tiền", table={
    F.PENDING: frozenset({F.SUCCEEDED, F.FAILED}),
    F.SUCCEEDED: frozenset(),
    F.FAILED: frozenset(),
})


def payment_transition(payment: Payment, to: str, *, source: str, actor: str = "", note: str = "",
                       fields: dict[str, Any] | None = None) -> Payment:
    return PAYMENT.transition(payment, to, source=source, actor=actor, note=note, fields=fields)


def request_transition(request: PaymentRequest, to: str, *, source: str, actor: str = "", note: str = "",
                       fields: dict[str, Any] | None = None) -> PaymentRequest:
    return REQUEST.transition(request, to, source=source, actor=actor, note=note, fields=fields)


def refund_transition(refund: Refund, to: str, *, source: str, actor: str = "", note: str = "",
                      fields: dict[str, Any] | None = None) -> Refund:
    return REFUND.transition(refund, to, source=source, actor=actor, note=note, fields=fields)


__all__ = ["PAYMENT", "REFUND", "REQUEST", "TransitionRefused", "payment_transition", "refund_transition",
           "request_transition"]
