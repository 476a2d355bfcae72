"""Import procedure catalogues as provinces and the national database export them.

The importer never writes anything and never half-imports: it returns an
:class:`ImportReport` (accepted records, rejected rows with Vietnamese and English
messages, warnings); the caller decides, all-or-nothing by default (``report.ok``).

It is built by concern, and this module only chooses the reader by the file's name:

- :mod:`control.catalogue.readers`: CSV and XLSX files, header mapping;
- :mod:`control.catalogue.rows`: the row model (columns, one row -> one record);
- :mod:`control.catalogue.fees`, :mod:`~control.catalogue.durations`,
  :mod:`~control.catalogue.agencies`: parsers of fees, processing times, and of levels,
  agencies, applicants and documents;
- :mod:`control.catalogue.national`: the national portal's JSONL export;
- :mod:`core.text`: Vietnamese text helpers (NFC, folding, encodings).

The names below stay importable from here for the callers that know this module.
"""

from __future__ import annotations

from pathlib import Path

from control.catalogue.agencies import (
    applicant_kind,
    classify_agency,
    document_is_optional,
    parse_applicants,
    parse_date,
    parse_document,
    parse_levels,
    parse_online_level,
)
from control.catalogue.cells import header_key, row_error, split_items
from control.catalogue.durations import parse_duration, parse_unit
from control.catalogue.fees import fee_name_and_kind, find_amounts, parse_fee_amount, parse_fees
from control.catalogue.national import load_national_jsonl
from control.catalogue.readers import find_header_row, import_csv, import_rows, import_xlsx
from control.catalogue.records import FieldError, ImportReport, RowError
from control.catalogue.rows import COLUMNS, Column
from core.text import EncodingDetectionError, decode_bytes, encode_cp1258, fold, nfc

__all__ = [
    "COLUMNS", "Column", "EncodingDetectionError", "FieldError", "ImportReport", "RowError", "applicant_kind",
    "classify_agency", "decode_bytes", "document_is_optional", "encode_cp1258", "fee_name_and_kind",
    "find_amounts", "find_header_row", "fold", "header_key", "import_csv", "import_file", "import_rows",
    "import_xlsx", "nfc", "parse_applicants", "parse_date", "parse_document", "parse_duration", "parse_fee_amount",
    "parse_fees", "parse_levels", "parse_online_level", "parse_unit", "row_error", "split_items",
]  # fmt: skip


def import_file(path: str | Path) -> ImportReport:
    """Import by file name: .csv/.txt/.tsv, .xlsx/.xlsm, or .jsonl / .jsonl.gz (national export)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in {".csv", ".txt", ".tsv"}:
        return import_csv(Path(path))
    if suffix in {".xlsx", ".xlsm"}:
        return import_xlsx(Path(path))
    if suffix == ".jsonl" or suffixes[-2:] == [".jsonl", ".gz"]:
        return load_national_jsonl(path)
    raise ValueError(f"unsupported catalogue file type: {suffix!r}")
