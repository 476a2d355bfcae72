"""VNPay v2.1.0 signatures.

* Pay / return / IPN parameters: keep the non-empty ``vnp_*`` values (dropping
  ``vnp_SecureHash`` and ``vnp_SecureHashType``), sort the keys, join
  ``key=quote_plus(value)`` with ``&`` and HMAC-SHA512 the result (hex digest).
* querydr / refund API requests and responses: HMAC-SHA512 over a fixed list of
  fields joined with ``|`` (missing fields count as empty strings).

Verification is constant-time and case-insensitive on the hex digest.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote_plus

from .errors import SignatureVerificationError

SECURE_HASH = "vnp_SecureHash"
SECURE_HASH_TYPE = "vnp_SecureHashType"
_EXCLUDED = frozenset({SECURE_HASH, SECURE_HASH_TYPE})

# Pipe-joined field orders (without the "vnp_" prefix).
QUERYDR_REQUEST_FIELDS: tuple[str, ...] = (
    "RequestId", "Version", "Command", "TmnCode", "TxnRef",
    "TransactionDate", "CreateDate", "IpAddr", "OrderInfo",
)
REFUND_REQUEST_FIELDS: tuple[str, ...] = (
    "RequestId", "Version", "Command", "TmnCode", "TransactionType", "TxnRef",
    "Amount", "TransactionNo", "TransactionDate", "CreateBy", "CreateDate",
    "IpAddr", "OrderInfo",
)
QUERYDR_RESPONSE_FIELDS: tuple[str, ...] = (
    "ResponseId", "Command", "ResponseCode", "Message", "TmnCode", "TxnRef",
    "Amount", "BankCode", "PayDate", "TransactionNo", "TransactionType",
    "TransactionStatus", "OrderInfo", "PromotionCode", "PromotionAmount",
)
REFUND_RESPONSE_FIELDS: tuple[str, ...] = QUERYDR_RESPONSE_FIELDS[:-2]


def _as_bytes(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def hmac_sha512(secret: str | bytes, data: str) -> str:
    """Hex HMAC-SHA512 of ``data`` (UTF-8) with ``secret``."""
    return hmac.new(_as_bytes(secret), data.encode("utf-8"), hashlib.sha512).hexdigest()


def signable_items(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """The (key, value) pairs that take part in the signature, sorted by key."""
    items: list[tuple[str, str]] = []
    for key, value in params.items():
        if not key.startswith("vnp_") or key in _EXCLUDED or value is None:
            continue
        text = str(value)
        if text == "":
            continue
        items.append((key, text))
    items.sort(key=lambda kv: kv[0])
    return items


def build_sign_data(params: Mapping[str, object]) -> str:
    """The exact string VNPay signs: ``k1=quote_plus(v1)&k2=...`` (sorted)."""
    return "&".join(f"{k}={quote_plus(v)}" for k, v in signable_items(params))


def sign_params(params: Mapping[str, object], secret: str | bytes) -> str:
    """``vnp_SecureHash`` for pay / return / IPN parameters."""
    return hmac_sha512(secret, build_sign_data(params))


def signed_query(params: Mapping[str, object], secret: str | bytes) -> str:
    """The signed query string: the sign data plus ``&vnp_SecureHash=<hex>``."""
    data = build_sign_data(params)
    return f"{data}&{SECURE_HASH}={hmac_sha512(secret, data)}"


def signatures_equal(expected: str, received: str | None) -> bool:
    """Constant-time, case-insensitive comparison of two hex digests."""
    if not received:
        return False
    try:
        a = expected.strip().lower().encode("ascii")
        b = received.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(a, b)


def verify_params(params: Mapping[str, str], secret: str | bytes) -> bool:
    """True when ``params['vnp_SecureHash']`` matches (never raises)."""
    return signatures_equal(sign_params(params, secret), params.get(SECURE_HASH))


def verify_params_or_raise(params: Mapping[str, str], secret: str | bytes) -> None:
    """Raise :class:`SignatureVerificationError` unless the signature matches."""
    if not params.get(SECURE_HASH):
        raise SignatureVerificationError(
            "Thiếu chữ ký vnp_SecureHash", code="missing_signature"
        )
    if not verify_params(params, secret):
        raise SignatureVerificationError(
            "Chữ ký vnp_SecureHash không hợp lệ", code="invalid_signature"
        )


def parse_query(query: str) -> dict[str, str]:
    """Parse a raw query string (leading ``?`` allowed) into a flat dict."""
    return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))


def pipe_data(payload: Mapping[str, object], fields: Iterable[str]) -> str:
    """``v1|v2|...`` for the given field names (``vnp_`` prefix added)."""
    out: list[str] = []
    for name in fields:
        value = payload.get(f"vnp_{name}")
        out.append("" if value is None else str(value))
    return "|".join(out)


def sign_pipe(payload: Mapping[str, object], fields: Iterable[str], secret: str | bytes) -> str:
    return hmac_sha512(secret, pipe_data(payload, fields))


def verify_pipe(payload: Mapping[str, object], fields: Iterable[str], secret: str | bytes) -> bool:
    received = payload.get(SECURE_HASH)
    return signatures_equal(sign_pipe(payload, fields, secret), None if received is None else str(received))


def sign_querydr_request(payload: Mapping[str, object], secret: str | bytes) -> str:
    return sign_pipe(payload, QUERYDR_REQUEST_FIELDS, secret)


def sign_refund_request(payload: Mapping[str, object], secret: str | bytes) -> str:
    return sign_pipe(payload, REFUND_REQUEST_FIELDS, secret)


def sign_querydr_response(payload: Mapping[str, object], secret: str | bytes) -> str:
    return sign_pipe(payload, QUERYDR_RESPONSE_FIELDS, secret)


def sign_refund_response(payload: Mapping[str, object], secret: str | bytes) -> str:
    return sign_pipe(payload, REFUND_RESPONSE_FIELDS, secret)


__all__ = [
    "QUERYDR_REQUEST_FIELDS",
    "QUERYDR_RESPONSE_FIELDS",
    "REFUND_REQUEST_FIELDS",
    "REFUND_RESPONSE_FIELDS",
    "SECURE_HASH",
    "SECURE_HASH_TYPE",
    "build_sign_data",
    "hmac_sha512",
    "parse_query",
    "pipe_data",
    "sign_params",
    "sign_pipe",
    "sign_querydr_request",
    "sign_querydr_response",
    "sign_refund_request",
    "sign_refund_response",
    "signable_items",
    "signatures_equal",
    "signed_query",
    "verify_params",
    "verify_params_or_raise",
    "verify_pipe",
]
