"""VNPay wire conventions: amounts (x100), GMT+7 timestamps, text cleaning.

These rules live only here; the rest of the code deals in whole VND (int) and
timezone-aware datetimes.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from .errors import InvalidRequestError

try:  # Vietnam has had no DST since 1975: a fixed +07:00 is an exact fallback.
    from zoneinfo import ZoneInfo

    VN_TZ: tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")
except Exception:  # pragma: no cover - depends on the host's tz database
    VN_TZ = timezone(timedelta(hours=7), "ICT")

VNP_DATE_FORMAT = "%Y%m%d%H%M%S"
MAX_WIRE_AMOUNT = 10**12 - 1  # vnp_Amount: at most 12 digits
MAX_AMOUNT_VND = MAX_WIRE_AMOUNT // 100
ORDER_INFO_MAX = 255
TXN_REF_MAX = 100

_TXN_REF_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
_BANK_CODE_RE = re.compile(r"^[A-Z0-9]{2,20}$")
_DIGITS_RE = re.compile(r"^\d{1,12}$")
_DATE_RE = re.compile(r"^\d{14}$")
# What survives in vnp_OrderInfo: ASCII letters/digits, space and a few safe marks.
_ORDER_INFO_DROP_RE = re.compile(r"[^A-Za-z0-9 .,:_\-]+")
_SPACES_RE = re.compile(r"\s+")


# ---------------------------------------------------------------- amounts
def validate_amount_vnd(amount_vnd: object, *, param: str = "amount_vnd") -> int:
    """A positive whole-VND int whose wire form (x100) has at most 12 digits."""
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int):
        raise InvalidRequestError(
            "Số tiền phải là số nguyên VND", code="invalid_amount", param=param
        )
    if amount_vnd <= 0:
        raise InvalidRequestError("Số tiền phải lớn hơn 0", code="invalid_amount", param=param)
    if amount_vnd > MAX_AMOUNT_VND:
        raise InvalidRequestError(
            "Số tiền vượt quá giới hạn 12 chữ số của VNPay", code="amount_too_large", param=param
        )
    return amount_vnd


def to_wire_amount(amount_vnd: int) -> str:
    """Whole VND -> ``vnp_Amount`` (x100, as a string)."""
    return str(validate_amount_vnd(amount_vnd) * 100)


def from_wire_amount(value: str | int | None) -> int:
    """``vnp_Amount`` -> whole VND. Raises InvalidRequestError on a bad value."""
    text = "" if value is None else str(value).strip()
    if not _DIGITS_RE.match(text):
        raise InvalidRequestError("vnp_Amount không hợp lệ", code="invalid_amount", param="vnp_Amount")
    return int(text) // 100


def format_vnd(amount_vnd: int) -> str:
    """``1806000`` -> ``1.806.000 ₫``."""
    return f"{amount_vnd:,}".replace(",", ".") + " ₫"


# ------------------------------------------------------------------- time
def utcnow() -> datetime:
    return datetime.now(UTC)


def to_vn(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime")
    return dt.astimezone(VN_TZ)


def format_vnp_date(dt: datetime) -> str:
    """Aware datetime -> ``yyyyMMddHHmmss`` in GMT+7, whatever the server TZ."""
    return to_vn(dt).strftime(VNP_DATE_FORMAT)


def parse_vnp_date(value: str | None) -> datetime | None:
    """``yyyyMMddHHmmss`` (GMT+7) -> aware datetime; empty -> None."""
    if not value:
        return None
    if not _DATE_RE.match(value):
        raise InvalidRequestError(
            f"Ngày giờ không đúng định dạng yyyyMMddHHmmss: {value!r}", code="invalid_date"
        )
    # By slices, not strptime (a tenth of its cost: every IPN has a pay date); an impossible date still
    # raises ValueError, as strptime did.
    return datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]), int(value[10:12]),
                    int(value[12:14]), tzinfo=VN_TZ)


def coerce_vnp_date(value: datetime | str, *, param: str) -> str:
    """Accept an aware datetime or an already-formatted ``yyyyMMddHHmmss``."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidRequestError(
                "Thời gian phải có múi giờ (aware datetime)", code="naive_datetime", param=param
            )
        return format_vnp_date(value)
    if isinstance(value, str) and _DATE_RE.match(value):
        return value
    raise InvalidRequestError(
        "Thời gian phải là datetime hoặc chuỗi yyyyMMddHHmmss", code="invalid_date", param=param
    )


