"""Excel export of the fee collections (openpyxl)."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

HEADERS = {"day": "Ngày", "procedure": "Thủ tục", "unit": "Đơn vị"}


def collections_xlsx(rows: list[dict], total: dict, *, by: str, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thu phí"
    ws.append([title])
    ws["A1"].font = Font(bold=True)
    ws.append([HEADERS.get(by, "Nhóm"), "Số giao dịch", "Đã thu (VND)", "Đã hoàn (VND)", "Thực thu (VND)"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r["key"] if isinstance(r["key"], str) else r["key"].strftime("%d/%m/%Y"), r["payments"],
                   r["received"], r["refunded"], r["net"]])
    ws.append(["Tổng cộng", total["payments"], total["received"], total["refunded"], total["net"]])
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
