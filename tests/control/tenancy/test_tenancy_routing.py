"""Host-based routing: platform, tenants, unknown hosts, closed tenants, and the routing cache."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from control.tenancy import lifecycle, routing, routing_cache, services
from control.tenancy.models import Tenant
from tests.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_platform_home_and_tenant_home(platform_client, client_a, client_b):
    home = platform_client.get("/")
    assert home.status_code == 200
    assert "Nền tảng Một cửa điện tử" in home.content.decode()
    a = client_a.get("/").content.decode()
    b = client_b.get("/").content.decode()
    assert "Tỉnh Alpha" in a and "Tỉnh Beta" not in a
    assert "Tỉnh Beta" in b and "Tỉnh Alpha" not in b


@pytest.mark.parametrize("host", ["nowhere.localhost", "alpha.localhost.evil.com", "t_alpha.localhost", "10.0.0.1"])
def test_unknown_host_is_404_naming_no_tenant(client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body
    for name in ("alpha", "Alpha", "beta", "Beta", "nowhere"):
        assert name not in body


def test_staff_signs_in_on_own_tenant_only(client_a, client_b):
    ok = sign_in(client_a, "admin-alpha")
    assert ok.status_code == 302
    assert ok["Location"] == "/staff/"  # staff land in the back office, not on the citizen portal
    page = client_a.get("/staff/")
    assert page.status_code == 200
    assert "Tỉnh Alpha" in page.content.decode()

    refused = client_b.post("/staff/login/", {"username": "admin-alpha", "password": PASSWORD})
    assert refused.status_code == 200
    assert "không đúng" in refused.content.decode()
    assert client_b.get("/staff/").status_code == 302


def test_operator_console_needs_an_operator(platform_client, client_a):
    assert platform_client.get("/console/").status_code == 302
    signed_in = sign_in(platform_client, "operator")
    assert signed_in["Location"] == "/console/"
    page = platform_client.get("/console/")
    assert page.status_code == 200
    assert "Tỉnh Alpha" in page.content.decode() and "Tỉnh Beta" in page.content.decode()
    # Django admin lives on the platform domain only.
    assert platform_client.get("/admin/").status_code == 200
    assert client_a.get("/admin/").status_code == 404
    # The operator account does not exist inside a tenant.
    assert client_a.post("/staff/login/", {"username": "operator", "password": PASSWORD}).status_code == 200


def test_suspended_tenant_answers_503_portal_403_staff(client_a, client_b, tenant_a):
    lifecycle.hold_place(tenant_id=tenant_a.pk, kind="operator", reason="", by="operator")  # suspended
    portal = client_a.get("/")
    assert portal.status_code == 503
    assert "tạm ngừng" in portal.content.decode()
    assert portal["Retry-After"]
    staff = client_a.get("/staff/")
    assert staff.status_code == 403
    assert "Tài khoản cán bộ tạm thời không truy cập" in staff.content.decode()
    assert client_a.get("/api/v1/me").status_code == 403
    assert client_a.get("/healthz").status_code == 200
    assert client_b.get("/").status_code == 200  # the neighbour is untouched

    lifecycle.hold_lift(tenant_id=tenant_a.pk, kind="operator", by="operator")  # active again
    assert client_a.get("/").status_code == 200


def test_routing_is_cached_and_skips_redundant_set_search_path(client_a):
    client_a.get("/healthz")
    with CaptureQueriesContext(connection) as ctx:
        assert client_a.get("/healthz").status_code == 200
    assert [q["sql"] for q in ctx.captured_queries] == []  # no Domain lookup, no SET


def test_domain_change_invalidates_routing(client, tenant_a):
    assert client.get("/", HTTP_HOST="alpha-new.localhost").status_code == 404
    domain = tenant_a.domains.get()
    domain.domain = "alpha-new.localhost"
    domain.save()
    assert client.get("/", HTTP_HOST="alpha-new.localhost").status_code == 200
    assert client.get("/", HTTP_HOST="alpha.localhost").status_code == 404


def test_other_process_change_is_seen_through_redis_version(tenant_a):
    assert routing.resolve("alpha.localhost").status == Tenant.Status.ACTIVE
    # Another process suspends the tenant: it bumps the shared version; we re-check it.
    Tenant.objects.filter(pk=tenant_a.pk).update(status=Tenant.Status.SUSPENDED, resume_status="active")
    assert routing.resolve("alpha.localhost").status == Tenant.Status.ACTIVE  # still cached
    routing_cache.version_bump()  # as another process's change does
    routing_cache.recheck_next_request()
    assert routing.resolve("alpha.localhost").status == Tenant.Status.SUSPENDED


@pytest.mark.parametrize("slug,code", [("www", "reserved"), ("Hai Phong", "slug"), ("alpha", "taken"), ("a", "slug")])
def test_bad_slugs_refused_in_vietnamese(slug, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as err:
        services.tenant_create(name="X", slug=slug)
    assert err.value.code == code
    assert "Tên miền con" in err.value.messages[0]
