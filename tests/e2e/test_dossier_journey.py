"""A dossier's journey in a real browser (Debian chromium) against gunicorn: the receiver receives it at the
counter, the processor hands it over, the approver approves, the returner issues and returns the result;
the receipt PDF opens with its Vietnamese text."""

from __future__ import annotations

import pytest

from tests.e2e.pages import login, pdf_text, url
from tests.tenants.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.e2e


def test_receive_process_approve_return_in_the_browser(browser, live_server_url, office, tmp_path):
    receiver = login(browser, live_server_url, office.receiver)
    receiver.get_by_role("link", name="+ Tiếp nhận hồ sơ").click()
    receiver.get_by_label("Thủ tục hành chính").select_option(str(office.procedure.pk))
    receiver.get_by_label("Họ tên người nộp / tên tổ chức").fill("Đỗ Thị Thanh Xuân")
    receiver.get_by_label("Số định danh cá nhân (CCCD, 12 số) / mã số doanh nghiệp").fill("031299008888")
    receiver.get_by_label("Số điện thoại").fill("0912888999")
    receiver.locator(f"#doc{office.docs[0].pk}").check()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF_BYTES)
    receiver.get_by_label("Bản quét hồ sơ (PDF, JPEG, PNG; tối đa 10 MB mỗi tệp)").set_input_files(str(scan))
    receiver.get_by_role("button", name="Tiếp nhận và cấp mã hồ sơ").click()
    receiver.wait_for_url("**/staff/dossiers/*/")
    heading = receiver.locator("h1").inner_text()
    code = heading.removeprefix("Hồ sơ ").strip()
    assert code.startswith("000.00.01.H22-")
    assert receiver.locator("#status").inner_text() == "Đang giải quyết"
    dossier_path = receiver.url.split(":", 2)[2].split("/", 1)[1]
    # The receipt (form 01) opens as a PDF with correct Vietnamese text (fetched by the page, with its cookies).
    text = pdf_text(receiver, "Mẫu 01 — Giấy tiếp nhận và hẹn trả")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Đỗ Thị Thanh Xuân" in text and code in text

    processor = login(browser, live_server_url, office.processor)
    processor.get_by_role("link", name="Chờ thụ lý").first.click()
    processor.get_by_role("link", name=code).click()
    processor.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert "Phê duyệt (lãnh đạo)" in processor.locator("main").inner_text()

    approver = login(browser, live_server_url, office.approver)
    approver.goto(url(live_server_url, f"/{dossier_path}"))
    approver.get_by_role("button", name="Phê duyệt").click()
    assert approver.locator("#status").inner_text() == "Đã phê duyệt, chờ phát hành kết quả"

    returner = login(browser, live_server_url, office.returner)
    returner.get_by_role("link", name="Chờ trả kết quả").first.click()
    returner.get_by_role("link", name=code).click()
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(PDF_BYTES)
    returner.get_by_label("Văn bản kết quả (PDF, JPEG, PNG)").set_input_files(str(result))
    returner.get_by_label("Số, ký hiệu kết quả (để trống: cấp tự động)").fill("15/GKS")
    returner.get_by_role("button", name="Phát hành kết quả").click()
    assert returner.locator("#status").inner_text() == "Có kết quả, chờ trả"
    returner.get_by_label("Hình thức trả").select_option("in_person")
    returner.get_by_role("button", name="Trả kết quả").click()
    assert returner.locator("#status").inner_text() == "Đã trả kết quả"

    # The public tracking page (the QR's target) shows the status, not the name.
    public = browser.new_page()
    public.goto(url(live_server_url, f"/tra-cuu/?ma={code}"))
    assert public.locator("#status").inner_text() == "Đã trả kết quả"
    assert "Đỗ Thị Thanh Xuân" not in public.content()


@pytest.mark.django_db
def test_database_is_set_up_for_this_module(tenant_a):
    assert tenant_a.slug == "alpha"
