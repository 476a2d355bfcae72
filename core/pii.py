"""Personal data out of logs and error reports: ID numbers (CCCD 12 digits, CMND 9), phones (0xx…, +84…),
e-mail addresses, also %-encoded as they appear in query strings and form bodies.

``scrub_text`` replaces them in a string, ``scrub`` in any structure (and the whole value of keys that
name personal data or secrets); ``ScrubPersonalData`` is the logging filter LOGGING installs on its
handlers, so no log line (message, traceback, stack) carries them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[lọc]"
SENSITIVE_KEYS = re.compile(
    r"pass|secret|token|cookie|session|csrf|cccd|cmnd|id_number|so_dinh_danh|phone|sdt|dien_thoai|email|mail|hash"
    r"|authorization|signature|sig\b", re.I)
_PATTERNS = (
    # e-mail, plain or %-encoded (anh%40example.vn, anh%2Bx%40example.vn)
    re.compile(r"[\w.+%\-]+(?:@|%40)[\w\-]+(?:\.[\w\-]+)+", re.I),
    # phones written with separators: 0912 345 678, 091.234.5678, +84 912-345-678 (also %2B84)
    re.compile(r"(?:\+|%2B)?(?<!\d)(?:84|0)[\s.\-]?\d{2,3}[\s.\-]\d{3}[\s.\-]?\d{3,4}(?!\d)", re.I),
    # ID numbers and phones as digits: 9 to 12 of them (CMND 9, phones 10-11, CCCD 12)
    re.compile(r"(?<!\d)\d{9,12}(?!\d)"),
)


def scrub_text(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(MASK, text)
    return text


def scrub(value: Any) -> Any:  # noqa: ANN401 — any JSON-like structure
    """``value`` with personal data masked, recursively; keys naming personal data lose their whole value."""
    if isinstance(value, dict):
        return {k: (MASK if SENSITIVE_KEYS.search(str(k)) and v not in (None, "", [], {}) else scrub(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v) for v in value)
    if isinstance(value, str):
        return scrub_text(value)
    return value


class ScrubPersonalData(logging.Filter):
    """Mask personal data in a record's message (with its arguments merged), traceback and stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what it says, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = scrub_text(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_text(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_text(record.stack_info)
        return True
