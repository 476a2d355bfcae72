"""Pages: reception, worklists, search, a dossier and its actions, PDFs, Excel, tracking; owner / colleague
without the role / outsider of another tenant; no N+1 (query counts)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from pypdf import PdfReader

from tenants.dossiers import services as s
from tests.tenants.dossiers.helpers import PDF_BYTES, pdf_upload, receive

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages).split())


def test_receiver_receives_at_the_counter_and_prints_the_receipt(office, client_a):
    client_a.force_login(office.receiver)
    page = client_a.get("/staff/dossiers/tiep-nhan/")
    assert page.status_code == 200 and office.procedure.name in page.content.decode()
    response = client_a.post("/staff/dossiers/tiep-nhan/", {
        "procedure": office.procedure.pk, "receiving_unit": office.one_stop.pk, "applicant_kind": "person",
        "applicant_name": "Phạm Thị Ngọc <b>Lan</b>", "id_number": "031099012345", "phone": "0912 345 678",
        "email": "", "address": "Hải Phòng", "documents": [office.docs[0].pk],
        "files": [io.BytesIO(PDF_BYTES)],
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = client_a.get(response["Location"])
    html = detail.content.decode()
    assert "Phạm Thị Ngọc &lt;b&gt;Lan&lt;/b&gt;" in html and "<b>Lan</b>" not in html
    from tenants.dossiers.models import Dossier

    with schema_context("t_alpha"):
        d = Dossier.objects.get(applicant_name__startswith="Phạm Thị Ngọc")
    receipt = client_a.get(f"/staff/dossiers/{d.pk}/phieu/01.pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    text = _text(receipt.content)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and d.code in text
    assert "Phạm Thị Ngọc <b>Lan</b>" in text and "Thời gian trả kết quả giải quyết hồ sơ" in text
    assert f"/tra-cuu/?ma={d.code}" in text
    # The uploaded scan is served to staff of the dossier only.
    f = d.files.get()
    assert client_a.get(f"/staff/files/{f.file.name}").status_code == 200
    client_a.force_login(office.outsider)
    assert client_a.get(f"/staff/files/{f.file.name}").status_code == 404


def test_bad_input_on_the_reception_page_is_explained_nothing_saved(office, client_a):
    from tenants.dossiers.models import Dossier

    client_a.force_login(office.receiver)
    response = client_a.post("/staff/dossiers/tiep-nhan/", {
        "procedure": office.procedure.pk, "receiving_unit": office.one_stop.pk, "applicant_kind": "person",
        "applicant_name": "Lê Văn C", "id_number": "123", "phone": "abc",
        "files": [io.BytesIO(b"GIF89a not allowed")],
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "12 chữ số" in html and "Số điện thoại không hợp lệ" in html
    assert not Dossier.objects.filter(procedure=office.procedure).exists()


def test_reception_page_refused_without_the_role(office, client_a):
    client_a.force_login(office.processor)
    assert client_a.get("/staff/dossiers/tiep-nhan/").status_code == 403


def test_actions_over_http_and_the_reload_message(office, client_a):
    d = receive(office)
    client_a.force_login(office.processor)
    page = client_a.get(f"/staff/dossiers/{d.pk}/")
    assert page.status_code == 200 and "Chuyển bước tiếp theo" in page.content.decode()
    ok = client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/hand_over/", {"version": d.version, "note": ""})
    assert ok.status_code == 302
    stale = client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/request_supplement/",
                          {"version": d.version, "note": "Bổ sung"})
    assert stale.status_code == 409 and "Hồ sơ đã thay đổi, vui lòng tải lại." in stale.content.decode()
    # Now at the approver's step: the processor is refused with a clear message.
    d.refresh_from_db()
    refused = client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/approve/", {"version": d.version})
    assert refused.status_code == 403 and "không có vai trò" in refused.content.decode()
    client_a.force_login(office.approver)
    assert client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/approve/", {"version": d.version}).status_code == 302
    client_a.force_login(office.returner)
    d.refresh_from_db()
    issued = client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/issue_result/",
                           {"version": d.version, "result_code": "123/QĐ-UBND",
                            "result_file": pdf_upload("kq.pdf")})
    assert issued.status_code == 302
    d.refresh_from_db()
    assert d.result_code == "123/QĐ-UBND"
    done = client_a.post(f"/staff/dossiers/{d.pk}/thao-tac/return_result/", {"version": d.version, "method": "post"})
    assert done.status_code == 302
    d.refresh_from_db()
    assert d.status == "returned" and d.return_method == "post"
    sheet = client_a.get(f"/staff/dossiers/{d.pk}/phieu/kiem-soat.pdf")
    text = _text(sheet.content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "Thụ lý, thẩm định hồ sơ" in text
    assert "Đúng hạn" in text


def test_forms_02_03_04_with_vietnamese_text(office, client_a):
    client_a.force_login(office.processor)
    a = receive(office)
    s.dossier_request_supplement(dossier_id=a.pk, actor=office.processor, note="Bổ sung bản sao giấy chứng sinh")
    assert "Bổ sung bản sao giấy chứng sinh" in _text(client_a.get(f"/staff/dossiers/{a.pk}/phieu/02.pdf").content)
    b = receive(office)
    s.dossier_refuse(dossier_id=b.pk, actor=office.processor, note="Không thuộc thẩm quyền giải quyết")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in _text(
        client_a.get(f"/staff/dossiers/{b.pk}/phieu/03.pdf").content)
    c = receive(office)
    s.dossier_extend(dossier_id=c.pk, actor=office.processor, note="Phải xác minh tại địa phương", working_days=3)
    text = _text(client_a.get(f"/staff/dossiers/{c.pk}/phieu/04.pdf").content)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Phải xác minh tại địa phương" in text
    assert client_a.get(f"/staff/dossiers/{a.pk}/phieu/04.pdf").status_code == 404  # no extension there
    register = client_a.get("/staff/dossiers/so-theo-doi.pdf")
    assert register.status_code == 200 and "SỔ THEO DÕI HỒ SƠ" in _text(register.content)


def test_worklists_counts_search_and_excel(office, client_a):
    from tenants.dossiers.models import Dossier
    from tenants.dossiers.states import Status

    for name in ("Nguyễn Văn Ánh", "Đặng Thị Hường", "Trần Quốc Toản"):
        receive(office, applicant={"applicant_name": name})
    late = receive(office, applicant={"applicant_name": "Hồ Văn Trễ"})
    Dossier.objects.filter(pk=late.pk).update(due_at=late.received_at.replace(year=2025))
    client_a.force_login(office.processor)
    home = client_a.get("/staff/").content.decode()
    assert 'data-count="thu-ly">4<' in home and 'data-count="qua-han">1<' in home
    page = client_a.get("/staff/dossiers/?ds=thu-ly").content.decode()
    assert "Đặng Thị Hường" in page and "Trần Quốc Toản" in page
    found = client_a.get("/staff/dossiers/?q=dang thi huong").content.decode()
    assert "Đặng Thị Hường" in found and "Trần Quốc Toản" not in found
    assert "Hồ Văn Trễ" in client_a.get("/staff/dossiers/?ds=qua-han").content.decode()
    by_id = client_a.get(f"/staff/dossiers/?q={late.id_number}").content.decode()
    assert "Hồ Văn Trễ" in by_id
    by_code = client_a.get(f"/staff/dossiers/?q={late.code}").content.decode()
    assert late.code in by_code and "Đặng Thị Hường" not in by_code
    status = client_a.get(f"/staff/dossiers/?status={Status.PROCESSING}&procedure={office.procedure.pk}")
    assert status.status_code == 200
    xlsx = client_a.get("/staff/dossiers/?q=toan&xuat=excel")
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "Mã hồ sơ" and rows[1][2] == "Trần Quốc Toản" and len(rows) == 2
    # The approver sees nothing to process; the outsider's unit sees none of these.
    client_a.force_login(office.approver)
    assert "Đặng Thị Hường" not in client_a.get("/staff/dossiers/?ds=thu-ly").content.decode()
    client_a.force_login(office.outsider)
    assert "Đặng Thị Hường" not in client_a.get("/staff/dossiers/?q=huong").content.decode()
    assert client_a.get(f"/staff/dossiers/{late.pk}/").status_code == 404


def test_no_n_plus_one_on_worklist_and_search(office, client_a, django_assert_max_num_queries):
    for i in range(3):
        receive(office, applicant={"applicant_name": f"Người nộp {i}"})
    client_a.force_login(office.processor)

    def queries(url: str) -> int:
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client_a.get(url).status_code == 200
        return len(ctx)

    queries("/staff/dossiers/?ds=thu-ly")  # warm the per-process caches (calendar, content types)
    few = queries("/staff/dossiers/?ds=thu-ly"), queries("/staff/dossiers/?q=nguoi")
    for i in range(20):
        receive(office, applicant={"applicant_name": f"Người nộp thêm {i}"})
    many = queries("/staff/dossiers/?ds=thu-ly"), queries("/staff/dossiers/?q=nguoi")
    assert many == few  # the number of queries does not grow with the rows shown
    with django_assert_max_num_queries(20):  # session, user, roles, 7 capped counts, the page, calendar
        client_a.get("/staff/dossiers/?ds=thu-ly")


def test_outsider_of_another_tenant_gets_nothing(office, client_a, client_b, tenant_b):
    from core.accounts.models import User

    d = receive(office)
    with schema_context(tenant_b.schema_name):
        beta_staff = User.objects.get(username="admin-beta")
        client_b.force_login(beta_staff)  # the session lives in beta's schema
    for url in (f"/staff/dossiers/{d.pk}/", f"/staff/dossiers/{d.pk}/phieu/01.pdf"):
        assert client_b.get(url).status_code in (403, 404)
    assert client_b.post(f"/staff/dossiers/{d.pk}/thao-tac/hand_over/", {"version": d.version}).status_code == 404
    # Alpha's session cookie is worthless on beta's host and the other way round.
    with schema_context("t_alpha"):
        client_a.force_login(office.processor)
    client_b.cookies["sessionid"] = client_a.cookies["sessionid"].value
    assert client_b.get("/staff/dossiers/").status_code == 302
    with schema_context("t_alpha"):
        d.refresh_from_db()
    assert d.version == 1


def test_staff_without_any_role_and_anonymous(office, client_a):
    from core.accounts.models import User

    nobody = User.objects.create_user(username=f"norole-{office.sfx}", password="x", kind=User.Kind.STAFF)
    client_a.force_login(nobody)
    assert client_a.get("/staff/dossiers/").status_code == 403
    assert client_a.get("/staff/outbox/").status_code == 403
    client_a.logout()
    assert client_a.get("/staff/dossiers/").status_code == 302


def test_public_tracking_shows_status_and_masked_name_only(office, client_a):
    d = receive(office)
    page = client_a.get(f"/tra-cuu/?ma={d.code}")
    html = page.content.decode()
    assert page.status_code == 200 and "Đang giải quyết" in html and "N*** V*** Á***" in html
    assert "Nguyễn Văn Ánh" not in html and d.id_number not in html and d.phone not in html
    assert client_a.get("/tra-cuu/?ma=KHONG-CO-0001").status_code == 404
