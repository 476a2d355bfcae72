"""Reading a units file (CSV or XLSX) for the setup wizard, with a row-by-row report.

Columns (Vietnamese, accents and case ignored): Tên đơn vị, Loại, Mã cơ quan, Mã đơn vị
hành chính, Đơn vị cấp trên. "Loại" takes the kind's value (department, commune,
one_stop...) or its Vietnamese label or a usual short form (Sở, Phòng, Xã, Phường, Một
cửa...). "Đơn vị cấp trên" names a unit already there or one of the file. CSV encodings
are detected as for catalogue files (UTF-8 with or without BOM, UTF-16, Windows-1258).
Nothing is written here: ``services.units_import`` writes all rows or none.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from core.text import EncodingDetectionError, decode_bytes, fold, nfc
from tenants.organization.models import Unit

MAX_ROWS = 5000
COLUMNS = {
    "name": ("ten don vi", "ten", "don vi", "name"),
    "kind": ("loai", "loai don vi", "kind", "type"),
    "agency_code": ("ma co quan", "ma don vi", "agency code"),
    "division_code": ("ma don vi hanh chinh", "ma dvhc", "ma hanh chinh", "division code"),
    "parent": ("don vi cap tren", "cap tren", "thuoc", "parent"),
}
HEADERS_VI = {"name": "Tên đơn vị", "kind": "Loại", "agency_code": "Mã cơ quan",
              "division_code": "Mã đơn vị hành chính", "parent": "Đơn vị cấp trên"}
_KIND_ALIASES = {
    "so": Unit.Kind.DEPARTMENT, "ban": Unit.Kind.DEPARTMENT, "nganh": Unit.Kind.DEPARTMENT,
    "phong": Unit.Kind.DEPARTMENT, "phong ban": Unit.Kind.DEPARTMENT, "phong chuyen mon": Unit.Kind.DEPARTMENT,
    "ubnd": Unit.Kind.PEOPLES_COMMITTEE, "uy ban nhan dan": Unit.Kind.PEOPLES_COMMITTEE,
    "uy ban": Unit.Kind.PEOPLES_COMMITTEE,
    "huyen": Unit.Kind.DISTRICT, "quan": Unit.Kind.DISTRICT, "thi xa": Unit.Kind.DISTRICT,
    "xa": Unit.Kind.COMMUNE, "phuong": Unit.Kind.COMMUNE, "thi tran": Unit.Kind.COMMUNE,
    "dac khu": Unit.Kind.COMMUNE, "xa, phuong, thi tran": Unit.Kind.COMMUNE,
    "mot cua": Unit.Kind.ONE_STOP, "bo phan mot cua": Unit.Kind.ONE_STOP, "one stop": Unit.Kind.ONE_STOP,
    "khac": Unit.Kind.OTHER,
}
_DIVISION_RE = re.compile(r"^[0-9]{1,16}$")


@dataclass
class UnitRow:
    row: int
    name: str
    kind: str
    agency_code: str = ""
    division_code: str = ""
    parent: str = ""


@dataclass
class UnitFile:
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""


def kind_of(text: str) -> str | None:
    key = fold(text)
    if not key:
        return None
    for value, label in Unit.Kind.choices:
        if key in (value, fold(label), value.replace("_", " ")):
            return value
    return _KIND_ALIASES.get(key)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).replace("\u00a0", " ").split())


def _header_map(row: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = fold(_cell(cell)).strip(" :*")
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = i
    return found


def _matrix_csv(data: bytes) -> tuple[list[list[Any]], str]:
    encoding, text = decode_bytes(data)
    head = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=lambda d: (head.count(d), d == ","))
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)], encoding


def _matrix_xlsx(data: bytes) -> list[list[Any]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValueError("Tệp Excel bị hỏng hoặc không phải định dạng .xlsx.") from exc
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_units_file(data: bytes, filename: str) -> UnitFile:
    """Parse and check each row on its own (names, kinds, codes); relations come later."""
    out = UnitFile()
    try:
        if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
            matrix, out.encoding = _matrix_xlsx(data), "xlsx"
        else:
            matrix, out.encoding = _matrix_csv(data)
    except EncodingDetectionError:
        out.errors.append("Không đọc được bảng mã của tệp (hãy lưu dạng CSV UTF-8 hoặc Windows-1258).")
        return out
    except (ValueError, csv.Error) as exc:
        out.errors.append(str(exc) if isinstance(exc, ValueError) and str(exc).startswith("Tệp") else
                          "Không đọc được tệp CSV.")
        return out
    header_at = next((i for i, row in enumerate(matrix[:20]) if "name" in _header_map(row)), None)
    if header_at is None:
        out.errors.append("Không tìm thấy dòng tiêu đề có cột “Tên đơn vị”.")
        return out
    cols = _header_map(matrix[header_at])
    if "kind" not in cols:
        out.errors.append("Thiếu cột “Loại”.")
        return out
    body = [(header_at + 2 + i, row) for i, row in enumerate(matrix[header_at + 1:])]
    body = [(n, row) for n, row in body if any(_cell(c) for c in row)]
    if not body:
        out.errors.append("Tệp không có dòng đơn vị nào.")
        return out
    if len(body) > MAX_ROWS:
        out.errors.append(f"Tệp có {len(body)} dòng, tối đa {MAX_ROWS} dòng mỗi lần nhập.")
        return out
    for number, row in body:
        values = {c: _cell(row[i]) if i < len(row) else "" for c, i in cols.items()}
        name, kind_text = values.get("name", ""), values.get("kind", "")
        division, agency = values.get("division_code", ""), values.get("agency_code", "")
        kind = kind_of(kind_text)
        problems = []
        if not name:
            problems.append("thiếu tên đơn vị")
        elif len(name) > 255:
            problems.append("tên đơn vị dài quá 255 ký tự")
        if kind is None:
            problems.append(f"loại “{kind_text}” không hợp lệ" if kind_text else "thiếu loại đơn vị")
        if division and not _DIVISION_RE.match(division):
            problems.append(f"mã đơn vị hành chính “{division}” chỉ gồm chữ số (tối đa 16)")
        if len(agency) > 50:
            problems.append("mã cơ quan dài quá 50 ký tự")
        if problems:
            out.errors.append(f"Dòng {number}: " + "; ".join(problems) + ".")
            continue
        out.rows.append(UnitRow(number, name, kind, agency, division, values.get("parent", "")))
    return out
