"""The national master catalogue's canonical shape (no Django here).

Plain dataclasses for fields (lĩnh vực), procedures (thủ tục hành chính), their fees
(phí, lệ phí), required documents (thành phần hồ sơ); JSON-friendly ``to_dict`` /
``from_dict``; a stable content hash and a field-by-field ``diff`` used to tell a tenant
that the master copy of a procedure it cloned has changed ("update available").

Conventions:
- money is integer VND. ``Fee.amount_vnd == 0`` means free (miễn phí) as stated by the
  source; ``None`` means the amount is not fixed nationally (e.g. set by the provincial
  People's Council, or several rates): read ``legal_text``.
- ``processing_amount`` is a ``Decimal`` (half days exist: "1/2 ngày làm việc").
- ``sample=True`` marks records (or fields) whose code or values we could not verify
  against an official source: illustrative data, to be checked before production use.
- ``needs_review=True`` (with ``review_reason``) marks a record loaded with something the
  source does not state (no executing agency, so its levels are the field's usual ones):
  shown as such wherever records are listed, never presented as fact.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------- choices
LEVELS: dict[str, str] = {
    "province": "Cấp tỉnh",
    "district": "Cấp huyện",
    "commune": "Cấp xã",
}
PROCESSING_UNITS: dict[str, str] = {
    "working_day": "ngày làm việc",
    "calendar_day": "ngày",
    "hour": "giờ",
}
# "none" is for procedures offered only as online information (old "mức độ 2"): they are
# received at the one-stop desk only. DVC "một phần" / "toàn trình" = old level 3 / 4.
ONLINE_LEVELS: dict[str, str] = {
    "none": "Chỉ cung cấp thông tin trực tuyến",
    "partial": "Dịch vụ công trực tuyến một phần",
    "full": "Dịch vụ công trực tuyến toàn trình",
}
APPLICANT_KINDS: dict[str, str] = {
    "citizen": "Cá nhân, công dân",
    "company": "Tổ chức, doanh nghiệp",
}
FEE_KINDS: dict[str, str] = {
    "fee": "Phí",
    "charge": "Lệ phí",
    "price": "Giá dịch vụ",
}
AGENCY_KINDS: dict[str, str] = {
    "so_ban_nganh": "Sở, ban, ngành cấp tỉnh",
    "ubnd_tinh": "Ủy ban nhân dân cấp tỉnh",
    "ubnd_huyen": "Ủy ban nhân dân cấp huyện",
    "ubnd_xa": "Ủy ban nhân dân cấp xã",
    "phong_chuyen_mon": "Phòng, cơ quan chuyên môn thuộc UBND cấp huyện/xã",
    "van_phong_dang_ky_dat_dai": "Văn phòng đăng ký đất đai và chi nhánh",
    "cong_an": "Công an",
    "thue": "Cơ quan thuế",
    "bhxh": "Bảo hiểm xã hội",
    "co_quan_trung_uong": "Cơ quan trung ương hoặc cơ quan đại diện ở nước ngoài",
    "khac": "Cơ quan khác",
}

# Maximum lengths (characters) of text values; the Django models should use the same.
MAX_LENGTHS: dict[str, int] = {
    "code": 50,
    "name": 2000,
    "field_code": 50,
    "field_name": 255,
    "agency_name": 2000,
    "fee_name": 500,
    "legal_text": 5000,
    "document_name": 5000,
    "form_template_code": 100,
    "form_template_name": 500,
    "document_group": 500,
    "result": 1000,
    "legal_basis": 2000,
    "review_reason": 500,
}
MAX_PROCESSING_AMOUNT = Decimal(1000)
# Procedure and field codes: letters (Vietnamese included, e.g. "G07-LĐ03"), digits, . _ - /
CODE_RE = re.compile(r"^\w[\w.\-/]*$")


def level_sort_key(level: str) -> int:
    order = list(LEVELS)
    return order.index(level) if level in order else len(order)


def decimal_to_str(value: Decimal) -> str:
    """Shortest plain (non-scientific) text: Decimal("15.0") -> "15", 0.50 -> "0.5"."""
    text = format(value.normalize(), "f")
    return text


def to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a decimal: {value!r}") from exc
    raise ValueError(f"not a decimal: {value!r}")


class CatalogueFormatError(ValueError):
    """A catalogue JSON document does not have the expected shape."""


def _require(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise CatalogueFormatError(f"{where}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CatalogueFormatError(f"{where}: {key!r} has type {type(value).__name__}")
    return value


def _optional(data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any, where: str) -> Any:
    if key not in data or data[key] is None:
        return default
    return _require(data, key, kind, where)


def _no_extra_keys(data: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = set(data) - allowed
    if extra:
        raise CatalogueFormatError(f"{where}: unknown keys {sorted(extra)}")


# --------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class Field:
    """A field (lĩnh vực) of procedures, e.g. G15-TP07 Hộ tịch."""

    code: str
    name: str
    sample: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "sample": self.sample}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Field:
        where = f"field {data.get('code')!r}"
        _no_extra_keys(data, {"code", "name", "sample"}, where)
        return cls(
            code=_require(data, "code", str, where),
            name=_require(data, "name", str, where),
            sample=_optional(data, "sample", bool, False, where),
        )


@dataclass(frozen=True)
class Fee:
    """A fee (phí), charge (lệ phí) or price (giá) of a procedure.

    amount_vnd: integer VND; 0 = free as stated; None = not fixed nationally (see legal_text).
    """

    name: str
    kind: str = "charge"
    amount_vnd: int | None = None
    legal_text: str = ""

    @property
    def is_free(self) -> bool:
        return self.amount_vnd == 0

    @property
    def is_fixed(self) -> bool:
        return self.amount_vnd is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "amount_vnd": self.amount_vnd,
            "legal_text": self.legal_text,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fee:
        where = f"fee {data.get('name')!r}"
        _no_extra_keys(data, {"name", "kind", "amount_vnd", "legal_text"}, where)
        return cls(
            name=_require(data, "name", str, where),
            kind=_optional(data, "kind", str, "charge", where),
            amount_vnd=_optional(data, "amount_vnd", int, None, where),
            legal_text=_optional(data, "legal_text", str, "", where),
        )


@dataclass(frozen=True)
class RequiredDocument:
    """A required document (thành phần hồ sơ): how many originals and copies."""

    name: str
    originals: int = 1
    copies: int = 0
    form_template_code: str | None = None
    form_template_name: str | None = None
    optional: bool = False
    group: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "originals": self.originals,
            "copies": self.copies,
            "form_template_code": self.form_template_code,
            "form_template_name": self.form_template_name,
            "optional": self.optional,
            "group": self.group,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequiredDocument:
        where = f"document {data.get('name')!r}"
        _no_extra_keys(
            data,
            {"name", "originals", "copies", "form_template_code", "form_template_name", "optional", "group"},
            where,
        )
        return cls(
            name=_require(data, "name", str, where),
            originals=_optional(data, "originals", int, 1, where),
            copies=_optional(data, "copies", int, 0, where),
            form_template_code=_optional(data, "form_template_code", str, None, where),
            form_template_name=_optional(data, "form_template_name", str, None, where),
            optional=_optional(data, "optional", bool, False, where),
            group=_optional(data, "group", str, "", where),
        )


@dataclass
class ProcedureRecord:
    """One administrative procedure of the national master catalogue."""

    code: str
    name: str
    field_code: str
    levels: set[str]
    agency_kind: str
    processing_amount: Decimal
    processing_unit: str
    fees: list[Fee] = field(default_factory=list)
    documents: list[RequiredDocument] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    legal_basis: list[str] = field(default_factory=list)
    online_level: str = "partial"
    applicant_kinds: set[str] = field(default_factory=lambda: {"citizen"})
    version: int = 1
    effective_from: date | None = None
    sample: bool = False
    agency_name: str = ""
    needs_review: bool = False
    review_reason: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.processing_amount, Decimal):
            self.processing_amount = to_decimal(self.processing_amount)
        if not isinstance(self.levels, set):
            self.levels = set(self.levels)
        if not isinstance(self.applicant_kinds, set):
            self.applicant_kinds = set(self.applicant_kinds)

    # ----------------------------------------------------------------- helpers
    @property
    def processing_label(self) -> str:
        """Vietnamese text of the processing time, e.g. "15 ngày làm việc"."""
        unit = PROCESSING_UNITS.get(self.processing_unit, self.processing_unit)
        return f"{decimal_to_str(self.processing_amount)} {unit}"

    @property
    def fixed_fee_total_vnd(self) -> int:
        """Sum of the fees with a fixed amount (free and unknown amounts count as 0)."""
        return sum(f.amount_vnd or 0 for f in self.fees)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "field_code": self.field_code,
            "levels": sorted(self.levels, key=level_sort_key),
            "agency_kind": self.agency_kind,
            "agency_name": self.agency_name,
            "processing_amount": decimal_to_str(self.processing_amount),
            "processing_unit": self.processing_unit,
            "fees": [f.to_dict() for f in self.fees],
            "documents": [d.to_dict() for d in self.documents],
            "results": list(self.results),
            "legal_basis": list(self.legal_basis),
            "online_level": self.online_level,
            "applicant_kinds": sorted(self.applicant_kinds),
            "version": self.version,
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "sample": self.sample,
            "needs_review": self.needs_review,
            "review_reason": self.review_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProcedureRecord:
        where = f"procedure {data.get('code')!r}"
        _no_extra_keys(data, _PROCEDURE_KEYS, where)
        amount_raw = _require(data, "processing_amount", (str, int, float), where)
        try:
            amount = to_decimal(amount_raw)
        except ValueError as exc:
            raise CatalogueFormatError(f"{where}: processing_amount {amount_raw!r}") from exc
        eff_raw = _optional(data, "effective_from", str, None, where)
        try:
            effective = date.fromisoformat(eff_raw) if eff_raw else None
        except ValueError as exc:
            raise CatalogueFormatError(f"{where}: effective_from {eff_raw!r}") from exc
        return cls(
            code=_require(data, "code", str, where),
            name=_require(data, "name", str, where),
            field_code=_require(data, "field_code", str, where),
            levels=set(_require(data, "levels", list, where)),
            agency_kind=_require(data, "agency_kind", str, where),
            agency_name=_optional(data, "agency_name", str, "", where),
            processing_amount=amount,
            processing_unit=_require(data, "processing_unit", str, where),
            fees=[Fee.from_dict(f) for f in _optional(data, "fees", list, [], where)],
            documents=[RequiredDocument.from_dict(d) for d in _optional(data, "documents", list, [], where)],
            results=list(_optional(data, "results", list, [], where)),
            legal_basis=list(_optional(data, "legal_basis", list, [], where)),
            online_level=_optional(data, "online_level", str, "partial", where),
            applicant_kinds=set(_optional(data, "applicant_kinds", list, ["citizen"], where)),
            version=_optional(data, "version", int, 1, where),
            effective_from=effective,
            sample=_optional(data, "sample", bool, False, where),
            needs_review=_optional(data, "needs_review", bool, False, where),
            review_reason=_optional(data, "review_reason", str, "", where),
        )


_PROCEDURE_KEYS = {
    "code", "name", "field_code", "levels", "agency_kind", "agency_name", "processing_amount",
    "processing_unit", "fees", "documents", "results", "legal_basis", "online_level",
    "applicant_kinds", "version", "effective_from", "sample", "needs_review", "review_reason",
}  # fmt: skip

# Fields left out of the content hash and of diff() by default: bookkeeping, not content.
HASH_IGNORED_FIELDS: frozenset[str] = frozenset({"version"})
# Attributes added after hashes were first stored: left out of the hash while they hold
# their default, so that a record without them keeps the hash it always had.
_HASHED_UNLESS_DEFAULT: dict[str, Any] = {"needs_review": False, "review_reason": ""}


def content_hash(record: ProcedureRecord, *, ignore: frozenset[str] = HASH_IGNORED_FIELDS) -> str:
    """Stable SHA-256 (hex) of the record's content (canonical JSON, ``version`` excluded).

    Same content gives the same hash across processes and Python versions: keys sorted,
    sets sorted, decimals normalised ("15.0" == "15"), dates ISO.
    """
    data = {
        k: v
        for k, v in record.to_dict().items()
        if k not in ignore and not (k in _HASHED_UNLESS_DEFAULT and v == _HASHED_UNLESS_DEFAULT[k])
    }
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    """One top-level attribute that differs between two versions of a procedure.

    old / new are JSON-friendly values (as in ``ProcedureRecord.to_dict``).
    """

    field: str
    old: Any
    new: Any


def diff(
    old: ProcedureRecord, new: ProcedureRecord, *, ignore: frozenset[str] = HASH_IGNORED_FIELDS
) -> list[FieldChange]:
    """Field-by-field differences, in declaration order; [] iff the content hashes match."""
    a, b = old.to_dict(), new.to_dict()
    return [FieldChange(k, a[k], b[k]) for k in a if k not in ignore and a[k] != b[k]]


# --------------------------------------------------------------------------- validation
@dataclass(frozen=True)
class Issue:
    """A validation problem of a record: attribute, messages (Vietnamese first), reason key."""

    field: str
    message_vi: str
    message_en: str
    reason: str


def _check_text(issues: list[Issue], attr: str, value: Any, limit_key: str, *, required: bool, label_vi: str) -> None:
    if not isinstance(value, str):
        issues.append(Issue(attr, f"{label_vi} phải là chuỗi ký tự", f"{attr} must be text", "bad_type"))
        return
    if required and not value.strip():
        issues.append(Issue(attr, f"Thiếu {label_vi}", f"Missing {attr}", f"missing_{limit_key}"))
        return
    limit = MAX_LENGTHS[limit_key]
    if len(value) > limit:
        issues.append(
            Issue(
                attr,
                f"{label_vi.capitalize()} dài {len(value)} ký tự, vượt quá giới hạn {limit} ký tự",
                f"{attr} is {len(value)} characters long, more than the limit of {limit}",
                "too_long",
            )
        )


def validate_record(rec: ProcedureRecord) -> list[Issue]:
    """Everything that makes a record unusable; [] when the record is valid."""
    issues: list[Issue] = []

    def add(attr: str, vi: str, en: str, reason: str) -> None:
        issues.append(Issue(attr, vi, en, reason))

    _check_text(issues, "code", rec.code, "code", required=True, label_vi="mã thủ tục")
    if isinstance(rec.code, str) and rec.code.strip() and not CODE_RE.match(rec.code):
        add("code", f"Mã thủ tục không hợp lệ: {rec.code!r}", f"Invalid procedure code {rec.code!r}", "bad_code")
    _check_text(issues, "name", rec.name, "name", required=True, label_vi="tên thủ tục")
    _check_text(issues, "field_code", rec.field_code, "field_code", required=True, label_vi="mã lĩnh vực")
    fc = rec.field_code
    if isinstance(fc, str) and fc.strip() and not CODE_RE.match(fc):
        add("field_code", f"Mã lĩnh vực không hợp lệ: {fc!r}", f"Invalid field code {fc!r}", "bad_field_code")
    _check_text(issues, "agency_name", rec.agency_name, "agency_name", required=False, label_vi="tên cơ quan")
    _check_text(issues, "review_reason", rec.review_reason, "review_reason", required=rec.needs_review,
                label_vi="lý do cần rà soát")
    if not rec.levels:
        add("levels", "Thiếu cấp thực hiện", "Missing level(s)", "missing_levels")
    unknown = ", ".join(sorted(map(str, set(rec.levels) - set(LEVELS))))
    if unknown:
        add("levels", f"Cấp thực hiện không hợp lệ: {unknown}", f"Unknown level(s): {unknown}", "unknown_level")
    if rec.agency_kind not in AGENCY_KINDS:
        kind = rec.agency_kind
        add("agency_kind", f"Loại cơ quan không hợp lệ: {kind!r}", f"Unknown agency kind {kind!r}", "bad_agency_kind")
    amount = rec.processing_amount
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0 or amount > MAX_PROCESSING_AMOUNT:
        add("processing_amount", f"Thời hạn giải quyết không hợp lệ: {amount}", f"Invalid time {amount}", "bad_time")
    elif int(amount.normalize().as_tuple().exponent) < -2:
        add(
            "processing_amount",
            f"Thời hạn chỉ được có 2 chữ số thập phân: {amount}",
            f"Time {amount}: 2 decimals max",
            "bad_time",
        )
    if rec.processing_unit not in PROCESSING_UNITS:
        unit = rec.processing_unit
        add("processing_unit", f"Đơn vị thời gian không hợp lệ: {unit!r}", f"Unknown time unit {unit!r}", "bad_unit")
    for i, fee in enumerate(rec.fees, 1):
        where = f"fees[{i}]"
        _check_text(issues, where, fee.name, "fee_name", required=True, label_vi=f"tên khoản phí thứ {i}")
        _check_text(issues, where, fee.legal_text, "legal_text", required=False, label_vi=f"căn cứ thu phí thứ {i}")
        if fee.kind not in FEE_KINDS:
            add(where, f"Loại phí không hợp lệ: {fee.kind!r}", f"Unknown fee kind {fee.kind!r}", "bad_fee")
        amt = fee.amount_vnd
        if amt is not None:
            if not isinstance(amt, int) or isinstance(amt, bool):
                add(where, "Số tiền phải là số nguyên (đồng)", "Amount must be an integer (VND)", "bad_fee")
            elif amt < 0:
                add(where, f"Phí, lệ phí không được âm: {amt}", f"Negative fee: {amt}", "negative_fee")
    for i, doc in enumerate(rec.documents, 1):
        where = f"documents[{i}]"
        _check_text(issues, where, doc.name, "document_name", required=True, label_vi=f"tên giấy tờ thứ {i}")
        _check_text(issues, where, doc.group, "document_group", required=False, label_vi=f"nhóm giấy tờ thứ {i}")
        for attr, label in (("form_template_code", "mã mẫu đơn"), ("form_template_name", "tên mẫu đơn")):
            value = getattr(doc, attr)
            if value is not None:
                _check_text(issues, where, value, attr, required=False, label_vi=label)
        counts_ok = all(isinstance(c, int) and not isinstance(c, bool) and c >= 0 for c in (doc.originals, doc.copies))
        if not counts_ok:
            add(
                where,
                "Số bản chính, bản sao phải là số nguyên không âm",
                "Originals and copies must be non-negative integers",
                "bad_document",
            )
    for attr, key, label in (("results", "result", "kết quả"), ("legal_basis", "legal_basis", "căn cứ pháp lý")):
        for i, text in enumerate(getattr(rec, attr), 1):
            _check_text(issues, f"{attr}[{i}]", text, key, required=True, label_vi=f"{label} thứ {i}")
    if rec.online_level not in ONLINE_LEVELS:
        lvl = rec.online_level
        add("online_level", f"Mức độ DVC không hợp lệ: {lvl!r}", f"Unknown online level {lvl!r}", "bad_online_level")
    if not rec.applicant_kinds:
        add("applicant_kinds", "Thiếu đối tượng thực hiện", "Missing applicant kinds", "missing_applicants")
    bad = ", ".join(sorted(map(str, set(rec.applicant_kinds) - set(APPLICANT_KINDS))))
    if bad:
        add("applicant_kinds", f"Đối tượng không hợp lệ: {bad}", f"Unknown applicant kinds: {bad}", "bad_applicants")
    if not isinstance(rec.version, int) or isinstance(rec.version, bool) or rec.version < 1:
        add("version", "Phiên bản phải là số nguyên từ 1", "Version must be an integer >= 1", "bad_version")
    if rec.effective_from is not None and not isinstance(rec.effective_from, date):
        add("effective_from", "Ngày hiệu lực không hợp lệ", "Invalid effective date", "bad_date")
    return issues


# --------------------------------------------------------------------------- import messages
# message id -> (Vietnamese, English); "{value}" and "{row}" are filled in. The reason key of
# a message is its id, except for the few listed in _REASONS.
# fmt: off
MESSAGES: dict[str, tuple[str, str]] = {
    "missing_code": ("Thiếu mã thủ tục", "Missing procedure code"),
    "missing_name": ("Thiếu tên thủ tục", "Missing procedure name"),
    "missing_field_code": ("Thiếu mã lĩnh vực", "Missing field code"),
    "missing_applicants": ("Thiếu đối tượng thực hiện (công dân, tổ chức/doanh nghiệp)", "Missing applicants"),
    "missing_levels": ("Thiếu cấp thực hiện", "Missing level"),
    "missing_time": ("Thiếu thời hạn giải quyết", "Missing processing time"),
    "missing_online_level": ("Thiếu mức độ dịch vụ công", "Missing online level"),
    "missing_column": ("Thiếu cột bắt buộc '{value}'", "Missing required column '{value}'"),
    "duplicate_code": ("Mã thủ tục '{value}' trùng với dòng {row}", "Duplicate code '{value}' (first on row {row})"),
    "negative_fee": ("Phí, lệ phí không được âm: {value} đồng", "Negative fee: {value} VND"),
    "unknown_level": ("Cấp thực hiện không hợp lệ: {value} (chỉ nhận cấp tỉnh, cấp huyện, cấp xã)",
                      "Unknown level(s): {value} (province, district, commune only)"),
    "bad_time": ("Không đọc được thời hạn giải quyết '{value}'", "Cannot read the processing time '{value}'"),
    "time_without_unit": ("Thời hạn '{value}' thiếu đơn vị (ghi 'ngày làm việc', 'ngày', 'giờ' hoặc điền "
                          "cột DonViThoiGian)", "Time '{value}' has no unit (write it, or fill DonViThoiGian)"),
    "time_not_positive": ("Thời hạn giải quyết phải lớn hơn 0: '{value}'", "Time must be positive: '{value}'"),
    "unsupported_unit": ("Đơn vị thời gian '{value}' chưa được hỗ trợ (chỉ nhận ngày làm việc, ngày, giờ)",
                         "Time unit '{value}' is not supported (working days, calendar days, hours only)"),
    "bad_unit": ("Không nhận diện được đơn vị thời gian '{value}'", "Unknown time unit '{value}'"),
    "unit_conflict": ("Đơn vị ghi trong thời hạn '{value}' khác cột đơn vị thời gian",
                      "The unit written in '{value}' differs from the time-unit column"),
    "mixed_units": ("Thời hạn '{value}' gồm các phần tính bằng đơn vị khác nhau, không cộng được; hãy ghi tổng "
                    "thời hạn bằng một đơn vị", "The parts of '{value}' have different units and cannot be added"),
    "time_not_whole": ("Thời hạn '{value}' chỉ ghi một phần (cộng thêm một thời gian không ghi số); hãy ghi tổng "
                       "thời hạn", "'{value}' states only part of the time (plus a time with no number)"),
    "bad_online_level": ("Mức độ dịch vụ công không hợp lệ: '{value}' (Toàn trình, Một phần, Mức độ 2/3/4)",
                         "Unknown online level '{value}'"),
    "bad_agency_kind": ("Loại cơ quan không hợp lệ: '{value}'", "Unknown agency kind '{value}'"),
    "bad_version": ("Phiên bản không hợp lệ: '{value}'", "Invalid version '{value}'"),
    "bad_date": ("Ngày không hợp lệ: '{value}'", "Invalid date '{value}'"),
    "field_name_too_long": ("Tên lĩnh vực dài quá {value} ký tự", "Field name longer than {value} characters"),
    # warnings
    "extra_column": ("Bỏ qua cột không dùng '{value}'", "Column '{value}' ignored"),
    "several_times": ("Thời hạn gồm nhiều bước hoặc nhiều trường hợp; đã cộng các bước, lấy trường hợp dài nhất",
                      "Several steps or cases: the steps are added up, the longest case is taken"),
    "several_amounts": ("Khoản phí '{value}' có nhiều mức thu; để trống số tiền, xem căn cứ thu",
                        "Fee '{value}' states several amounts; amount left empty, see its legal text"),
    "agency_missing_review": ("Thiếu cơ quan thực hiện; thủ tục được nạp với đánh dấu cần rà soát",
                              "No executing agency; the procedure is loaded flagged for review"),
    "unknown_agency": ("Không nhận diện được loại cơ quan '{value}'; ghi là 'khác'",
                       "Agency kind of '{value}' not recognised; set to 'khac'"),
    "unknown_applicant": ("Bỏ qua đối tượng không nhận diện được '{value}'", "Applicant '{value}' not recognised"),
    "no_results": ("Chưa có kết quả thực hiện", "No result documents given"),
    "no_legal_basis": ("Chưa có căn cứ pháp lý", "No legal basis given"),
    "code_was_number": ("Mã thủ tục bị Excel đổi thành số; đã đọc thành '{value}'",
                        "The code was stored as a number by Excel; read as '{value}'"),
    "field_name_conflict": ("Lĩnh vực đã có tên '{row}'; bỏ qua tên '{value}'",
                            "The field is already named '{row}'; '{value}' ignored"),
    "missing_field_name": ("Lĩnh vực {value} không có tên", "Field {value} has no name"),
    # the file as a whole
    "bad_encoding": ("Không nhận diện được bảng mã của tệp (UTF-8, Windows-1258)", "Cannot detect the encoding"),
    "empty_file": ("Tệp rỗng", "Empty file"),
    "no_header": ("Không tìm thấy dòng tiêu đề (cần các cột MaTTHC, TenTTHC, ...)", "No header row found"),
    "bad_xlsx": ("Không đọc được tệp Excel (.xlsx)", "Not a readable XLSX file"),
    "bad_csv": ("Tệp CSV không đọc được (ô quá dài hoặc sai định dạng)", "Unreadable CSV file"),
}
_REASONS = {"time_without_unit": "bad_time", "time_not_positive": "bad_time", "unit_conflict": "bad_unit",
            "mixed_units": "bad_time", "time_not_whole": "bad_time",
            "field_name_too_long": "too_long"}
# fmt: on


class FieldError(ValueError):
    """A cell value that cannot be taken; carries both messages and a reason key."""

    def __init__(self, message_vi: str, message_en: str, reason: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en
        self.reason = reason


def problem(msg_id: str, value: Any = "", row: Any = "") -> FieldError:
    vi, en = MESSAGES[msg_id]
    return FieldError(vi.format(value=value, row=row), en.format(value=value, row=row), _REASONS.get(msg_id, msg_id))


# --------------------------------------------------------------------------- import reports
@dataclass(frozen=True)
class RowError:
    """A problem of one imported row (or of the whole file when row_number == 0).

    Messages in Vietnamese first; ``reason`` is a stable key for counting and tests
    (e.g. "missing_code", "duplicate_code", "negative_fee", "bad_time", "unknown_level").
    """

    row_number: int
    code: str
    column: str
    message_vi: str
    message_en: str
    reason: str = ""

    def __str__(self) -> str:
        where = f"Dòng {self.row_number}" if self.row_number else "Tệp"
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.message_vi}"


@dataclass
class ImportReport:
    """What an import would take and what it cannot, with the reasons. Importers only
    build reports; the caller decides what to store (all-or-nothing: ``report.ok``)."""

    accepted: list[ProcedureRecord]
    rejected: list[RowError]
    encoding: str
    total_rows: int
    fields: list[Field] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    source: str = ""

    @property
    def ok(self) -> bool:
        """True when every row is acceptable (an all-or-nothing import may proceed)."""
        return not self.rejected and self.total_rows > 0

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row_number for e in self.rejected})

    def errors_for_row(self, row_number: int) -> list[RowError]:
        return [e for e in self.rejected if e.row_number == row_number]

    def reasons(self) -> Counter[str]:
        """Rejected rows counted by reason (a row with two problems counts under both)."""
        return Counter(reason for _, reason in {(e.row_number, e.reason) for e in self.rejected})

    def summary(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "encoding": self.encoding,
            "total_rows": self.total_rows,
            "accepted": len(self.accepted),
            "rejected_rows": len(self.rejected_rows),
            "warnings": len(self.warnings),
            "needs_review": sum(1 for r in self.accepted if r.needs_review),
            "reasons": dict(self.reasons().most_common()),
        }


# --------------------------------------------------------------------------- catalogue files
CATALOGUE_FORMAT = "motcua-catalogue"
CATALOGUE_FORMAT_VERSION = 1
STARTER_CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "starter_catalogue.json"


@dataclass
class Catalogue:
    """A set of fields and procedures, as stored in a catalogue JSON file."""

    fields: list[Field]
    procedures: list[ProcedureRecord]
    title: str = ""

    def field_by_code(self) -> dict[str, Field]:
        return {f.code: f for f in self.fields}

    def procedure_by_code(self) -> dict[str, ProcedureRecord]:
        return {p.code: p for p in self.procedures}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CATALOGUE_FORMAT,
            "format_version": CATALOGUE_FORMAT_VERSION,
            "title": self.title,
            "fields": [f.to_dict() for f in self.fields],
            "procedures": [p.to_dict() for p in self.procedures],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalogue:
        if data.get("format") != CATALOGUE_FORMAT:
            raise CatalogueFormatError(f"not a {CATALOGUE_FORMAT} document")
        if data.get("format_version") != CATALOGUE_FORMAT_VERSION:
            raise CatalogueFormatError(f"unsupported format_version {data.get('format_version')!r}")
        _no_extra_keys(data, {"format", "format_version", "title", "notes", "fields", "procedures"}, "catalogue")
        return cls(
            fields=[Field.from_dict(f) for f in _require(data, "fields", list, "catalogue")],
            procedures=[ProcedureRecord.from_dict(p) for p in _require(data, "procedures", list, "catalogue")],
            title=_optional(data, "title", str, "", "catalogue"),
        )

    def problems(self) -> list[str]:
        """Consistency problems: invalid records, duplicate codes, unknown field codes."""
        out: list[str] = []
        fields = self.field_by_code()
        if len(fields) != len(self.fields):
            out.append("duplicate field codes")
        seen: set[str] = set()
        for p in self.procedures:
            if p.code in seen:
                out.append(f"{p.code}: duplicate procedure code")
            seen.add(p.code)
            if p.field_code not in fields:
                out.append(f"{p.code}: unknown field code {p.field_code!r}")
            out.extend(f"{p.code}: {i.field}: {i.message_en}" for i in validate_record(p))
        return out


def load_catalogue(path: str | Path) -> Catalogue:
    with open(path, encoding="utf-8") as fh:
        return Catalogue.from_dict(json.load(fh))


def dump_catalogue(catalogue: Catalogue, path: str | Path) -> None:
    text = json.dumps(catalogue.to_dict(), ensure_ascii=False, indent=1)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_starter_catalogue() -> Catalogue:
    """The starter catalogue we ship (control/catalogue/data/starter_catalogue.json)."""
    return load_catalogue(STARTER_CATALOGUE_PATH)
