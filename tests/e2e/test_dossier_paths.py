"""Every other path of a dossier, in a real browser (Debian chromium) against gunicorn, by the staff whose role
it is: supplement requested (form 02) and supplied, pause and resume, extension with apology (form 04), sent
back by the approver, result issued and returned by post (control sheet), refusal (form 03), withdrawal,
an online submission taken from the queue, the tracking register and the Excel export; another unit's staff
see none of it."""

from __future__ import annotations

import base64
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.pages import login, pdf_text, url
from tests.tenants.dossiers.helpers import PDF_BYTES, receive

pytestmark = pytest.mark.e2e


def _open(page, live_server_url: str, dossier_id: int) -> None:  # noqa: ANN001
    page.goto(url(live_server_url, f"/staff/dossiers/{dossier_id}/"))


def _act(page, action: str, button: str, **labels: str) -> None:  # noqa: ANN001
    """Fill the action's own form (its fields by their labels) and submit it with its button."""
    form = page.locator(f'form[aria-label="{action}"]')
    for label, value in labels.items():
        form.get_by_label(label.replace("_", " ")).fill(value)
    form.get_by_role("button", name=button).click()


def _status(page):  # noqa: ANN001, ANN202
    return expect(page.locator("#status"))


def test_every_other_path_in_the_browser(browser, live_server_url, office, tmp_path):
    a = receive(office, applicant={"applicant_name": "Lương Thị Thu Trang", "id_number": "031299001111"})
    b = receive(office, applicant={"applicant_name": "Hà Văn Khải", "id_number": "031299002222"})
    c = receive(office, applicant={"applicant_name": "Quách Ngọc Ánh", "id_number": "031299003333"})
    processor = login(browser, live_server_url, office.processor)
    receiver = login(browser, live_server_url, office.receiver)
    approver = login(browser, live_server_url, office.approver)
    returner = login(browser, live_server_url, office.returner)

    # Supplement requested by the processor: clock stopped, form 02 with the request.
    _open(processor, live_server_url, a.pk)
    form = processor.locator('form[aria-label="request_supplement"]')
    form.get_by_label("Nội dung cần bổ sung").fill("Bổ sung bản sao giấy chứng sinh có chứng thực")
    form.get_by_role("button", name="Yêu cầu bổ sung").click()
    _status(processor).to_have_text("Chờ bổ sung hồ sơ")
    expect(processor.get_by_role("button", name="Chuyển bước tiếp theo")).to_have_count(0)
    text = pdf_text(processor, "Mẫu 02 — Yêu cầu bổ sung")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Lương Thị Thu Trang" in text
    assert "Bổ sung bản sao giấy chứng sinh có chứng thực" in text and a.code in text

    # The citizen brings it to the desk: the receiver records the supplement, the clock runs again.
    _open(receiver, live_server_url, a.pk)
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(PDF_BYTES)
    supply = receiver.locator('form[aria-label="supply"]')
    supply.get_by_label("Hồ sơ bổ sung (PDF, JPEG, PNG)").set_input_files(str(scan))
    supply.get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    _status(receiver).to_have_text("Đang giải quyết")
    expect(receiver.get_by_role("link", name="Hồ sơ bổ sung: giay-chung-sinh.pdf")).to_have_count(1)

    # Pause (clock stopped) and resume.
    _open(processor, live_server_url, a.pk)
    _act(processor, "pause", "Tạm dừng", Lý_do="Chờ kết quả xác minh của UBND xã")
    _status(processor).to_have_text("Tạm dừng")
    expect(processor.locator("#due")).to_contain_text("đồng hồ tạm dừng từ")
    _act(processor, "resume", "Tiếp tục")
    _status(processor).to_have_text("Đang giải quyết")

    # Extension before the due date, with the apology letter (form 04) and a new appointment.
    form = processor.locator('form[aria-label="extend"]')
    form.get_by_label("Lý do chậm trễ (phiếu xin lỗi)").fill("Cần xác minh thêm thông tin tại nơi cư trú")
    form.get_by_label("Số ngày làm việc gia hạn").fill("3")
    form.get_by_role("button", name="Gia hạn (phiếu xin lỗi)").click()
    expect(processor.locator("#due")).to_contain_text("hẹn ban đầu")
    text = pdf_text(processor, "Mẫu 04 — Xin lỗi, hẹn lại")
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
    assert "Cần xác minh thêm thông tin tại nơi cư trú" in text and "Lương Thị Thu Trang" in text

    # Handed over, sent back by the approver, handed over again, approved.
    processor.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(processor.locator("main")).to_contain_text("Bước hiện tại: Phê duyệt (lãnh đạo)")
    _open(approver, live_server_url, a.pk)
    _act(approver, "send_back", "Trả lại bước trước", Lý_do="Thiếu ý kiến thẩm định của chuyên viên")
    expect(approver.locator("main")).to_contain_text("Bước hiện tại: Thụ lý, thẩm định hồ sơ")
    _open(processor, live_server_url, a.pk)
    processor.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(processor.locator("main")).to_contain_text("Bước hiện tại: Phê duyệt (lãnh đạo)")
    _open(approver, live_server_url, a.pk)
    approver.get_by_role("button", name="Phê duyệt").click()
    _status(approver).to_have_text("Đã phê duyệt, chờ phát hành kết quả")

    # Result issued with an automatic result code, returned by post.
    _open(returner, live_server_url, a.pk)
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(PDF_BYTES)
    returner.get_by_label("Văn bản kết quả (PDF, JPEG, PNG)").set_input_files(str(result))
    returner.get_by_role("button", name="Phát hành kết quả").click()
    _status(returner).to_have_text("Có kết quả, chờ trả")
    expect(returner.locator("main")).to_contain_text("Số kết quả")
    returner.get_by_label("Hình thức trả").select_option("post")
    returner.get_by_role("button", name="Trả kết quả").click()
    _status(returner).to_have_text("Đã trả kết quả")
    # The control sheet: one row per hand-over, with who did it.
    text = pdf_text(returner, "Phiếu kiểm soát quá trình")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and a.code in text
    assert "Cán bộ thuly" in text and "Cán bộ lanhdao" in text and "Cán bộ trakq" in text

    # Refusal by the processor, with form 03.
    _open(processor, live_server_url, b.pk)
    _act(processor, "refuse", "Từ chối", Lý_do="Hồ sơ không thuộc thẩm quyền giải quyết")
    _status(processor).to_have_text("Từ chối giải quyết")
    text = pdf_text(processor, "Mẫu 03 — Từ chối")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "Hà Văn Khải" in text
    assert "Hồ sơ không thuộc thẩm quyền giải quyết" in text

    # Withdrawal asked by the citizen at the desk.
    _open(receiver, live_server_url, c.pk)
    _act(receiver, "withdraw", "Rút hồ sơ", Lý_do="Công dân có đơn xin rút hồ sơ")
    _status(receiver).to_have_text("Công dân đã rút hồ sơ")

    # An online submission waits in the receivers' queue without a code; receiving it assigns one.
    from tenants.dossiers.services import dossier_submit

    online = dossier_submit(procedure=office.procedure, receiving_unit=office.one_stop,
                            applicant={"applicant_name": "Vi Thị Mỹ Linh", "id_number": "031299004444",
                                       "address": "Lộc Bình, Lạng Sơn"})
    receiver.goto(url(live_server_url, "/staff/dossiers/?ds=tiep-nhan"))
    receiver.get_by_role("row", name="Vi Thị Mỹ Linh").get_by_role("link").click()
    expect(receiver.locator("h1")).to_have_text("Hồ sơ (chưa có mã)")
    _act(receiver, "receive", "Tiếp nhận")
    _status(receiver).to_have_text("Đang giải quyết")
    expect(receiver.locator("h1")).to_contain_text("000.00.01.H22-")
    online.refresh_from_db()
    assert online.code and receiver.locator("h1").inner_text() == f"Hồ sơ {online.code}"

    # The tracking register and the Excel export of a search, as the processor sees it.
    processor.goto(url(live_server_url, "/staff/dossiers/?q=Lương Thị Thu Trang"))
    expect(processor.get_by_role("link", name=a.code)).to_have_count(1)
    text = pdf_text(processor, "Sổ theo dõi (PDF)")
    assert "SỔ THEO DÕI HỒ SƠ" in text and a.code in text and "Lương Thị Thu Trang" in text
    href = processor.get_by_role("link", name="Xuất Excel").get_attribute("href")
    b64 = processor.evaluate(
        """async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer());
           let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); }""", href)
    sheet = load_workbook(io.BytesIO(base64.b64decode(b64))).active
    cells = {str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None}
    assert a.code in cells and "Lương Thị Thu Trang" in cells

    # Staff of another unit neither see these dossiers nor reach their forms.
    outsider = login(browser, live_server_url, office.outsider)
    response = outsider.goto(url(live_server_url, f"/staff/dossiers/{a.pk}/"))
    assert response.status == 404
    response = outsider.goto(url(live_server_url, f"/staff/dossiers/{b.pk}/phieu/03.pdf"))
    assert response.status == 404
