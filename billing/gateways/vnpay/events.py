"""IPN / return-URL parameters -> verified Stripe-shaped events: the one reading of VNPay's notifications.

Use the IPN (server to server) to change state; the return URL is display-only. Production reads the
IPN through here too (``provider.VNPayProvider.verify_notification``), so the signature check and the
mapping of codes to statuses exist once:

    events = construct_events(request.GET.dict(), hash_secret, tmn_code="DEMOV210")
    ...  # the order checks: exists, amount, still pending, under the caller's row lock
    return JsonResponse(ipn_reply("00"))  # or ipn_reply_for_exception(exc) when construct_events raised
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .codes import IpnRspCode, ipn_reply
from .conventions import from_wire_amount, parse_vnp_date, utcnow
from .errors import InvalidRequestError, SignatureVerificationError, VNPayError
from .mapping import (
    checkout_session_id,
    intent_status_for_payment,
    payment_intent_id,
    refund_status,
    session_status_for_payment,
)
from .objects import CheckoutSession, Event, EventData, PaymentIntent, Refund
from .signing import SECURE_HASH, parse_query, verify_params_or_raise

PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
PAYMENT_INTENT_PROCESSING = "payment_intent.processing"
PAYMENT_INTENT_CANCELED = "payment_intent.canceled"
PAYMENT_INTENT_PAYMENT_FAILED = "payment_intent.payment_failed"
CHECKOUT_SESSION_COMPLETED = "checkout.session.completed"
CHECKOUT_SESSION_EXPIRED = "checkout.session.expired"
CHARGE_REFUNDED = "charge.refunded"

ParamsInput = Mapping[str, Any] | str


def normalize_params(params: ParamsInput) -> dict[str, str]:
    """Accept a dict (values str or single-item lists, e.g. ``parse_qs``) or a
    raw query string; return a flat ``dict[str, str]``. Values are untouched
    (never convert vnp_Amount before verifying)."""
    if isinstance(params, str):
        return parse_query(params)
    out: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        out[str(key)] = "" if value is None else str(value)
    return out


def verify(
    params: ParamsInput, hash_secret: str, *, tmn_code: str | None = None
) -> dict[str, str]:
    """Verify an IPN / return query. Returns the flat params or raises
    :class:`SignatureVerificationError` (bad/missing hash, other terminal)."""
    flat = normalize_params(params)
    verify_params_or_raise(flat, hash_secret)
    if tmn_code is not None and flat.get("vnp_TmnCode") != tmn_code:
        raise SignatureVerificationError(
            "vnp_TmnCode không khớp với terminal đã cấu hình", code="terminal_mismatch"
        )
    return flat


def _event_id(kind: str, p: Mapping[str, str]) -> str:
    basis = "|".join(
        [
            kind,
            p.get("vnp_TmnCode", ""),
            p.get("vnp_TxnRef", ""),
            p.get("vnp_TransactionNo", ""),
            p.get("vnp_ResponseCode", ""),
            p.get("vnp_TransactionStatus", ""),
            p.get("vnp_PayDate", ""),
            p.get("vnp_Amount", ""),
        ]
    )
    return "evt_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]


def _objects_from_params(p: Mapping[str, str]) -> tuple[PaymentIntent, CheckoutSession]:
    txn_ref = p.get("vnp_TxnRef", "")
    if not txn_ref:
        raise InvalidRequestError("Thiếu vnp_TxnRef", code="missing_txn_ref", param="vnp_TxnRef")
    amount = from_wire_amount(p.get("vnp_Amount"))
    rc = p.get("vnp_ResponseCode", "")
    ts = p.get("vnp_TransactionStatus", "")
    status, error, reason = intent_status_for_payment(rc, ts)
    intent = PaymentIntent(
        id=payment_intent_id(txn_ref),
        amount=amount,
        status=status,
        client_reference_id=txn_ref,
        order_info=p.get("vnp_OrderInfo") or None,
        transaction_no=p.get("vnp_TransactionNo") or None,
        bank_code=p.get("vnp_BankCode") or None,
        bank_tran_no=p.get("vnp_BankTranNo") or None,
        card_type=p.get("vnp_CardType") or None,
        pay_date=parse_vnp_date(p.get("vnp_PayDate") or None),
        response_code=rc or None,
        transaction_status=ts or None,
        last_payment_error=error,
        cancellation_reason=reason,
    )
    s_status, pay_status = session_status_for_payment(rc, ts)
    session = CheckoutSession(
        id=checkout_session_id(txn_ref),
        url=None,
        status=s_status,
        payment_status=pay_status,  # type: ignore[arg-type]
        amount_total=amount,
        client_reference_id=txn_ref,
        order_info=intent.order_info,
        payment_intent=intent,
    )
    return intent, session


def _refund_from_params(p: Mapping[str, str]) -> Refund:
    txn_ref = p.get("vnp_TxnRef", "")
    transaction_no = p.get("vnp_TransactionNo") or None
    return Refund(
        id=f"re_{transaction_no}" if transaction_no else f"re_{txn_ref}",
        amount=from_wire_amount(p.get("vnp_Amount")),
        status=refund_status(p.get("vnp_TransactionStatus")),
        payment_intent=payment_intent_id(txn_ref),
        client_reference_id=txn_ref,
        transaction_type=p.get("vnp_TransactionType", "02"),
        transaction_no=transaction_no,
        response_code=p.get("vnp_ResponseCode") or None,
        transaction_status=p.get("vnp_TransactionStatus") or None,
        created=parse_vnp_date(p.get("vnp_PayDate") or None),
    )


def events_from_verified(
    flat: Mapping[str, str], *, source: str = "ipn", now: datetime | None = None
) -> list[Event]:
    """Events for already-verified params (see :func:`construct_events`)."""
    created = now or utcnow()
    raw = {k: v for k, v in flat.items() if k != SECURE_HASH}

    def make(kind: str, obj: PaymentIntent | CheckoutSession | Refund) -> Event:
        return Event(id=_event_id(kind, flat), type=kind, created=created,
                     data=EventData(object=obj), source=source, raw=raw)

    if flat.get("vnp_TransactionType") in ("02", "03"):
        return [make(CHARGE_REFUNDED, _refund_from_params(flat))]
    intent, session = _objects_from_params(flat)
    rc = flat.get("vnp_ResponseCode", "")
    if intent.status == "succeeded":
        return [make(PAYMENT_INTENT_SUCCEEDED, intent), make(CHECKOUT_SESSION_COMPLETED, session)]
    if rc == "11":
        return [make(CHECKOUT_SESSION_EXPIRED, session)]
    if rc == "24":
        return [make(PAYMENT_INTENT_CANCELED, intent)]
    if intent.status == "processing":
        return [make(PAYMENT_INTENT_PROCESSING, intent)]
    return [make(PAYMENT_INTENT_PAYMENT_FAILED, intent)]


def construct_events(
    params: ParamsInput,
    hash_secret: str,
    *,
    tmn_code: str | None = None,
    source: str = "ipn",
    now: datetime | None = None,
) -> list[Event]:
    """Verify then map an IPN / return query to events.

    * 00/00 -> ``payment_intent.succeeded`` + ``checkout.session.completed``
    * 24 -> ``payment_intent.canceled``; 11 -> ``checkout.session.expired``
    * 07 (or 00 with a non-final status) -> ``payment_intent.processing``
    * anything else -> ``payment_intent.payment_failed``
    * ``vnp_TransactionType`` 02/03 -> ``charge.refunded``
    """
    flat = verify(params, hash_secret, tmn_code=tmn_code)
    return events_from_verified(flat, source=source, now=now)


def construct_event(
    params: ParamsInput,
    hash_secret: str,
    *,
    tmn_code: str | None = None,
    source: str = "ipn",
    now: datetime | None = None,
) -> Event:
    """The primary event of :func:`construct_events` (the payment-intent one)."""
    return construct_events(params, hash_secret, tmn_code=tmn_code, source=source, now=now)[0]


def refund_event(refund: Refund, *, now: datetime | None = None) -> Event:
    """A ``charge.refunded`` event for a refund created through the API."""
    basis = f"{CHARGE_REFUNDED}|{refund.id}|{refund.client_reference_id}|{refund.amount}|{refund.status}"
    return Event(
        id="evt_" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24],
        type=CHARGE_REFUNDED,
        created=now or utcnow(),
        data=EventData(object=refund),
        source="api",
    )


def ipn_reply_for_exception(exc: BaseException) -> dict[str, str]:
    """97 for a bad signature, 99 for anything else."""
    if isinstance(exc, SignatureVerificationError):
        return ipn_reply(IpnRspCode.INVALID_SIGNATURE)
    if isinstance(exc, VNPayError) and exc.code in ("invalid_amount",):
        return ipn_reply(IpnRspCode.INVALID_AMOUNT)
    return ipn_reply(IpnRspCode.UNKNOWN_ERROR)


__all__ = [
    "CHARGE_REFUNDED",
    "CHECKOUT_SESSION_COMPLETED",
    "CHECKOUT_SESSION_EXPIRED",
    "PAYMENT_INTENT_CANCELED",
    "PAYMENT_INTENT_PAYMENT_FAILED",
    "PAYMENT_INTENT_PROCESSING",
    "PAYMENT_INTENT_SUCCEEDED",
    "construct_event",
    "construct_events",
    "events_from_verified",
    "ipn_reply_for_exception",
    "normalize_params",
    "refund_event",
    "verify",
]
