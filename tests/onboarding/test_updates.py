"""Catalogue versions reach tenants as "update available" with a field-by-field diff."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from control.catalogue.records import Fee, load_starter_catalogue
from control.catalogue.services import catalogue_load_starter, catalogue_upsert
from control.tenancy.models import Tenant
from core.accounts.models import User
from onboarding import services
from onboarding.provisioning import provisioning_run
from tests.onboarding.helpers import sign_up
from tests.support import sign_in

pytestmark = pytest.mark.django_db
PW = "Quan-Tri-Tinh-2026!"


@pytest.fixture
def province():
    catalogue_load_starter()
    app = services.application_approve(application=sign_up("24", "bacninh"), actor="operator")
    provisioning_run(application_id=app.pk)
    tenant = Tenant.objects.get(slug="bacninh")
    with schema_context(tenant.schema_name):
        admin = User.objects.get(username="admin")
        admin.set_password(PW)
        admin.save()
    return tenant


def test_update_available_accept_keeps_local_settings_decline_hides(province):
    from tenants.procedures.models import Procedure

    cat = load_starter_catalogue()
    with schema_context(province.schema_name):
        codes = list(Procedure.objects.order_by("code").values_list("code", flat=True)[:2])
    recs = {r.code: r for r in cat.procedures}
    client = Client(HTTP_HOST="bacninh.localhost")
    sign_in(client, "admin", PW)
    assert "Không có bản cập nhật nào" in client.get("/staff/procedures/cap-nhat/").content.decode()

    # a local override of the processing time on the first one
    with schema_context(province.schema_name):
        first = Procedure.objects.get(code=codes[0])
        from tenants.procedures.services import procedure_override

        procedure_override(procedure=first, processing_amount="2", processing_unit="working_day")
    changed = [dataclasses.replace(recs[c], name=recs[c].name + " (sửa đổi 2026)",
                                   processing_amount=recs[c].processing_amount + 5,
                                   fees=[Fee(name="Lệ phí mới", kind="charge", amount_vnd=30000)]) for c in codes]
    catalogue_upsert(fields=cat.fields, procedures=changed, source="test")

    page = client.get("/staff/procedures/cap-nhat/").content.decode()
    assert all(f'data-update="{c}"' in page for c in codes)
    assert "Tên thủ tục" in page and "(sửa đổi 2026)" in page and "Giữ thiết lập địa phương" in page
    client.post(f"/staff/procedures/cap-nhat/{codes[0]}/", {"decision": "accept"})
    client.post(f"/staff/procedures/cap-nhat/{codes[1]}/", {"decision": "decline"})
    with schema_context(province.schema_name):
        p0, p1 = Procedure.objects.get(code=codes[0]), Procedure.objects.get(code=codes[1])
        assert p0.name.endswith("(sửa đổi 2026)") and p0.processing_amount == Decimal(2)  # local value kept
        assert list(p0.fees.values_list("amount_vnd", flat=True)) == [30000]
        assert p0.master_version == 2
        assert p1.master_version == 1 and not p1.name.endswith("(sửa đổi 2026)")
    assert "Không có bản cập nhật nào" in client.get("/staff/procedures/cap-nhat/").content.decode()
