"""Import procedure catalogues as provinces and the national database export them.

CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1258, Windows-1252 when clearly
right) and XLSX files, one procedure a row, with Vietnamese column headers such as
``MaTTHC``, ``TenTTHC``, ``CapThucHien``... or human headers such as "Mã thủ tục",
matched case-, accent- and space-insensitively.

The importer never writes anything and never half-imports: it returns an
:class:`ImportReport` (accepted records, rejected rows with Vietnamese and English
messages, warnings); the caller decides, all-or-nothing by default (``report.ok``).

Row numbers are those a spreadsheet user sees: the header is usually row 1 and the first
procedure row 2; ``row_number == 0`` means the file as a whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from unidecode import unidecode

from control.catalogue.records import (
    AGENCY_KINDS,
    MAX_LENGTHS,
    Fee,
    Field,
    FieldError,
    ImportReport,
    ProcedureRecord,
    RequiredDocument,
    RowError,
    problem,
    validate_record,
)


def row_error(row_number: int, code: str, column: str, msg_id: str, value: Any = "", row: Any = "") -> RowError:
    """A RowError with the messages of ``MESSAGES[msg_id]``."""
    exc = problem(msg_id, value, row)
    return RowError(row_number, code, column, exc.message_vi, exc.message_en, exc.reason)


def _file_error(encoding: str, source: str, msg_id: str) -> ImportReport:
    return ImportReport([], [row_error(0, "", "", msg_id)], encoding, 0, source=source)


# --------------------------------------------------------------------------- text helpers


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: "Cấp  Tỉnh" -> "cap tinh"."""
    return " ".join(unidecode(nfc(text)).lower().split())


