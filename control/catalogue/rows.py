"""The row model of a catalogue file: its columns, and how one row becomes a record.

:func:`build_record` reads the cells of one row (already mapped to column keys by the
readers) with the parsers of fees, durations and agencies, and returns the record or the
row's errors, each naming the column as the file writes it. A row without an agency is
taken, flagged for review (``needs_review``), rather than refused or given a guessed agency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from control.catalogue.agencies import (
    classify_agency,
    parse_applicants,
    parse_date,
    parse_document,
    parse_levels,
    parse_online_level,
)
from control.catalogue.cells import cell_text, code_of, row_error, split_items
from control.catalogue.durations import parse_duration
from control.catalogue.fees import parse_fees
from control.catalogue.records import (
    AGENCY_KINDS,
    MAX_LENGTHS,
    FieldError,
    ProcedureRecord,
    RowError,
    validate_record,
)
from core.text import fold

REVIEW_NO_AGENCY = "Thiếu cơ quan thực hiện: cần xác định cơ quan trước khi áp dụng"


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
BY_KEY = {c.key: c for c in COLUMNS}
# validate_record's Issue.field -> column key
_ISSUE_COLUMN = {"agency_kind": "agency", "agency_name": "agency", "processing_amount": "processing_time",
                 "processing_unit": "processing_time", "applicant_kinds": "applicants"}  # fmt: skip


def build_record(
    row_number: int, values: dict[str, Any], shown: dict[str, str]
) -> tuple[ProcedureRecord | None, list[RowError], list[RowError]]:
    errors: list[RowError] = []
    warnings: list[RowError] = []
    code, was_number = code_of(values.get("code"))
    text = {k: cell_text(v) for k, v in values.items()}

    def col(key: str) -> str:
        return shown.get(key, BY_KEY[key].header)

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
        warn("agency", "agency_missing_review")
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
        needs_review=not agency,
        review_reason="" if agency else REVIEW_NO_AGENCY,
        version=version,
        effective_from=effective,
    )
    reported = {(e.column, e.reason) for e in errors}
    reported_cols = {e.column for e in errors}
    for issue in validate_record(record):
        key = issue.field.split("[", 1)[0]
        key = _ISSUE_COLUMN.get(key, key)
        column = col(key) if key in BY_KEY else issue.field
        if (column, issue.reason) in reported or (column in reported_cols and issue.reason.startswith("missing")):
            continue
        reported.add((column, issue.reason))
        errors.append(RowError(row_number, code, column, issue.message_vi, issue.message_en, issue.reason))
    return (None if errors else record), errors, warnings
