"""Mapping VNPay codes to Stripe-shaped statuses and to client errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .codes import (
    API_MESSAGES_VI,
    DECLINE_CODES,
    TRANSACTION_STATUS_VI,
    is_success,
    response_message,
)
from .errors import (
    APIError,
    AuthenticationError,
    CardError,
    InvalidRequestError,
    VNPayError,
)
from .objects import PaymentError, PaymentIntentStatus, RefundStatus, SessionStatus

# Failures that end the payment attempt as "canceled" (with Stripe's reasons).
_CANCEL_REASONS: dict[str, str] = {"24": "requested_by_customer", "11": "abandoned"}


def payment_intent_id(txn_ref: str) -> str:
    return f"pi_{txn_ref}"


def checkout_session_id(txn_ref: str) -> str:
    return f"cs_{txn_ref}"


def payment_error(response_code: str) -> PaymentError:
    """``last_payment_error`` for a VNPay payment response code."""
    return PaymentError(
        code=f"vnp_{response_code}",
        message=response_message(response_code),
        decline_code=DECLINE_CODES.get(response_code, "processing_error"),
    )


def card_error(response_code: str) -> CardError:
    """A :class:`CardError` for a failed payment (for callers that raise)."""
    err = payment_error(response_code)
    return CardError(err.message, code=err.decline_code or "card_declined", vnp_code=response_code)


def intent_status_for_payment(
    response_code: str, transaction_status: str | None
) -> tuple[PaymentIntentStatus, PaymentError | None, str | None]:
    """(status, last_payment_error, cancellation_reason) for a return/IPN result."""
    if is_success(response_code, transaction_status):
        return "succeeded", None, None
    if response_code == "07" or (response_code == "00" and transaction_status in (None, "", "01", "07")):
        return "processing", None, None
    if response_code in _CANCEL_REASONS:
        return "canceled", payment_error(response_code), _CANCEL_REASONS[response_code]
    return "requires_payment_method", payment_error(response_code), None


def session_status_for_payment(
    response_code: str, transaction_status: str | None
) -> tuple[SessionStatus, str]:
    """(status, payment_status) of the checkout session after a payment result."""
    if is_success(response_code, transaction_status):
        return "complete", "paid"
    if response_code == "11":
        return "expired", "unpaid"
    return "open", "unpaid"


def intent_status_for_transaction_status(
    transaction_status: str,
) -> tuple[PaymentIntentStatus, PaymentError | None, str | None]:
    """Status of a payment as reported by querydr's ``vnp_TransactionStatus``."""
    if transaction_status in ("00", "05", "06", "09"):
        # 05/06/09 are refund states of a payment that did succeed.
        return "succeeded", None, None
    if transaction_status == "01":
        return "requires_action", None, None
    if transaction_status == "04":
        return "canceled", _status_error(transaction_status), "automatic"
    if transaction_status == "02":
        return "requires_payment_method", _status_error(transaction_status), None
    return "processing", None, None


def _status_error(transaction_status: str) -> PaymentError:
    return PaymentError(
        code=f"vnp_status_{transaction_status}",
        message=TRANSACTION_STATUS_VI.get(transaction_status, "Giao dịch không thành công"),
        decline_code="processing_error",
    )


def refund_status(transaction_status: str | None) -> RefundStatus:
    if transaction_status in ("00", None, ""):
        return "succeeded"
    if transaction_status == "09":
        return "failed"
    return "pending"  # 05 processing, 06 sent to bank, anything else


def api_error(
    response_code: str,
    *,
    command: str,
    message: str | None = None,
    raw: Mapping[str, Any] | None = None,
) -> VNPayError:
    """The exception for a non-00 querydr/refund result code."""
    text = API_MESSAGES_VI.get(response_code, API_MESSAGES_VI["99"])
    if message and message not in text:
        text = f"{text} ({message})"
    kw: dict[str, Any] = {"vnp_code": response_code, "raw": raw}
    if response_code == "02":
        return AuthenticationError(text, code="invalid_terminal", **kw)
    if response_code == "97":
        return AuthenticationError(text, code="invalid_checksum", **kw)
    if response_code == "03":
        return InvalidRequestError(text, code="invalid_format", **kw)
    if response_code == "04":
        return InvalidRequestError(text, code="full_refund_not_allowed", **kw)
    if response_code == "91":
        return InvalidRequestError(text, code="transaction_not_found", **kw)
    if response_code == "93":
        return InvalidRequestError(text, code="invalid_refund_amount", **kw)
    if response_code == "94":
        code = "refund_pending" if command == "refund" else "duplicate_request"
        return InvalidRequestError(text, code=code, **kw)
    if response_code == "95":
        return InvalidRequestError(text, code="payment_not_successful", **kw)
    if response_code == "99":
        return APIError(text, code="gateway_error", **kw)
    return APIError(text, code="unknown_response_code", **kw)


__all__ = [
    "api_error",
    "card_error",
    "checkout_session_id",
    "intent_status_for_payment",
    "intent_status_for_transaction_status",
    "payment_error",
    "payment_intent_id",
    "refund_status",
    "session_status_for_payment",
]