def header_key(text: Any) -> str:
    """Header matching key: accents, case, spaces and punctuation removed."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


_BULLET_RE = re.compile(r"^\s*(?:[-+•*–]+|\d{1,2}[.)]|[a-zđ][.)])\s+", re.IGNORECASE)


def split_items(text: str) -> list[str]:
    """Split a cell on ';' and new lines, drop bullets, blanks and repeats."""
    out: list[str] = []
    for part in re.split(r"[;\n]+", nfc(text)):
        item = _BULLET_RE.sub("", part).strip()
        if re.search(r"\w", item) and item not in out:
            out.append(item)
    return out


# --------------------------------------------------------------------------- fees

_FREE_PHRASES = {
    "mien phi", "mien", "mien le phi", "mien phi le phi", "mien phi va le phi", "mien thu",
    "khong", "khong co", "khong thu", "khong thu phi", "khong thu le phi", "khong thu phi le phi",
    "khong co phi le phi", "khong quy dinh", "khong phai nop", "khong phai nop phi le phi",
    "0", "0 dong", "0d", "0 d", "0 vnd", "free", "none",
}  # fmt: skip
_MONEY_RE = re.compile(
    r"(?<![\w.,/])(?P<sign>[-−])?(?P<num>\d{1,3}(?:[.,\u00a0 ]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
    r"\s*(?P<mult>triệu|nghìn|ngàn)?\s*(?P<cur>đồng|vnđ|vnd|đ|₫)?(?!\w)",
    re.IGNORECASE,
)
_MULTIPLIERS = {"triệu": 1_000_000, "nghìn": 1_000, "ngàn": 1_000}
_DEFAULT_FEE_NAMES = {"fee": "Phí", "charge": "Lệ phí", "price": "Giá dịch vụ"}


def _is_free(text: str) -> bool:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(text)).split()) in _FREE_PHRASES


def _money_value(num: str, mult: str | None) -> int | None:
    num = num.replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:[., ]\d{3})+", num):
        value = Decimal(re.sub(r"[., ]", "", num))
    else:
        try:
            value = Decimal(num.replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return None
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return int(value) if value == value.to_integral_value() else None


def find_amounts(text: str) -> list[int]:
    """Money amounts (VND) written with a currency or multiplier word: "100.000đ/hồ sơ" ->
    [100000], "1,5 triệu đồng" -> [1500000]; a cell holding only a number counts too.
    Negative amounts come back negative."""
    t = nfc(text).strip()
    bare = re.fullmatch(r"[-−]?\s?(?:\d{1,3}(?:[.,\u00a0 ]\d{3})+|\d+)", t) is not None
    out: list[int] = []
    for m in _MONEY_RE.finditer(t):
        if not (m.group("cur") or m.group("mult") or bare):
            continue
        value = _money_value(m.group("num"), m.group("mult"))
        if value is not None:
            negative = m.group("sign") or (bare and t.startswith(("-", "−")))
            out.append(-value if negative else value)
    return out


def _fee_kind(text: str) -> str:
    f = fold(text)
    if f.startswith("le phi"):
        return "charge"
    if f.startswith("phi"):
        return "fee"
    return "price" if f.startswith(("gia", "muc gia")) else "charge"


def fee_name_and_kind(text: str) -> tuple[str, str]:
    """A short name for a fee written as free text ("Phí thẩm định: ..." -> "Phí thẩm
    định"), else the default name of its kind; and the kind (fee / charge / price)."""
    t = _BULLET_RE.sub("", nfc(text)).strip()
    head = t.split(":", 1)[0].strip() if ":" in t else ""
    if not head or len(head) > 200:
        m = _MONEY_RE.search(t)
        head = t[: m.start()].strip(" :-–(") if m and (m.group("cur") or m.group("mult")) else ""
        if fold(head).split(" ")[0] not in {"phi", "le", "gia", "muc"}:
            head = ""
    kind = _fee_kind(head or t)
    return (head if head and len(head) <= 200 else _DEFAULT_FEE_NAMES[kind]), kind


def parse_fee_amount(text: str) -> tuple[int | None, bool]:
    """Amount of one fee text: (0, False) free; (n, False) one amount; (None, several?)
    when no single amount is stated. Raises FieldError for a negative amount."""
    head, _, rest = text.partition(":")
    body = rest if rest and len(head) <= 200 else text
    if _is_free(body) or _is_free(text):
        return 0, False
    amounts = find_amounts(body)
    negative = [a for a in amounts if a < 0]
    if negative:
        raise problem("negative_fee", f"{negative[0]:,}".replace(",", "."))
    distinct = sorted(set(amounts))
    if len(distinct) == 1:
        return distinct[0], False
    return None, len(distinct) > 1


def parse_fees(text: str) -> tuple[list[Fee], list[str]]:
    """Fees of a PhiLePhi cell: "50.000 đồng", "Miễn phí", "100.000đ/hồ sơ", "Không",
    "Lệ phí: 20.000 đồng; Phí thẩm định: 100.000 đồng". Returns (fees, names of fees that
    state several amounts). Free -> one Fee of amount 0; no single clear amount -> amount
    None (legal_text keeps the wording). Raises FieldError for a negative amount."""
    t = nfc(text).strip()
    if not t:
        return [], []
    if _is_free(t):
        return [Fee(name="Miễn phí", kind="charge", amount_vnd=0, legal_text=t)], []
    fees: list[Fee] = []
    several_names: list[str] = []
    for part in split_items(t):
        amount, several = parse_fee_amount(part)
        name, kind = fee_name_and_kind(part)
        if several:
            several_names.append(name)
        fee = Fee(name=name, kind=kind, amount_vnd=amount, legal_text=part)
        if fee not in fees:
            fees.append(fee)
    return fees, several_names


# --------------------------------------------------------------------------- processing time

_UNIT_WORDS = r"ngay\s+lam\s+viec|ngay|gio\s+lam\s+viec|gio|tieng|thang|nam|tuan|phut"
_DURATION_RE = re.compile(rf"(?<![\d/.,])(\d+\s*/\s*\d+|\d+(?:[.,]\d+)?)\s*(?:\([^)]*\)\s*)?({_UNIT_WORDS})\b")
_UNIT_NAMES = {
    "working_day": {"ngay lam viec", "ngay lv", "working_day", "working day", "working days", "workingday"},
    "calendar_day": {"ngay", "ngay lich", "calendar_day", "calendar day", "calendar days", "day", "days"},
    "hour": {"gio", "gio lam viec", "tieng", "hour", "hours", "h"},
}
_UNSUPPORTED_UNITS = {"thang": "tháng", "nam": "năm", "tuan": "tuần", "phut": "phút"}


def _unit_of(word: str) -> str:
    w = " ".join(word.split())
    for unit, names in _UNIT_NAMES.items():
        if w in names:
            return unit
    if w in _UNSUPPORTED_UNITS:
        raise problem("unsupported_unit", _UNSUPPORTED_UNITS[w])
    raise problem("bad_unit", word)


def parse_unit(text: str) -> str:
    """DonViThoiGian cell -> working_day / calendar_day / hour."""
    return _unit_of(fold(text).strip(" ."))


def _number(text: str) -> Decimal:
    if "/" in text:
        a, b = (Decimal(x.strip()) for x in text.split("/", 1))
        if b == 0:
            raise problem("bad_time", text)
        return (a / b).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return Decimal(text.replace(",", ".")).normalize()


def parse_duration(text: Any, unit_hint: str = "") -> tuple[Decimal, str, bool]:
    """Processing time: "15 ngày làm việc", "03 ngày", "8 giờ", "1/2 ngày làm việc",
    "Trong ngày", "Không quá 15 ngày kể từ ...". "ngày" alone means calendar days.
    ``unit_hint`` is the DonViThoiGian cell, needed when the time is a bare number.
    Returns (amount, unit, several times written?); raises FieldError."""
    raw = nfc(str(text if text is not None else "")).strip()
    if not raw:
        raise problem("missing_time")
    f = fold(raw)
    hint = parse_unit(unit_hint) if unit_hint and unit_hint.strip() else None
    # "Trong ngày", "Thực hiện trong ngày làm việc ...; sau 15 giờ thì ..." -> 1 working day
    same_day = re.search(r"\btrong (ngay|ngay lam viec)\b(?! (thu|ke|tiep))", f)
    matches = [m for m in _DURATION_RE.finditer(f) if not re.search(r"\b(sau|truoc|luc|den)\s*$", f[: m.start()])]
    if same_day and (not matches or same_day.start() < matches[0].start()):
        return Decimal(1), hint or "working_day", False
    several = False
    if re.fullmatch(r"\d+(?:[.,]\d+)?|\d+\s*/\s*\d+", f):
        if hint is None:
            raise problem("time_without_unit", raw)
        amount, unit = _number(f), hint
    else:
        if not matches:
            raise problem("bad_time", raw[:80])
        amount, unit = _number(matches[0].group(1)), _unit_of(matches[0].group(2))
        if hint and hint != unit:
            raise problem("unit_conflict", raw[:40])
        several = len({(m.group(1), m.group(2)) for m in matches}) > 1
    if amount <= 0:
        raise problem("time_not_positive", raw[:40])
    return amount, unit, several


# --------------------------------------------------------------------------- levels, agencies, people

_LEVEL_TOKENS = {
    "province": {"tinh", "thanh pho truc thuoc trung uong", "tp truc thuoc tw", "province", "provincial"},
    "district": {"huyen", "quan", "thi xa", "thanh pho thuoc tinh", "district"},
    "commune": {"xa", "phuong", "thi tran", "dac khu", "commune", "ward"},
}


def parse_levels(text: str) -> set[str]:
    """CapThucHien: "Cấp tỉnh", "Cấp Tỉnh, Cấp Huyện, Cấp Xã", "Tỉnh; Xã", "province"..."""
    levels: set[str] = set()
    unknown: list[str] = []
    for raw in re.split(r"[,;/+&\n]|\bvà\b", nfc(text)):
        tok = re.sub(r"^(cap|ubnd( cap)?|uy ban nhan dan( cap)?)\s+", "", fold(raw).strip(" ."))
        found = [lvl for lvl, names in _LEVEL_TOKENS.items() if tok in names]
        if found:
            levels.add(found[0])
        elif tok:
            unknown.append(f"'{raw.strip()}'")
    if unknown:
        raise problem("unknown_level", ", ".join(unknown))
    if not levels:
        raise problem("missing_levels")
    return levels


def _classify_part(f: str) -> tuple[str | None, set[str]]:
    if re.match(r"(bo|cuc|tong cuc)\s(?!phan\b)", f) or "co quan dai dien" in f or "bo ngoai giao" in f:
        return "co_quan_trung_uong", set()
    if "cong an" in f:
        if re.search(r"\b(cap )?(xa|phuong|thi tran)\b", f):
            return "cong_an", {"commune"}
        return "cong_an", {"district"} if re.search(r"\b(cap )?(huyen|quan)\b", f) else {"province"}
    if "van phong dang ky dat dai" in f:
        return "van_phong_dang_ky_dat_dai", {"province"}
    if re.match(r"(chi cuc )?thue\b", f):
        return "thue", {"province"}
    if "bao hiem xa hoi" in f:
        return "bhxh", {"province"}
    if re.match(r"(co quan chuyen mon|co quan quan ly|phong)\b", f):
        if "cap tinh" in f:
            return "so_ban_nganh", {"province"} | ({"commune"} if "cap xa" in f else set())
        if "cap huyen" in f:
            return "phong_chuyen_mon", {"district"}
        if "cap xa" in f or re.match(r"phong (kinh te|van hoa)", f):  # commune offices since 07/2025
            return "phong_chuyen_mon", {"commune"}
        return "phong_chuyen_mon", {"district"}
    if re.match(r"so\s", f) or f.startswith("ban quan ly"):
        return "so_ban_nganh", {"province"}
    m = re.search(r"(?:uy ban nhan dan|ubnd)\s+(?:cap\s+)?(\w+(?: \w+)?)", f)
    if m:
        word = m.group(1)
        if re.match(r"(xa|phuong|thi tran|dac khu)\b", word):
            return "ubnd_xa", {"commune"}
        if re.match(r"(huyen|quan|thi xa)\b", word):
            return "ubnd_huyen", {"district"}
        if re.match(r"(tinh|thanh pho)\b", word):
            return "ubnd_tinh", {"province"}
    return None, set()


def classify_agency(text: str | None) -> tuple[str | None, set[str]]:
    """Agency kind and levels from a free-text agency ("Ủy ban nhân dân cấp xã",
    "Sở Tư pháp", "Chi nhánh Văn phòng đăng ký đất đai", "Công an cấp Xã"...).

    Several agencies separated by ';' give the kind of the first recognised one and the
    union of levels. Central bodies only (ministries, embassies) give
    ("co_quan_trung_uong", set()); unrecognised text gives (None, set()).
    """
    kind: str | None = None
    levels: set[str] = set()
    central = False
    for part in split_items(text or ""):
        k, lv = _classify_part(fold(part))
        central = central or k == "co_quan_trung_uong"
        if k and k != "co_quan_trung_uong":
            kind = kind or k
            levels |= lv
    if kind is None and central:
        return "co_quan_trung_uong", set()
    return kind, levels


def parse_online_level(text: str) -> str:
    """MucDo: "Toàn trình"/"Mức độ 4" -> full; "Một phần"/"Mức độ 3" -> partial;
    "Mức độ 2"/"Cung cấp thông tin" -> none."""
    f = fold(text).strip(" .")
    if not f:
        raise problem("missing_online_level")
    m = re.fullmatch(r"(?:muc(?: do)?|md)?\s*([1-4])", f)
    if m:
        return {"4": "full", "3": "partial"}.get(m.group(1), "none")
    if "toan trinh" in f or f == "full":
        return "full"
    if "mot phan" in f or f == "partial":
        return "partial"
    if "thong tin" in f or f in {"none", "khong", "truc tiep"}:
        return "none"
    raise problem("bad_online_level", text)


_COMPANY_WORDS = ("doanh nghiep", "to chuc", "hop tac xa", "htx", "cong ty", "ho kinh doanh", "co so ", "don vi",
                  "co quan", "company", "organi", "business", "chi nhanh", "van phong dai dien")  # fmt: skip
_CITIZEN_WORDS = ("cong dan", "ca nhan", "nguoi", "ho gia dinh", "can bo", "cong chuc", "vien chuc", "citizen",
                  "individual", "person", "tre em", "hoc sinh", "sinh vien")  # fmt: skip


def applicant_kind(text: str) -> str | None:
    """ "Doanh nghiệp", "Tổ chức ..." -> company; "Công dân Việt Nam", "Người nước ngoài" -> citizen."""
    f = fold(text)
    if any(w in f for w in _COMPANY_WORDS):
        return "company"
    return "citizen" if any(w in f for w in _CITIZEN_WORDS) else None


def parse_applicants(text: str) -> tuple[set[str], list[str]]:
    """DoiTuong -> (subset of {"citizen", "company"}, unrecognised items)."""
    kinds: set[str] = set()
    unknown: list[str] = []
    for item in (p.strip() for p in re.split(r"[;,\n](?![^(]*\))", nfc(text))):
        if not item:
            continue
        kind = applicant_kind(item)
        if kind:
            kinds.add(kind)
        else:
            unknown.append(item)
    return kinds, unknown


_ORIGINALS_RE = re.compile(r"(\d+)\s*ban\s*chinh")
_COPIES_RE = re.compile(r"(\d+)\s*ban\s*(?:sao|chup)")
_FORM_RE = re.compile(r"\bmẫu(?:\s+số)?\s+([A-Za-zĐđ]*[0-9][\w./\-]*)", re.IGNORECASE)


def parse_document(text: str, group: str = "") -> RequiredDocument:
    """One required document: "Tờ khai theo Mẫu CT01 (01 bản chính)", "Bản sao ...",
    "Văn bản ủy quyền (nếu có)". Default: one original, no copy."""
    t = nfc(text).strip()
    f = fold(t)
    orig, copy = _ORIGINALS_RE.search(f), _COPIES_RE.search(f)
    if orig or copy:
        originals, copies = int(orig.group(1)) if orig else 0, int(copy.group(1)) if copy else 0
    else:
        has_copy = re.search(r"ban (sao|chup)", f) is not None
        originals, copies = (1 if "ban chinh" in f or not has_copy else 0), (1 if has_copy else 0)
    form = _FORM_RE.search(t)
    return RequiredDocument(
        name=re.sub(r"\s*\(\s*\d+\s*bản[^)]*\)", "", t).strip() or t,
        originals=originals,
        copies=copies,
        form_template_code=form.group(1).rstrip(".,;)") if form else None,
        optional="neu co" in f,
        group=group,
    )


def parse_date(value: Any) -> date:
    """A date cell: a date, "2025-07-01", "01/07/2025", "1.7.2025"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else date.fromisoformat(text[:10])
    except ValueError as exc:
        raise problem("bad_date", text) from exc


# --------------------------------------------------------------------------- encodings

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


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


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # canonical header, as the national database writes it
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("code", "MaTTHC", ("Mã TTHC", "Mã thủ tục", "Mã thủ tục hành chính", "Mã số thủ tục", "Mã số TTHC", "code")),
    Column("name", "TenTTHC", ("Tên TTHC", "Tên thủ tục", "Tên thủ tục hành chính", "name")),
    Column("field_code", "MaLinhVuc", ("Mã lĩnh vực", "field_code")),
    Column("field_name", "TenLinhVuc", ("Tên lĩnh vực", "Lĩnh vực", "field_name")),
    Column("levels", "CapThucHien", ("Cấp thực hiện", "Cấp giải quyết", "levels")),
    Column("processing_time", "ThoiHanGiaiQuyet", ("Thời hạn giải quyết", "Thời gian giải quyết", "processing_time")),
    Column("processing_unit", "DonViThoiGian", ("Đơn vị thời gian", "Đơn vị tính", "processing_unit"), False),
    Column("fees", "PhiLePhi", ("Phí, lệ phí", "Phí lệ phí", "Lệ phí", "Phí", "fees")),
    Column("agency", "CoQuanThucHien", ("Cơ quan thực hiện", "Cơ quan giải quyết", "agency_name", "agency")),
    Column("online_level", "MucDo", ("Mức độ", "Mức độ DVC", "Mức độ dịch vụ công", "Mức độ DVCTT", "online_level")),
    Column("applicants", "DoiTuong", ("Đối tượng", "Đối tượng thực hiện", "applicant_kinds", "applicants")),
    Column("documents", "ThanhPhanHoSo", ("Thành phần hồ sơ", "Hồ sơ", "documents"), False),
    Column("results", "KetQua", ("Kết quả", "Kết quả thực hiện", "Kết quả giải quyết", "results")),
    Column("legal_basis", "CanCuPhapLy", ("Căn cứ pháp lý", "Căn cứ pháp lý của TTHC", "legal_basis")),
    Column("agency_kind", "LoaiCoQuan", ("Loại cơ quan", "agency_kind"), False),
    Column("version", "PhienBan", ("Phiên bản", "version"), False),
    Column("effective_from", "NgayHieuLuc", ("Ngày hiệu lực", "Hiệu lực từ ngày", "effective_from"), False),
)
_BY_KEY = {c.key: c for c in COLUMNS}
_ALIASES = {header_key(a): c.key for c in COLUMNS for a in (c.header, *c.aliases)}
_IGNORED_HEADERS = {header_key(h) for h in ("STT", "Số thứ tự", "TT", "Ghi chú", "No")}
# validate_record's Issue.field -> column key
_ISSUE_COLUMN = {"agency_kind": "agency", "agency_name": "agency", "processing_amount": "processing_time",
                 "processing_unit": "processing_time", "applicant_kinds": "applicants"}  # fmt: skip


def _cell_text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()


def _map_header(header: Sequence[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """(key -> index, key -> header text as written, unknown header texts)."""
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(header):
        text = _cell_text(cell)
        key = _ALIASES.get(header_key(text))
        if key and key not in index:
            index[key], shown[key] = i, text
        elif text and header_key(text) not in _IGNORED_HEADERS:
            unknown.append(text)
    return index, shown, unknown


def find_header_row(rows: Sequence[Sequence[Any]], scan: int = 20) -> int | None:
    """Index of the first row that looks like a header (the code column and 3+ known ones)."""
    for i, row in enumerate(rows[:scan]):
        index, _, _ = _map_header(row)
        if "code" in index and len(index) >= 3:
            return i
    return None


def _code_of(value: Any) -> tuple[str, bool]:
    """Procedure code of a cell; Excel turns "1.000080" into the number 1.00008."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}", True
    return _cell_text(value), False


# --------------------------------------------------------------------------- rows -> records


def import_rows(
    header: Sequence[Any],
    rows: Iterable[tuple[int, Sequence[Any]]],
    *,
    encoding: str,
    header_row: int = 1,
    source: str = "",
) -> ImportReport:
    """Validate (row_number, cells) rows under ``header`` and build the report."""
    report = ImportReport(accepted=[], rejected=[], encoding=encoding, total_rows=0, source=source)
    index, shown, unknown = _map_header(header)
    report.warnings += [row_error(header_row, "", text, "extra_column", text) for text in unknown]
    missing = [c for c in COLUMNS if c.required and c.key not in index]
    report.rejected += [row_error(header_row, "", c.header, "missing_column", c.header) for c in missing]
    field_names: dict[str, str] = {}
    first_row_of: dict[str, int] = {}
    for row_number, cells in rows:
        values = {k: (cells[i] if i < len(cells) else None) for k, i in index.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        report.total_rows += 1
        if missing:
            continue
        record, errors, warnings = _build_record(row_number, values, shown)
        code = _code_of(values.get("code"))[0]
        if code in first_row_of:
            errors.append(row_error(row_number, code, shown["code"], "duplicate_code", code, first_row_of[code]))
        elif code:
            first_row_of[code] = row_number
        report.warnings += warnings
        if errors or record is None:
            report.rejected += errors
            continue
        fname, known = _cell_text(values.get("field_name")), field_names.get(record.field_code)
        if fname and known and fname != known:
            col = shown.get("field_name", "TenLinhVuc")
            report.warnings.append(row_error(row_number, code, col, "field_name_conflict", fname, known))
        elif fname and not known:
            field_names[record.field_code] = fname
        report.accepted.append(record)
    for rec in report.accepted:
        if rec.field_code not in field_names:
            field_names[rec.field_code] = rec.field_code
            report.warnings.append(row_error(0, rec.code, "TenLinhVuc", "missing_field_name", rec.field_code))
    report.fields = [Field(code, name) for code, name in field_names.items()]
    return report


def _build_record(
    row_number: int, values: dict[str, Any], shown: dict[str, str]
) -> tuple[ProcedureRecord | None, list[RowError], list[RowError]]:
    errors: list[RowError] = []
    warnings: list[RowError] = []
    code, was_number = _code_of(values.get("code"))
    text = {k: _cell_text(v) for k, v in values.items()}

    def col(key: str) -> str:
        return shown.get(key, _BY_KEY[key].header)

    def err(key: str, msg_id: str, value: Any = "") -> None:
        errors.append(row_error(row_number, code, col(key), msg_id, value))

    def warn(key: str, msg_id: str, value: Any = "") -> None:
        warnings.append(row_error(row_number, code, col(key), msg_id, value))

    def attempt(key: str, fn: Callable[[], Any], default: Any) -> Any:
        try:
            return fn()
        except FieldError as exc:
            errors.append(RowError(row_number, code, col(key), exc.message_vi, exc.message_en, exc.reason))
            return default

    if was_number:
        warn("code", "code_was_number", code)
    for key in ("code", "name", "field_code"):
        if not (code if key == "code" else text.get(key)):
            err(key, f"missing_{key}")
    if len(text.get("field_name", "")) > MAX_LENGTHS["field_name"]:
        err("field_name", "field_name_too_long", MAX_LENGTHS["field_name"])
    levels = attempt("levels", lambda: parse_levels(text.get("levels", "")), {"province"})
    amount, unit, several_times = attempt(
        "processing_time",
        lambda: parse_duration(values.get("processing_time"), text.get("processing_unit", "")),
        (Decimal(1), "working_day", False),
    )
    if several_times:
        warn("processing_time", "several_times")
    fees, several_amounts = attempt("fees", lambda: parse_fees(text.get("fees", "")), ([], []))
    for name in several_amounts:
        warn("fees", "several_amounts", name)
    online = attempt("online_level", lambda: parse_online_level(text.get("online_level", "")), "partial")
    agency, kind_text = text.get("agency", ""), text.get("agency_kind", "")
    if not agency:
        err("agency", "missing_agency")
    if kind_text:
        by_label = {fold(label): k for k, label in AGENCY_KINDS.items()}
        kind = kind_text if kind_text in AGENCY_KINDS else by_label.get(fold(kind_text))
        if kind is None:
            err("agency_kind", "bad_agency_kind", kind_text)
    else:
        kind = classify_agency(agency)[0]
        if kind in (None, "co_quan_trung_uong") and agency:
            warn("agency", "unknown_agency", agency[:60])
    applicants, unknown_people = parse_applicants(text.get("applicants", ""))
    for item in unknown_people:
        warn("applicants", "unknown_applicant", item[:60])
    if not applicants:
        err("applicants", "missing_applicants")
    results, legal = split_items(text.get("results", "")), split_items(text.get("legal_basis", ""))
    if not results:
        warn("results", "no_results")
    if not legal:
        warn("legal_basis", "no_legal_basis")
    version = 1
    if text.get("version"):
        try:
            version = int(Decimal(text["version"]))
        except (InvalidOperation, ValueError):
            err("version", "bad_version", text["version"])
    effective = attempt(
        "effective_from", lambda: parse_date(values["effective_from"]) if text.get("effective_from") else None, None
    )
    record = ProcedureRecord(
        code=code,
        name=text.get("name", ""),
        field_code=text.get("field_code", ""),
        levels=levels,
        agency_kind=kind if kind and kind != "co_quan_trung_uong" else "khac",
        agency_name=agency,
        processing_amount=amount,
        processing_unit=unit,
        fees=fees,
        documents=[parse_document(item) for item in split_items(text.get("documents", ""))],
        results=results,
        legal_basis=legal,
        online_level=online,
        applicant_kinds=applicants or {"citizen"},
        version=version,
        effective_from=effective,
    )
    reported = {(e.column, e.reason) for e in errors}
    reported_cols = {e.column for e in errors}
    for issue in validate_record(record):
        key = issue.field.split("[", 1)[0]
        key = _ISSUE_COLUMN.get(key, key)
        column = col(key) if key in _BY_KEY else issue.field
        if (column, issue.reason) in reported or (column in reported_cols and issue.reason.startswith("missing")):
            continue
        reported.add((column, issue.reason))
        errors.append(RowError(row_number, code, column, issue.message_vi, issue.message_en, issue.reason))
    return (None if errors else record), errors, warnings


# --------------------------------------------------------------------------- files


def _read_bytes(source: bytes | str | Path) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    path = Path(source)
    return path.read_bytes(), path.name


def _rows_with_header(matrix: list[list[Any]], encoding: str, source: str, first_row: int = 1) -> ImportReport:
    hi = find_header_row(matrix)
    if hi is None:
        return _file_error(encoding, source, "no_header")
    numbered = ((first_row + i, row) for i, row in enumerate(matrix) if i > hi)
    return import_rows(matrix[hi], numbered, encoding=encoding, header_row=first_row + hi, source=source)


def import_csv(source: bytes | str | Path) -> ImportReport:
    """Import a CSV file (its bytes, or a path). Delimiter ',', ';' or tab, detected on
    the header line; an Excel "sep=;" first line is honoured; title lines above the
    header are skipped."""
    data, name = _read_bytes(source)
    try:
        encoding, text = decode_bytes(data)
    except EncodingDetectionError:
        return _file_error("unknown", name, "bad_encoding")
    if not text.strip():
        return _file_error(encoding, name, "empty_file")
    first_row = 1
    first_line, _, rest = text.partition("\n")
    sep_line = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if sep_line:
        delimiter, text, first_row = sep_line.group(1), rest, 2
    else:
        head = next((ln for ln in text.splitlines() if ln.strip()), "")
        delimiter = max([",", ";", "\t"], key=lambda d: (head.count(d), d == ","))
    try:
        matrix = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:  # e.g. a cell longer than csv.field_size_limit()
        return _file_error(encoding, name, "bad_csv")
    return _rows_with_header(matrix, encoding, name, first_row)


def import_xlsx(source: bytes | str | Path, *, sheet: str | None = None) -> ImportReport:
    """Import an XLSX workbook (its bytes, or a path): the named sheet, or the first sheet
    that has a header row (title rows above the header are skipped)."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    data, name = _read_bytes(source)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        return _file_error("xlsx", name, "bad_xlsx")
    try:
        sheets = [wb[sheet]] if sheet and sheet in wb.sheetnames else list(wb.worksheets)
        for ws in sheets:
            matrix = [list(r) for r in ws.iter_rows(values_only=True)]
            if find_header_row(matrix) is not None or ws is sheets[-1]:
                return _rows_with_header(matrix, "xlsx", name)
    finally:
        wb.close()
    return _file_error("xlsx", name, "no_header")


def import_file(path: str | Path) -> ImportReport:
    """Import by file suffix: .csv/.txt/.tsv, .xlsx/.xlsm, or .jsonl (national export)."""
    suffix = Path(path).suffix.lower()
    if suffix in {".csv", ".txt", ".tsv"}:
        return import_csv(Path(path))
    if suffix in {".xlsx", ".xlsm"}:
        return import_xlsx(Path(path))
    if suffix == ".jsonl":
        from control.catalogue.national import load_national_jsonl

        return load_national_jsonl(path)
    raise ValueError(f"unsupported catalogue file type: {suffix!r}")
