"""Setup wizard, procedures pages, go-live checklist; owner / colleague / outsider."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from control.catalogue.services import catalogue_load_starter
from control.tenancy.models import Tenant
from core.accounts.models import User
from onboarding import services
from onboarding.provisioning import provisioning_run
from tests.onboarding.helpers import sign_up
from tests.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
ADMIN_PW = "Quan-Tri-Tinh-2026!"


@pytest.fixture
def province():
    catalogue_load_starter()
    app = services.application_approve(application=sign_up("22", "quangninh"), actor="operator")
    provisioning_run(application_id=app.pk)
    tenant = Tenant.objects.get(slug="quangninh")
    with schema_context(tenant.schema_name):
        admin = User.objects.get(username="admin")
        admin.set_password(ADMIN_PW)
        admin.save()
        User.objects.create_user(username="canbo", password=PASSWORD, kind=User.Kind.STAFF)
    return tenant


def _login(username: str, password: str, host: str = "quangninh.localhost") -> Client:
    client = Client(HTTP_HOST=host)
    assert sign_in(client, username, password).status_code == 302
    return client


PAGES = ["/staff/setup/", "/staff/setup/don-vi/", "/staff/setup/can-bo/", "/staff/setup/kiem-tra/",
         "/staff/procedures/", "/staff/procedures/cap-nhat/"]


def test_owner_colleague_and_outsider(province, client_b):
    owner = _login("admin", ADMIN_PW)
    for url in PAGES:
        assert owner.get(url).status_code == 200, url
    colleague = _login("canbo", PASSWORD)
    for url in PAGES:
        assert colleague.get(url).status_code == 403, url
    assert colleague.post("/staff/setup/kiem-tra/van-hanh/").status_code == 403
    response = sign_in(client_b, "admin-beta")
    outsider = Client(HTTP_HOST="quangninh.localhost")
    outsider.cookies["sessionid"] = response.cookies["sessionid"].value
    for url in PAGES:
        assert outsider.get(url).status_code == 302, url  # not signed in here
    assert Client(HTTP_HOST="quangninh.localhost").post("/staff/login/", {
        "username": "admin-beta", "password": PASSWORD}).status_code == 200  # beta's account means nothing here


def test_wizard_then_go_live(province):
    from tenants.organization.models import StaffRole, Unit
    from tenants.procedures.models import Procedure

    owner = _login("admin", ADMIN_PW)
    refused = owner.post("/staff/setup/kiem-tra/van-hanh/", follow=True).content.decode()
    assert "Chưa áp dụng thủ tục nào" in refused
    province.refresh_from_db()
    assert province.status == "trial"

    response = owner.post("/staff/setup/don-vi/", {"name": "Sở Ngoại vụ", "kind": "department"}, follow=True)
    assert "Đã thêm đơn vị Sở Ngoại vụ" in response.content.decode()
    again = owner.post("/staff/setup/don-vi/", {"name": "Sở Ngoại vụ", "kind": "department"})
    assert "đã có" in again.content.decode()
    with schema_context(province.schema_name):
        desk = Unit.objects.get(kind="one_stop")
        codes = list(Procedure.objects.order_by("code").values_list("code", flat=True)[:3])
    response = owner.post("/staff/setup/can-bo/", {"username": "tiepnhan", "full_name": "Lê Văn Tiếp",
                                                   "password": "Tiep-Nhan-2026!", "unit": desk.pk,
                                                   "role": "receiver"}, follow=True)
    assert "Đã tạo tài khoản tiepnhan" in response.content.decode()
    page = owner.get("/staff/procedures/").content.decode()
    assert 'id="pick-1"' in page and codes[0] in page
    no_unit = owner.post("/staff/procedures/ap-dung/", {"code": codes, "action": "enable"}, follow=True)
    assert "Hãy chọn đơn vị giải quyết" in no_unit.content.decode()
    owner.post("/staff/procedures/ap-dung/", {"code": codes, "action": "enable", "unit": desk.pk})
    with schema_context(province.schema_name):
        assert Procedure.objects.filter(enabled=True, handling_units=desk).count() == 3
        assert StaffRole.objects.filter(unit=desk, role="receiver").exists()
    checklist = owner.get("/staff/setup/kiem-tra/").content.decode()
    assert "data-ok=\"0\"" not in checklist
    owner.post("/staff/setup/kiem-tra/van-hanh/")
    province.refresh_from_db()
    assert province.status == "active"
    from control.console.models import OperatorAction

    assert OperatorAction.objects.filter(tenant_id=province.pk, action="go_live", actor="admin@quangninh").exists()
    purge = owner.post("/staff/setup/kiem-tra/xoa-du-lieu-thu/", follow=True).content.decode()
    assert "không xoá dữ liệu được nữa" in purge


def test_local_overrides_and_negative_fee(province):
    from tenants.procedures.models import Procedure

    owner = _login("admin", ADMIN_PW)
    with schema_context(province.schema_name):
        p = Procedure.objects.filter(fees__isnull=False).order_by("code").first()
        fee = p.fees.order_by("position").first()
    bad = owner.post(f"/staff/procedures/{p.code}/", {"processing_amount": "3", "processing_unit": "working_day",
                                                       f"fee-{fee.pk}": "-1000"}, follow=True)
    assert "không được âm" in bad.content.decode()
    with schema_context(province.schema_name):
        assert Procedure.objects.get(pk=p.pk).locally_changed == []
    owner.post(f"/staff/procedures/{p.code}/", {"processing_amount": "3", "processing_unit": "working_day",
                                                f"fee-{fee.pk}": "25.000"})
    with schema_context(province.schema_name):
        p.refresh_from_db()
        fee.refresh_from_db()
        assert p.processing_amount == 3 and fee.amount_vnd == 25000
        assert set(p.locally_changed) == {"processing_amount", "fees"}
