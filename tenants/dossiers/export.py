"""Excel export of a search or worklist (openpyxl, streamed from an iterator).

Every text is written as a text cell (``core.excel``): an applicant named ``=HYPERLINK(...)`` is a name
in the sheet, never a formula."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core.excel import append_row
from tenants.dossiers.models import Dossier

HEADERS = ["Mã hồ sơ", "Thủ tục", "Người nộp", "Số định danh", "Ngày tiếp nhận", "Ngày hẹn trả", "Trạng thái",
           "Ngày trả kết quả", "Số kết quả"]
MAX_ROWS = 50_000


def _local(value: object) -> object:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def dossiers_xlsx(rows: Iterable[Dossier]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hồ sơ")
    append_row(ws, HEADERS)
    for i, d in enumerate(rows):
        if i >= MAX_ROWS:
            break
        append_row(ws, [d.code or "", d.procedure.name, d.applicant_name, d.id_number, _local(d.received_at),
                        _local(d.due_at), d.get_status_display(), _local(d.returned_at), d.result_code])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


__all__ = ["Font", "dossiers_xlsx"]
