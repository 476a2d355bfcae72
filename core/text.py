"""Vietnamese text helpers: NFC, accent folding, the encodings files arrive in.

Vietnamese text reaches us precomposed (NFC) or decomposed (NFD, macOS), in UTF-8, UTF-16
or Windows-1258 (which writes most tone marks as combining characters). Everything is
normalised to NFC on the way in; :func:`fold` gives the accent-, case- and space-insensitive
key used to match headers, phrases and names.
"""

from __future__ import annotations

import codecs
import unicodedata

from unidecode import unidecode

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Transliteration(dict):
    """Code point -> its ASCII transliteration (unidecode's), filled in as characters are
    met, so that folding runs in ``str.translate`` rather than character by character."""

    def __missing__(self, code: int) -> str:
        value = self[code] = unidecode(chr(code))
        return value


_ASCII = _Transliteration()


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: "Cấp  Tỉnh" -> "cap tinh"."""
    return " ".join(nfc(text).translate(_ASCII).lower().split())


def encode_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Windows does: base letters (â, ê, ơ, ư, ă...) plus a
    combining tone mark where no precomposed character exists ("ế" -> "ê" + U+0301)."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = nfc("".join(c for c in parts if c not in _TONE_MARKS))
            out += base.encode("cp1258") + "".join(c for c in parts if c in _TONE_MARKS).encode("cp1258")
    return bytes(out)


class EncodingDetectionError(ValueError):
    pass


def _orphan_marks(text: str) -> int:
    """Combining marks left after NFC: a sign that a single-byte guess is wrong."""
    return sum(1 for c in text if unicodedata.combining(c))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(encoding, NFC text). Deterministic: UTF-8 with BOM ("utf-8-sig"), UTF-16 with BOM,
    strict UTF-8, then Windows-1258 ("cp1258", NFC-normalised since it writes tone marks
    as combining characters), and Windows-1252 ("cp1252") only when the Windows-1258
    reading is impossible or leaves tone marks on nothing."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return "utf-8-sig", nfc(data.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise EncodingDetectionError("invalid UTF-8 after a UTF-8 BOM") from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", nfc(data.decode("utf-16"))
    try:
        return "utf-8", nfc(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    for codec in ("cp1258", "cp1252"):
        try:
            readings[codec] = nfc(data.decode(codec))
        except UnicodeDecodeError:
            continue
        if _orphan_marks(readings[codec]) == 0:
            return codec, readings[codec]
    if "cp1258" in readings:
        return "cp1258", readings["cp1258"]
    raise EncodingDetectionError("not UTF-8, Windows-1258 or Windows-1252")
