"""Cell-level helpers shared by the catalogue's parsers and readers: lists in a cell,
bullets, header keys, cell values as text, row errors."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from control.catalogue.records import ImportReport, RowError, problem
from core.text import fold, nfc

BULLET_RE = re.compile(r"^\s*(?:[-+•*–]+|\d{1,2}[.)]|[a-zđ][.)])\s+", re.IGNORECASE)


def strip_bullet(text: str) -> str:
    """ "- Tờ khai", "1. Tờ khai", "a) Tờ khai" -> "Tờ khai"."""
    return BULLET_RE.sub("", text).strip()


def split_items(text: str) -> list[str]:
    """Split a cell on ';' and new lines, drop bullets, blanks and repeats."""
    out: list[str] = []
    for part in re.split(r"[;\n]+", nfc(text)):
        item = strip_bullet(part)
        if re.search(r"\w", item) and item not in out:
            out.append(item)
    return out


def header_key(text: Any) -> str:
    """Header matching key: accents, case, spaces and punctuation removed."""
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


def cell_text(value: Any) -> str:
    """A cell as NFC text: Excel's 12.0 -> "12", dates ISO, line ends and NBSP unified."""
    if value is None or value is False:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()


def code_of(value: Any) -> tuple[str, bool]:
    """Procedure code of a cell; Excel turns "1.000080" into the number 1.00008."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.6f}", True
    return cell_text(value), False


def row_error(row_number: int, code: str, column: str, msg_id: str, value: Any = "", row: Any = "") -> RowError:
    """A RowError with the messages of ``MESSAGES[msg_id]``."""
    exc = problem(msg_id, value, row)
    return RowError(row_number, code, column, exc.message_vi, exc.message_en, exc.reason)


def file_error(encoding: str, source: str, msg_id: str) -> ImportReport:
    """The report of a file that cannot be read at all (row 0)."""
    return ImportReport([], [row_error(0, "", "", msg_id)], encoding, 0, source=source)
