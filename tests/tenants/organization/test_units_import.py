"""District-sized tenants: units from a CSV (Windows-1258) or XLSX file, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from control.catalogue.importer import encode_cp1258
from core.accounts.models import User
from tests.conftest import host_of
from tests.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
URL = "/staff/setup/don-vi/nhap/"
HEADER = "Tên đơn vị;Loại;Mã cơ quan;Mã đơn vị hành chính;Đơn vị cấp trên"


def _owner(tenant) -> Client:  # noqa: ANN001
    client = Client(HTTP_HOST=host_of(tenant))
    assert sign_in(client, f"admin-{tenant.slug}").status_code == 302
    return client


def _units(tenant) -> dict:  # noqa: ANN001
    from tenants.organization.models import Unit

    with schema_context(tenant.schema_name):
        return {u.name: u for u in Unit.objects.select_related("parent")}


def test_windows_1258_csv_creates_every_unit_with_its_parent(tenant_a):
    text = "\r\n".join([
        HEADER,
        "Phòng Tài nguyên và Môi trường;Phòng;000.00.12.H22;;Ủy ban nhân dân huyện Bình Liêu",  # parent further down
        "Ủy ban nhân dân huyện Bình Liêu;UBND;000.00.01.H22;;",
        "Phòng Tư pháp;Sở, ban, ngành;000.00.11.H22;;Ủy ban nhân dân huyện Bình Liêu",
        "Bộ phận Một cửa huyện Bình Liêu;Bộ phận Một cửa;;;ủy ban nhân dân huyện bình liêu",
        "Thị trấn Bình Liêu;Xã, phường, đặc khu;;06856;Ủy ban nhân dân huyện Bình Liêu",
        "Xã Đồng Văn;xã;;06859;Ủy ban nhân dân huyện Bình Liêu",
        ";;;;",
    ])
    data = encode_cp1258(text)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really a Windows-1258 file
    response = _owner(tenant_a).post(URL, {"file": SimpleUploadedFile("don-vi.csv", data, "text/csv")}, follow=True)
    assert "Đã nhập 6 đơn vị" in response.content.decode()
    units = _units(tenant_a)
    committee = units["Ủy ban nhân dân huyện Bình Liêu"]
    assert committee.kind == "peoples_committee" and committee.parent is None
    assert committee.agency_code == "000.00.01.H22"
    assert units["Phòng Tài nguyên và Môi trường"].parent == committee
    assert units["Phòng Tư pháp"].kind == "department"
    assert units["Bộ phận Một cửa huyện Bình Liêu"].kind == "one_stop"
    assert units["Bộ phận Một cửa huyện Bình Liêu"].parent == committee
    assert (units["Xã Đồng Văn"].kind, units["Xã Đồng Văn"].division_code) == ("commune", "06859")
    assert units["Thị trấn Bình Liêu"].division_code == "06856"


def test_xlsx_with_a_title_row_and_an_existing_parent(tenant_a):
    from tenants.organization.models import Unit

    with schema_context(tenant_a.schema_name):
        Unit.objects.create(name="UBND huyện Tiên Yên", kind="peoples_committee")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐƠN VỊ HUYỆN TIÊN YÊN"])
    ws.append(["Tên đơn vị", "Loại", "Mã cơ quan", "Mã đơn vị hành chính", "Đơn vị cấp trên"])
    ws.append(["Văn phòng HĐND và UBND", "department", "000.00.02.H22", None, "UBND huyện Tiên Yên"])
    ws.append(["Xã Hải Lạng", "commune", None, 6793, "UBND huyện Tiên Yên"])
    ws.append(["Bộ phận Một cửa huyện Tiên Yên", "one_stop", None, None, "UBND huyện Tiên Yên"])
    buf = io.BytesIO()
    wb.save(buf)
    response = _owner(tenant_a).post(URL, {"file": SimpleUploadedFile("don-vi.xlsx", buf.getvalue())}, follow=True)
    assert "Đã nhập 3 đơn vị" in response.content.decode()
    units = _units(tenant_a)
    assert units["Xã Hải Lạng"].division_code == "6793"
    assert units["Văn phòng HĐND và UBND"].parent.name == "UBND huyện Tiên Yên"
    assert units["Bộ phận Một cửa huyện Tiên Yên"].kind == "one_stop"


def test_a_file_with_broken_rows_writes_nothing_and_reports_each_row(tenant_a):
    from tenants.organization.models import Unit

    with schema_context(tenant_a.schema_name):
        Unit.objects.create(name="Xã Cũ", kind="commune", division_code="01234")
        before = Unit.objects.count()
    text = "\n".join([
        HEADER,
        "Phòng Nội vụ;Phòng;;;",                      # 2: fine on its own
        ";Phòng;;;",                                  # 3: no name
        "Phòng Y tế;Sở nội vụ xyz;;;",                # 4: unknown kind
        "Xã Mới;xã;;ABC;",                            # 5: bad division code
        "Phòng Nội vụ;Phòng;;;",                      # 6: duplicate of row 2
        "Phòng Văn hóa;Phòng;;;Ủy ban không có",      # 7: unknown parent
        "Xã Trùng Mã;xã;;01234;",                     # 8: division code already used
        "Xã Cũ;xã;;;",                                # 9: already there
    ])
    response = _owner(tenant_a).post(URL, {"file": SimpleUploadedFile("loi.csv", text.encode("utf-8-sig"))})
    assert response.status_code == 400
    html = response.content.decode()
    for expected in ["Dòng 3: thiếu tên đơn vị", "Dòng 4: loại “Sở nội vụ xyz” không hợp lệ",
                     "Dòng 5: mã đơn vị hành chính “ABC”", "Dòng 6: đơn vị “Phòng Nội vụ” trùng với dòng 2",
                     "Dòng 7: không tìm thấy đơn vị cấp trên “Ủy ban không có”",
                     "Dòng 8: mã đơn vị hành chính 01234 đã được dùng", "Dòng 9: đơn vị “Xã Cũ” đã có",
                     "Chưa nhập đơn vị nào"]:
        assert expected in html, expected
    with schema_context(tenant_a.schema_name):
        assert Unit.objects.count() == before
        assert not Unit.objects.filter(name="Phòng Nội vụ").exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.csv", "Tên;Mã\nA;1".encode(), "Thiếu cột “Loại”"),
    ("x.csv", b"a,b\n1,2", "Không tìm thấy dòng tiêu đề"),
    ("x.xlsx", b"PK\x03\x04 not really a workbook", "Tệp Excel bị hỏng"),
    ("x.csv", b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00", "Không đọc được bảng mã"),
    ("x.csv", "Tên đơn vị;Loại\n".encode(), "không có dòng đơn vị nào"),
])
def test_unreadable_files_are_refused_in_vietnamese(tenant_a, name, data, message):
    response = _owner(tenant_a).post(URL, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_colleague_gets_403_and_outsider_from_beta_is_not_signed_in(tenant_a, client_b):
    from tenants.organization.models import Unit

    with schema_context(tenant_a.schema_name):
        User.objects.create_user(username="canbo", password=PASSWORD, kind=User.Kind.STAFF)
        before = Unit.objects.count()
    data = f"{HEADER}\nPhòng Lạ;Phòng;;;".encode()
    colleague = Client(HTTP_HOST=host_of(tenant_a))
    assert colleague.post("/staff/login/", {"username": "canbo", "password": PASSWORD}).status_code == 302
    assert colleague.post(URL, {"file": SimpleUploadedFile("a.csv", data)}).status_code == 403
    response = sign_in(client_b, "admin-beta")
    outsider = Client(HTTP_HOST=host_of(tenant_a))
    outsider.cookies["sessionid"] = response.cookies["sessionid"].value
    assert outsider.post(URL, {"file": SimpleUploadedFile("a.csv", data)}).status_code == 302
    with schema_context(tenant_a.schema_name):
        assert Unit.objects.count() == before


def test_parents_in_a_loop_are_refused(tenant_a):
    from tenants.organization.models import Unit
    from tenants.organization.services import units_import

    data = f"{HEADER}\nPhòng A;Phòng;;;Phòng B\nPhòng B;Phòng;;;Phòng A\nPhòng C;Phòng;;;Phòng C".encode()
    with schema_context(tenant_a.schema_name):
        before = Unit.objects.count()
        result = units_import(data=data, filename="vong.csv")
        assert result.created == 0
        assert "Dòng 4: đơn vị không thể là cấp trên của chính nó." in result.errors
        assert any(m.startswith("Dòng 2: vòng lặp") for m in result.errors)
        assert Unit.objects.count() == before