def seconds(value: int | float | timedelta) -> int:
    if isinstance(value, timedelta):
        return int(value.total_seconds())
    if isinstance(value, bool):
        raise InvalidRequestError("expires_in không hợp lệ", code="invalid_expires_in", param="expires_in")
    return int(value)


# ------------------------------------------------------------------- text
def strip_diacritics(text: str) -> str:
    """Vietnamese without diacritics: NFD + drop combining marks, đ -> d."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean_order_info(text: str, *, max_length: int = ORDER_INFO_MAX) -> str:
    """``vnp_OrderInfo``: no diacritics, no special characters, <= 255 chars."""
    if not isinstance(text, str):
        raise InvalidRequestError("order_info phải là chuỗi", code="invalid_order_info", param="order_info")
    ascii_text = strip_diacritics(text)
    ascii_text = _ORDER_INFO_DROP_RE.sub(" ", ascii_text)
    ascii_text = _SPACES_RE.sub(" ", ascii_text).strip()
    ascii_text = ascii_text[:max_length].rstrip()
    if not ascii_text:
        raise InvalidRequestError(
            "Nội dung thanh toán (order_info) trống sau khi chuẩn hoá",
            code="invalid_order_info",
            param="order_info",
        )
    return ascii_text


def validate_txn_ref(value: object, *, param: str = "client_reference_id") -> str:
    if not isinstance(value, str) or not _TXN_REF_RE.match(value):
        raise InvalidRequestError(
            "Mã tham chiếu giao dịch (vnp_TxnRef) phải gồm 1-100 ký tự chữ, số, '.', '_' hoặc '-'",
            code="invalid_client_reference_id",
            param=param,
        )
    return value


def validate_ip(value: object, *, param: str = "ip_addr") -> str:
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        raise InvalidRequestError("Địa chỉ IP không hợp lệ", code="invalid_ip_addr", param=param) from None


def validate_locale(value: object) -> str:
    if value not in ("vn", "en"):
        raise InvalidRequestError("Ngôn ngữ phải là 'vn' hoặc 'en'", code="invalid_locale", param="locale")
    return str(value)


def validate_bank_code(value: object) -> str:
    if not isinstance(value, str) or not _BANK_CODE_RE.match(value):
        raise InvalidRequestError("Mã ngân hàng không hợp lệ", code="invalid_bank_code", param="bank_code")
    return value


def validate_metadata(metadata: object) -> dict[str, str]:
    """Stripe rules: <= 50 keys, key <= 40 chars, value <= 500 chars, all strings."""
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise InvalidRequestError("metadata phải là dict", code="invalid_metadata", param="metadata")
    if len(metadata) > 50:
        raise InvalidRequestError("metadata tối đa 50 khoá", code="invalid_metadata", param="metadata")
    out: dict[str, str] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key or len(key) > 40:
            raise InvalidRequestError("Khoá metadata không hợp lệ", code="invalid_metadata", param="metadata")
        if not isinstance(value, str) or len(value) > 500:
            raise InvalidRequestError(
                "Giá trị metadata phải là chuỗi <= 500 ký tự", code="invalid_metadata", param="metadata"
            )
        out[key] = value
    return out


__all__ = [
    "MAX_AMOUNT_VND",
    "MAX_WIRE_AMOUNT",
    "VNP_DATE_FORMAT",
    "VN_TZ",
    "clean_order_info",
    "coerce_vnp_date",
    "format_vnd",
    "format_vnp_date",
    "from_wire_amount",
    "parse_vnp_date",
    "seconds",
    "strip_diacritics",
    "to_vn",
    "to_wire_amount",
    "utcnow",
    "validate_amount_vnd",
    "validate_bank_code",
    "validate_ip",
    "validate_locale",
    "validate_metadata",
    "validate_txn_ref",
]
