"""Error tree of the VNPay client (Stripe-shaped).

Every error carries a Vietnamese ``message`` (shown first) and a stable English
``code`` that callers can branch on. ``vnp_code`` is VNPay's own response code
when the error comes from the gateway.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class VNPayError(Exception):
    """Base class of every error raised by the VNPay client."""

    default_code: str = "vnpay_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        vnp_code: str | None = None,
        http_status: int | None = None,
        param: str | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message: str = message
        self.code: str = code or self.default_code
        self.vnp_code: str | None = vnp_code
        self.http_status: int | None = http_status
        self.param: str | None = param
        self.raw: dict[str, Any] = dict(raw) if raw else {}

    def __str__(self) -> str:
        extra = f", vnp_code={self.vnp_code}" if self.vnp_code else ""
        return f"{self.message} [{self.code}{extra}]"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, vnp_code={self.vnp_code!r})"


class InvalidRequestError(VNPayError):
    """The request is invalid (bad parameters, unknown transaction, ...)."""

    default_code = "invalid_request"


class IdempotencyError(InvalidRequestError):
    """An idempotency key was reused with different parameters."""

    default_code = "idempotency_key_reused"


class AuthenticationError(VNPayError):
    """Bad terminal code or hash secret (VNPay codes 02 / 97 on the API)."""

    default_code = "authentication_failed"


class CardError(VNPayError):
    """The payer's card/account declined the payment."""

    default_code = "card_declined"


class RateLimitError(VNPayError):
    """The gateway answered HTTP 429 (after retries)."""

    default_code = "rate_limited"


class APIConnectionError(VNPayError):
    """Network failure, timeout or 5xx/unavailable gateway, after all retries."""

    default_code = "api_connection_error"


class DestinationRefusedError(VNPayError):
    """The outbound policy refused the API's address (not on the allow-list, or an internal address):
    a configuration to fix, not a gateway to wait for. Nothing was sent."""

    default_code = "destination_refused"


class StoreUnavailableError(VNPayError):
    """The idempotency store (Redis) cannot be reached: nothing was created, try again later."""

    default_code = "store_unavailable"


class APIError(VNPayError):
    """The gateway reported an internal error (code 99, malformed reply, ...)."""

    default_code = "api_error"


class SignatureVerificationError(VNPayError):
    """A signature (vnp_SecureHash / webhook header) did not verify."""

    default_code = "signature_verification_failed"


__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "CardError",
    "DestinationRefusedError",
    "IdempotencyError",
    "InvalidRequestError",
    "RateLimitError",
    "SignatureVerificationError",
    "StoreUnavailableError",
    "VNPayError",
]
