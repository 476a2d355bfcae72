"""Operator console: tenants, suspend/resume by the operator's own holds, audit trail."""

from __future__ import annotations

import pytest
from django.test import Client

from control.console.models import OperatorAction
from control.tenancy.interface import hold_place
from control.tenancy.models import Tenant
from tests.support import sign_in


def _operator_client() -> Client:
    client = Client(HTTP_HOST="localhost")
    assert sign_in(client, "operator").status_code == 302
    return client


@pytest.mark.django_db
def test_suspend_and_resume_are_audited(tenant_a):
    client = _operator_client()
    client.post(f"/console/don-vi/{tenant_a.pk}/tam-ngung/")
    tenant_a.refresh_from_db()
    assert tenant_a.status == "suspended"
    assert Client(HTTP_HOST="alpha.localhost").get("/staff/login/").status_code == 403
    client.post(f"/console/don-vi/{tenant_a.pk}/hoat-dong-lai/")
    tenant_a.refresh_from_db()
    assert tenant_a.status == "active"
    actions = list(OperatorAction.objects.filter(tenant_id=tenant_a.pk).values_list("action", "actor"))
    assert actions == [("resume", "operator"), ("suspend", "operator")]
    row = OperatorAction.objects.filter(tenant_id=tenant_a.pk).first()
    row.detail = "sửa"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()
    page = client.get("/console/").content.decode()
    assert "Tỉnh Alpha" in page and "alpha.localhost" in page
    assert client.get("/console/nhat-ky/").status_code == 200


@pytest.mark.django_db
def test_operator_resume_lifts_only_its_own_hold(tenant_a):
    client = _operator_client()
    hold_place(tenant_id=tenant_a.pk, kind="dunning", reason="Hoá đơn quá hạn", by="dunning")
    page = client.get("/console/don-vi/").content.decode()
    assert 'data-hold="dunning"' in page and "Nợ quá hạn" in page
    assert "Cho hoạt động lại" not in page  # the dunning hold is not the console's to lift
    response = client.post(f"/console/don-vi/{tenant_a.pk}/hoat-dong-lai/", follow=True)
    assert "không có lệnh tạm ngừng" in response.content.decode()
    client.post(f"/console/don-vi/{tenant_a.pk}/tam-ngung/", {"kind": "security", "reason": "Rò rỉ mật khẩu",
                                                              "next": "/console/don-vi/"})
    response = client.post(f"/console/don-vi/{tenant_a.pk}/hoat-dong-lai/", {"kind": "security"}, follow=True)
    assert "vẫn tạm ngừng" in response.content.decode()
    assert Tenant.objects.get(pk=tenant_a.pk).status == "suspended"
    refused = client.post(f"/console/don-vi/{tenant_a.pk}/tam-ngung/", {"kind": "dunning"}, follow=True)
    assert "chỉ đặt lệnh tạm ngừng loại vận hành hoặc an ninh" in refused.content.decode()
    actions = list(OperatorAction.objects.filter(tenant_id=tenant_a.pk).values_list("action", "detail"))
    assert actions == [("resume", "Sự cố an ninh; trạng thái: Tạm ngừng"), ("suspend", "Sự cố an ninh; Rò rỉ mật khẩu")]
    assert Client(HTTP_HOST="localhost").get("/console/don-vi/").status_code == 302  # operators only
