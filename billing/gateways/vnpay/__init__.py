"""VNPay (v2.1.0) client with a Stripe-shaped face. No Django imports here:
the Django side (``provider.py``, billing's adapter, not imported by this package) builds a
:class:`VNPayConfig` and passes it in. Only this package knows VNPay's fields, codes and replies.
"""

from __future__ import annotations

from .client import CheckoutSessions, PaymentIntents, Refunds, VNPayClient, Webhooks
from .codes import IPN_REPLY_MESSAGES, IpnRspCode, ipn_reply
from .config import LOCAL_SANDBOX_URL, PUBLIC_SANDBOX_URL, VNPayConfig
from .conventions import (
    VN_TZ,
    clean_order_info,
    format_vnd,
    format_vnp_date,
    from_wire_amount,
    parse_vnp_date,
    strip_diacritics,
    to_wire_amount,
)
from .errors import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    CardError,
    DestinationRefusedError,
    IdempotencyError,
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
    construct_event,
    construct_events,
    ipn_reply_for_exception,
    refund_event,
    verify,
)
from .idempotency import (
    IdempotencyRecord,
    IdempotencyStore,
    InMemoryIdempotencyStore,
    RedisIdempotencyStore,
)
from .mapping import card_error, payment_error
from .objects import CheckoutSession, Event, EventData, PaymentError, PaymentIntent, Refund
from .signing import build_sign_data, sign_params, signed_query, verify_params
from .transport import ExchangeHook, backoff_delay

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CHARGE_REFUNDED",
    "CHECKOUT_SESSION_COMPLETED",
    "CHECKOUT_SESSION_EXPIRED",
    "CardError",
    "CheckoutSession",
    "CheckoutSessions",
    "DestinationRefusedError",
    "Event",
    "EventData",
    "ExchangeHook",
    "IPN_REPLY_MESSAGES",
    "IdempotencyError",
    "IdempotencyRecord",
    "IdempotencyStore",
    "InMemoryIdempotencyStore",
    "InvalidRequestError",
    "IpnRspCode",
    "LOCAL_SANDBOX_URL",
    "PAYMENT_INTENT_CANCELED",
    "PAYMENT_INTENT_PAYMENT_FAILED",
    "PAYMENT_INTENT_PROCESSING",
    "PAYMENT_INTENT_SUCCEEDED",
    "PUBLIC_SANDBOX_URL",
    "PaymentError",
    "PaymentIntent",
    "PaymentIntents",
    "RateLimitError",
    "RedisIdempotencyStore",
    "Refund",
    "Refunds",
    "SignatureVerificationError",
    "StoreUnavailableError",
    "VNPayClient",
    "VNPayConfig",
    "VNPayError",
    "VN_TZ",
    "Webhooks",
    "backoff_delay",
    "build_sign_data",
    "card_error",
    "clean_order_info",
    "construct_event",
    "construct_events",
    "format_vnd",
    "format_vnp_date",
    "from_wire_amount",
    "ipn_reply",
    "ipn_reply_for_exception",
    "parse_vnp_date",
    "payment_error",
    "refund_event",
    "sign_params",
    "signed_query",
    "strip_diacritics",
    "to_wire_amount",
    "verify",
    "verify_params",
]
