"""A dossier's journey in a real browser (Debian chromium) against gunicorn: the receiver receives it at the
counter, the processor hands it over, the approver approves, the returner issues and returns the result.

Checked at every step: what the page shows and what the journey wrote (the dossier's state, step, unit and
version); the code's format; the PDFs (receipt and control sheet) open and carry the code; the audit trail
holds one row per step, in order, each starting where the previous one ended."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tenants.calendar.workingtime import TZ
from tests.e2e.pages import login, pdf_text, url
from tests.tenants.dossiers.helpers import PDF_BYTES

pytestmark = pytest.mark.e2e

CODE = re.compile(r"^000\.00\.01\.H22-(\d{6})-(\d{4})$")  # the default pattern {agency}-{yymmdd}-{seq:4}


def _dossier(code: str):  # noqa: ANN202
    """The dossier as the server committed it (read from this process, in tenant alpha)."""
    from tenants.dossiers.models import Dossier

    return Dossier.objects.select_related("current_step", "current_unit").get(code=code)


def _where(code: str) -> tuple:
    d = _dossier(code)
    return d.status, d.current_step.name if d.current_step else None, d.current_unit_id, d.version


def _trail(code: str) -> list[tuple]:
    from tenants.dossiers.models import DossierEvent

    return list(DossierEvent.objects.filter(dossier__code=code).order_by("at", "id").values_list(
        "action", "from_status", "to_status", "actor__username", "step_name", "to_step_name"))


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

    # The code: the unit's agency code, the day of reception, the day's counter; the dossier behind the page.
    d = _dossier(code)
    day, seq = CODE.match(code).groups()
    assert day == d.received_at.astimezone(TZ).strftime("%y%m%d") and int(seq) >= 1
    assert dossier_path == f"staff/dossiers/{d.pk}/"
    assert (d.applicant_name, d.id_number, d.phone, d.received_by_id) == (
        "Đỗ Thị Thanh Xuân", "031299008888", "0912888999", office.receiver.pk)
    assert d.due_at > d.received_at and d.paused_at is None and d.fee_total_vnd == 0
    assert [doc["received"] for doc in d.documents_received] == [True, False]
    assert [(f.kind, f.original_name, f.required_document_id) for f in d.files.all()] == [
        ("document", "to-khai.pdf", None)]
    assert _where(code) == ("processing", "Thụ lý, thẩm định hồ sơ", office.dept.pk, 1)
    # The receipt (form 01) opens as a PDF with correct Vietnamese text (fetched by the page, with its cookies).
    text = pdf_text(receiver, "Mẫu 01 — Giấy tiếp nhận và hẹn trả")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Đỗ Thị Thanh Xuân" in text and code in text
    assert f"/tra-cuu/?ma={code}" in text and office.docs[0].name in text and office.docs[1].name in text

    processor = login(browser, live_server_url, office.processor)
    processor.get_by_role("link", name="Chờ thụ lý").first.click()
    processor.get_by_role("link", name=code).click()
    processor.get_by_role("button", name="Chuyển bước tiếp theo").click()
    expect(processor.locator("main")).to_contain_text("Bước hiện tại: Phê duyệt (lãnh đạo)")
    assert "Phê duyệt (lãnh đạo)" in processor.locator("main").inner_text()
    assert _where(code) == ("processing", "Phê duyệt (lãnh đạo)", office.dept.pk, 2)

    approver = login(browser, live_server_url, office.approver)
    approver.goto(url(live_server_url, f"/{dossier_path}"))
    approver.get_by_role("button", name="Phê duyệt").click()
    expect(approver.locator("#status")).to_have_text("Đã phê duyệt, chờ phát hành kết quả")
    assert approver.locator("#status").inner_text() == "Đã phê duyệt, chờ phát hành kết quả"
    assert _where(code) == ("awaiting_result", "Trả kết quả", office.one_stop.pk, 3)

    returner = login(browser, live_server_url, office.returner)
    returner.get_by_role("link", name="Chờ trả kết quả").first.click()
    returner.get_by_role("link", name=code).click()
    result = tmp_path / "ket-qua.pdf"
    result.write_bytes(PDF_BYTES)
    returner.get_by_label("Văn bản kết quả (PDF, JPEG, PNG)").set_input_files(str(result))
    returner.get_by_label("Số, ký hiệu kết quả (để trống: cấp tự động)").fill("15/GKS")
    returner.get_by_role("button", name="Phát hành kết quả").click()
    expect(returner.locator("#status")).to_have_text("Có kết quả, chờ trả")
    assert returner.locator("#status").inner_text() == "Có kết quả, chờ trả"
    assert _where(code) == ("result_ready", "Trả kết quả", office.one_stop.pk, 4)
    issued = _dossier(code)
    assert issued.result_code == "15/GKS" and issued.finished_at is not None
    assert issued.files.filter(kind="result", original_name="ket-qua.pdf").count() == 1
    returner.get_by_label("Hình thức trả").select_option("in_person")
    returner.get_by_role("button", name="Trả kết quả").click()
    expect(returner.locator("#status")).to_have_text("Đã trả kết quả")
    assert returner.locator("#status").inner_text() == "Đã trả kết quả"
    returned = _dossier(code)
    assert (returned.status, returned.version, returned.return_method) == ("returned", 5, "in_person")
    assert returned.returned_at is not None and returned.current_unit_id is None and returned.current_role == ""
    expect(returner.get_by_role("button", name="Trả kết quả")).to_have_count(0)  # nothing left to do

    # The audit trail: one row per step, in order, by whoever did it, each starting where the last one ended.
    r, p, a, t = (office.receiver.username, office.processor.username, office.approver.username,
                  office.returner.username)
    assert _trail(code) == [
        ("receive", "", "processing", r, "Tiếp nhận hồ sơ", "Thụ lý, thẩm định hồ sơ"),
        ("hand_over", "processing", "processing", p, "Thụ lý, thẩm định hồ sơ", "Phê duyệt (lãnh đạo)"),
        ("approve", "processing", "awaiting_result", a, "Phê duyệt (lãnh đạo)", "Trả kết quả"),
        ("issue_result", "awaiting_result", "result_ready", t, "Trả kết quả", ""),
        ("return_result", "result_ready", "returned", t, "Trả kết quả", ""),
    ]
    from tenants.dossiers.models import DossierEvent

    data = list(DossierEvent.objects.filter(dossier__code=code).order_by("at", "id").values_list("data", flat=True))
    assert data[3] == {"result_code": "15/GKS"} and data[4] == {"method": "in_person"}
    # The page's log shows the same rows in the same order.
    log = returner.locator("table").last.locator("tbody tr")
    expect(log).to_have_count(5)
    assert [row.locator("td").nth(2).inner_text() for row in log.all()] == [
        "Tiếp nhận", "Chuyển bước tiếp theo", "Phê duyệt", "Phát hành kết quả", "Trả kết quả"]
    # The control sheet opens as a PDF: the code, and a row for each hand-over with who did it.
    text = pdf_text(returner, "Phiếu kiểm soát quá trình")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text and "Đỗ Thị Thanh Xuân" in text
    assert all(f"Cán bộ {name}" in text for name in ("tiepnhan", "thuly", "lanhdao", "trakq"))
    assert "Phê duyệt (lãnh đạo)" in text and "Đúng hạn" in text and "Trễ hạn" not in text

    # The public tracking page (the QR's target) shows the status, not the name.
    public = browser.new_page()
    public.goto(url(live_server_url, f"/tra-cuu/?ma={code}"))
    assert public.locator("#status").inner_text() == "Đã trả kết quả"
    assert "Đỗ Thị Thanh Xuân" not in public.content()


@pytest.mark.django_db
def test_database_is_set_up_for_this_module(tenant_a):
    assert tenant_a.slug == "alpha"
