"""A dossier's journey in a real browser (Debian chromium) against gunicorn: the receiver receives it at the
counter, the processor hands it over, the approver approves, the returner issues and returns the result;
the receipt PDF opens with its Vietnamese text."""

from __future__ import annotations

import base64
import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from pypdf import PdfReader

from tests.dossiers.conftest import PDF_BYTES, build_office
from tests.support import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def office(django_db_setup, django_db_blocker):
    from control.tenancy.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        with schema_context(tenant.schema_name):
            yield build_office()
        connection.set_schema_to_public()
        connection.close()  # a committed-data test leaves no session open on the test database


def _url(live_server_url: str, path: str) -> str:
    return f"http://alpha.localhost:{live_server_url.rsplit(':', 1)[1]}{path}"


def _login(browser, live_server_url, user):  # noqa: ANN001, ANN202
    page = browser.new_context().new_page()
    page.goto(_url(live_server_url, "/staff/login/"))
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/staff/")
    return page


def test_receive_process_approve_return_in_the_browser(browser, live_server_url, office, tmp_path):
    receiver = _login(browser, live_server_url, office.receiver)
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
    link = receiver.get_by_role("link", name="Mẫu 01 — Giấy tiếp nhận và hẹn trả").get_attribute("href")
    content_type, b64 = receiver.evaluate(
        """async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer());
           let s = ''; for (const x of b) s += String.fromCharCode(x);
           return [r.headers.get('content-type'), btoa(s)]; }""", link)
    assert content_type == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(base64.b64decode(b64))).pages[0].extract_text().split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Đỗ Thị Thanh Xuân" in text and code in text

    processor = _login(browser, live_server_url, office.processor)
    processor.get_by_role("link", name="Chờ thụ lý").first.click()
    processor.get_by_role("link", name=code).click()
    processor.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert "Phê duyệt (lãnh đạo)" in processor.locator("main").inner_text()

    approver = _login(browser, live_server_url, office.approver)
    approver.goto(_url(live_server_url, f"/{dossier_path}"))
    approver.get_by_role("button", name="Phê duyệt").click()
    assert approver.locator("#status").inner_text() == "Đã phê duyệt, chờ phát hành kết quả"

    returner = _login(browser, live_server_url, office.returner)
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
    public.goto(_url(live_server_url, f"/tra-cuu/?ma={code}"))
    assert public.locator("#status").inner_text() == "Đã trả kết quả"
    assert "Đỗ Thị Thanh Xuân" not in public.content()


@pytest.mark.django_db
def test_database_is_set_up_for_this_module(tenant_a):
    assert tenant_a.slug == "alpha"
