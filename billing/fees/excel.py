"""Excel export of the fee collections (openpyxl). Every text (procedure and unit names come from
tenants' input) is written as a text cell (``core.excel``), never a formula."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import append_row

HEADERS = {"day": "Ngày", "procedure": "Thủ tục", "unit": "Đơn vị"}


def collections_xlsx(rows: list[dict], total: dict, *, by: str, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thu phí"
    append_row(ws, [title])
    ws["A1"].font = Font(bold=True)
    append_row(ws, [HEADERS.get(by, "Nhóm"), "Số giao dịch", "Đã thu (VND)", "Đã hoàn (VND)", "Thực thu (VND)"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        append_row(ws, [r["key"] if isinstance(r["key"], str) else r["key"].strftime("%d/%m/%Y"), r["payments"],
                        r["received"], r["refunded"], r["net"]])
    append_row(ws, ["Tổng cộng", total["payments"], total["received"], total["refunded"], total["net"]])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=3, min_col=3, max_col=5):
        for cell in row:
            cell.number_format = "#,##0"
    ws.column_dimensions["A"].width = 50
    for col in "BCDE":
        ws.column_dimensions[col].width = 18
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
