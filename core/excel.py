"""Spreadsheets people open are data, never code.

A text written from user input that starts like a formula (``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) would become a live formula in Excel or LibreOffice (``=HYPERLINK(...)`` leaking another row's
ID number when clicked). ``row_cells`` writes every text as a text cell (type ``s`` with the quote
prefix set, as Excel itself marks text typed after an apostrophe), so the value reads back unchanged and
nothing is evaluated. Numbers, dates and empty cells keep their type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws: Worksheet, value: str) -> WriteOnlyCell:
    """A text cell: what it shows is exactly ``value``, never a formula."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def row_cells(ws: Worksheet, values: Iterable[Any]) -> list[Any]:
    """The values of one row, every string as a text cell (for ``ws.append``)."""
    return [text_cell(ws, v) if isinstance(v, str) else v for v in values]


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """``ws.append`` with every string written as text."""
    ws.append(row_cells(ws, values))
