"""Outgoing webhooks signed like Stripe's ``Stripe-Signature`` header:
``t=<unix>,v1=<hex HMAC-SHA256 of "{t}.{raw body}">``, 300 s tolerance,
checked in constant time on the raw body."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from .errors import SignatureVerificationError
from .objects import Event

DEFAULT_TOLERANCE_S = 300
SIGNATURE_HEADER = "Webhook-Signature"


def compute_signature(payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def generate_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={ts},v1={compute_signature(payload, secret, ts)}"


def verify_header(
    payload: bytes,
    header: str | None,
    secret: str,
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: int | None = None,
) -> None:
    """Raise :class:`SignatureVerificationError` unless ``header`` signs ``payload``."""
    if not header:
        raise SignatureVerificationError("Thiếu header chữ ký webhook", code="missing_signature")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                timestamp = None
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureVerificationError("Header chữ ký webhook sai định dạng", code="malformed_signature")
    expected = compute_signature(payload, secret, timestamp).encode("ascii")
    if not any(hmac.compare_digest(expected, c.strip().lower().encode("ascii", "replace")) for c in candidates):
        raise SignatureVerificationError("Chữ ký webhook không hợp lệ", code="invalid_signature")
    current = int(time.time()) if now is None else now
    if tolerance_s > 0 and abs(current - timestamp) > tolerance_s:
        raise SignatureVerificationError("Chữ ký webhook đã quá hạn", code="timestamp_out_of_tolerance")


def event_payload(event: Event) -> bytes:
    """Canonical JSON body for an outgoing webhook."""
    return json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def construct_webhook_event(payload: bytes, header: str | None, secret: str, **kw: Any) -> Event:
    verify_header(payload, header, secret, **kw)
    return Event.from_dict(json.loads(payload.decode("utf-8")))


__all__ = [
    "DEFAULT_TOLERANCE_S",
    "SIGNATURE_HEADER",
    "compute_signature",
    "construct_webhook_event",
    "event_payload",
    "generate_header",
    "verify_header",
]
