"""Readers of catalogue files: CSV and XLSX bytes to rows under a mapped header.

CSV (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1258, Windows-1252 when clearly
right) and XLSX files, one procedure a row, with Vietnamese column headers such as
``MaTTHC``, ``TenTTHC``, ``CapThucHien``... or human headers such as "Mã thủ tục",
matched case-, accent- and space-insensitively. Row numbers are those a spreadsheet user
sees: the header is usually row 1 and the first procedure row 2; ``row_number == 0``
means the file as a whole.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from control.catalogue.cells import cell_text, code_of, file_error, header_key, row_error
from control.catalogue.records import Field, ImportReport
from control.catalogue.rows import COLUMNS, build_record
from core.text import EncodingDetectionError, decode_bytes

_ALIASES = {header_key(a): c.key for c in COLUMNS for a in (c.header, *c.aliases)}
_IGNORED_HEADERS = {header_key(h) for h in ("STT", "Số thứ tự", "TT", "Ghi chú", "No")}


def map_header(header: Sequence[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """(key -> index, key -> header text as written, unknown header texts)."""
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(header):
        text = cell_text(cell)
        key = _ALIASES.get(header_key(text))
        if key and key not in index:
            index[key], shown[key] = i, text
        elif text and header_key(text) not in _IGNORED_HEADERS:
            unknown.append(text)
    return index, shown, unknown


def find_header_row(rows: Sequence[Sequence[Any]], scan: int = 20) -> int | None:
    """Index of the first row that looks like a header (the code column and 3+ known ones)."""
    for i, row in enumerate(rows[:scan]):
        index, _, _ = map_header(row)
        if "code" in index and len(index) >= 3:
            return i
    return None


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
    index, shown, unknown = map_header(header)
    report.warnings += [row_error(header_row, "", text, "extra_column", text) for text in unknown]
    missing = [c for c in COLUMNS if c.required and c.key not in index]
    report.rejected += [row_error(header_row, "", c.header, "missing_column", c.header) for c in missing]
    field_names: dict[str, str] = {}
    first_row_of: dict[str, int] = {}
    for row_number, cells in rows:
        values = {k: (cells[i] if i < len(cells) else None) for k, i in index.items()}
        if all(cell_text(v) == "" for v in values.values()):
            continue
        report.total_rows += 1
        if missing:
            continue
        record, errors, warnings = build_record(row_number, values, shown)
        code = code_of(values.get("code"))[0]
        if code in first_row_of:
            errors.append(row_error(row_number, code, shown["code"], "duplicate_code", code, first_row_of[code]))
        elif code:
            first_row_of[code] = row_number
        report.warnings += warnings
        if errors or record is None:
            report.rejected += errors
            continue
        fname, known = cell_text(values.get("field_name")), field_names.get(record.field_code)
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


def _read_bytes(source: bytes | str | Path) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, ""
    path = Path(source)
    return path.read_bytes(), path.name


def _rows_with_header(matrix: list[list[Any]], encoding: str, source: str, first_row: int = 1) -> ImportReport:
    hi = find_header_row(matrix)
    if hi is None:
        return file_error(encoding, source, "no_header")
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
        return file_error("unknown", name, "bad_encoding")
    if not text.strip():
        return file_error(encoding, name, "empty_file")
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
        return file_error(encoding, name, "bad_csv")
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
        return file_error("xlsx", name, "bad_xlsx")
    try:
        sheets = [wb[sheet]] if sheet and sheet in wb.sheetnames else list(wb.worksheets)
        for ws in sheets:
            matrix = [list(r) for r in ws.iter_rows(values_only=True)]
            if find_header_row(matrix) is not None or ws is sheets[-1]:
                return _rows_with_header(matrix, "xlsx", name)
    finally:
        wb.close()
    return file_error("xlsx", name, "no_header")
