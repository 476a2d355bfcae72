"""VietQR (NAPAS 247) bank-transfer payload: EMVCo TLV with CRC-16/CCITT-FALSE."""

from __future__ import annotations

import re

from unidecode import unidecode

NAPAS_GUID = "A000000727"


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise ValueError(f"bad EMVCo tag {tag!r}")
    if len(value) > 99:
        raise ValueError(f"EMVCo value too long for tag {tag}")
    return f"{tag}{len(value):02d}{value}"


def _clean(text: str, limit: int) -> str:
    return re.sub(r"[^A-Za-z0-9 .\-]", "", unidecode(text)).strip()[:limit]


def vietqr_payload(*, bank_bin: str, account: str, amount_vnd: int | None = None, bill_number: str = "",
                   purpose: str = "") -> str:
    """The string to encode in the QR (dynamic when an amount is given)."""
    if not re.fullmatch(r"\d{6}", bank_bin):
        raise ValueError("bank BIN must be 6 digits")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", account):
        raise ValueError("account must be 1-19 letters/digits")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", "QRIBFTTA")
    parts = [tlv("00", "01"), tlv("01", "12" if amount_vnd else "11"), tlv("38", merchant), tlv("53", "704")]
    if amount_vnd:
        if amount_vnd <= 0:
            raise ValueError("amount must be positive")
        parts.append(tlv("54", str(int(amount_vnd))))
    parts.append(tlv("58", "VN"))
    extra = ""
    if bill_number:
        extra += tlv("01", _clean(bill_number, 25))
    if purpose:
        extra += tlv("08", _clean(purpose, 50))
    if extra:
        parts.append(tlv("62", extra))
    body = "".join(parts) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"
