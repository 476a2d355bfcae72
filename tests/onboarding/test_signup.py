"""Public sign-up on the platform domain; divisions; bad input."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from onboarding import divisions
from onboarding.models import Application
from tests.onboarding.helpers import sign_up

pytestmark = pytest.mark.django_db


def test_divisions_are_the_34_provinces_and_3321_communes():
    provinces = divisions.provinces()
    assert len(provinces) == 34
    assert sum(len(divisions.communes(p.code)) for p in provinces) == 3321
    assert len(divisions.communes("31")) == 114
    assert divisions.province("31").name == "Thành phố Hải Phòng"
    assert all(len(c.code) == 5 for c in divisions.communes("20"))


@pytest.mark.parametrize("name,slug", [("Thành phố Hải Phòng", "haiphong"), ("Lạng Sơn", "langson"),
                                       ("Đắk Lắk", "daklak"), ("Thành phố Hồ Chí Minh", "hochiminh"),
                                       ("Điện Biên", "dienbien")])
def test_slug_from_vietnamese_names(name, slug):
    assert divisions.slugify_vi(name) == slug


def test_signup_page_lists_provinces_and_takes_an_application(platform_client):
    page = platform_client.get("/dang-ky/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thành phố Hải Phòng" in html and "Lạng Sơn" in html and "onboarding/signup.js" in html
    response = platform_client.post("/dang-ky/", {
        "kind": "province", "province_code": "20", "slug": "langson", "contact_name": "Hoàng Văn A",
        "email": "a@langson.gov.vn", "phone": "0205 3812 345", "plan": "standard"})
    assert response.status_code == 302
    app = Application.objects.get(slug="langson")
    assert (app.name, app.province_code, app.status, app.levels) == ("Tỉnh Lạng Sơn", "20", "submitted",
                                                                    ["province", "commune"])
    done = platform_client.get(response["Location"])
    assert "Tỉnh Lạng Sơn" in done.content.decode()


def test_duplicate_province_is_refused_with_a_clear_message(platform_client):
    sign_up("31", "haiphong")
    response = platform_client.post("/dang-ky/", {
        "kind": "province", "province_code": "31", "slug": "hai-phong-2", "contact_name": "B",
        "email": "b@hp.gov.vn", "phone": "0912345678", "plan": "basic"})
    assert response.status_code == 200
    assert "Thành phố Hải Phòng đã đăng ký" in response.content.decode()
    assert Application.objects.filter(province_code="31").count() == 1


@pytest.mark.parametrize("slug,message", [
    ("admin", "đã được dành riêng"),
    ("alpha", "đã có đơn vị sử dụng"),  # the conftest's tenant
    ("hải-phòng", "chữ thường không dấu"),
    ("x", "chữ thường không dấu"),
])
def test_taken_reserved_and_malformed_subdomains_are_refused(platform_client, slug, message):
    response = platform_client.post("/dang-ky/", {
        "kind": "province", "province_code": "22", "slug": slug, "contact_name": "C",
        "email": "c@qn.gov.vn", "phone": "0912345678", "plan": "basic"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_a_subdomain_pending_for_another_province_is_taken():
    sign_up("31", "haiphong")
    with pytest.raises(ValidationError) as exc:
        sign_up("22", "haiphong")
    assert "đang chờ duyệt" in exc.value.message_dict["slug"][0]


def test_district_sized_tenant_signs_up_with_its_own_name():
    app = sign_up("", "tienlang", kind="district", name="Huyện Tiên Lãng")
    assert (app.kind, app.province_code, app.levels) == ("district", "", ["district", "commune"])


def test_bad_email_and_missing_fields(platform_client):
    response = platform_client.post("/dang-ky/", {"kind": "province", "province_code": "22", "slug": "quangninh",
                                                  "email": "khong-phai-email", "phone": "12", "plan": "basic"})
    html = response.content.decode()
    assert "Địa chỉ thư điện tử không hợp lệ." in html and "Trường này là bắt buộc." in html
    assert "Số điện thoại không hợp lệ." in html
