"""The operator's page of backups: each tenant's archives and their age; nobody else sees anything of it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from control.backups.models import Backup
from core.accounts.models import User
from tests.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
SECRET_PATH = "/srv/sao-luu/alpha/alpha-20260101T000000Z.tar.gz"


@pytest.fixture
def backups(tenant_a):
    now = timezone.now()

    def make(age: dt.timedelta, path: str, verified: bool = True) -> Backup:
        return Backup.objects.create(tenant=tenant_a, slug="alpha", schema_name=tenant_a.schema_name, path=path,
                                     size=123_456, sha256="0" * 64, tables=38, rows=400, files=6, duration_ms=150,
                                     created_at=now - age, verified=verified, verified_at=now)

    return [make(dt.timedelta(hours=3), SECRET_PATH), make(dt.timedelta(days=1, hours=3), SECRET_PATH + ".1"),
            make(dt.timedelta(minutes=5), SECRET_PATH + ".hong", verified=False)]


def _operator() -> Client:
    client = Client(HTTP_HOST="localhost")
    assert sign_in(client, "operator").status_code == 302
    return client


def test_the_operator_sees_each_tenants_backups_and_their_age(backups):
    page = _operator().get("/console/backups/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode().replace("\xa0", " ")
    row = html.split('data-tenant="alpha"', 1)[1].split("</tr>", 1)[0]
    assert SECRET_PATH in row and "3 giờ" in row  # the newest verified archive, three hours old
    assert row.count("data-backup=") == 3 and "chưa kiểm tra / hỏng" in row and "Quá hạn" not in row
    beta = html.split('data-tenant="beta"', 1)[1].split("</tr>", 1)[0]
    assert "Chưa có bản nào đã kiểm tra" in beta  # beta has none: it is counted as overdue
    assert "chưa có bản sao lưu gần đây" in html


def test_an_old_backup_is_shown_overdue(tenant_a):
    Backup.objects.create(tenant=tenant_a, slug="alpha", schema_name=tenant_a.schema_name, path=SECRET_PATH,
                          size=1, sha256="0" * 64, tables=1, rows=1, files=0, duration_ms=1,
                          created_at=timezone.now() - dt.timedelta(days=3), verified=True)
    html = _operator().get("/console/backups/").content.decode().replace("\xa0", " ")
    row = html.split('data-tenant="alpha"', 1)[1].split("</tr>", 1)[0]
    assert "Quá hạn" in row and "3 ngày" in row


def test_outsiders_get_nothing(backups, client_a, platform_client):
    # anonymous, on the platform's host: sent to sign in
    response = platform_client.get("/console/backups/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    # a signed-in account of the public schema that is not an operator
    with schema_context("public"):
        User.objects.create_user(username="khong-dieu-hanh", password=PASSWORD, kind=User.Kind.STAFF)
    other = Client(HTTP_HOST="localhost")
    assert sign_in(other, "khong-dieu-hanh").status_code == 302
    response = other.get("/console/backups/")
    assert response.status_code == 302 and SECRET_PATH.encode() not in response.content
    # a tenant's administrator, on the tenant's host: no such page there
    assert sign_in(client_a, "admin-alpha").status_code == 302
    response = client_a.get("/console/backups/")
    assert response.status_code == 404 and SECRET_PATH.encode() not in response.content
    # ... nor with the tenant's session cookie carried to the platform's host
    carried = Client(HTTP_HOST="localhost")
    carried.cookies["sessionid"] = client_a.cookies["sessionid"].value
    response = carried.get("/console/backups/")
    assert response.status_code == 302 and SECRET_PATH.encode() not in response.content
    # other hosts: an unknown tenant, a foreign domain
    for host in ("khong-co.localhost", "evil.example"):
        response = Client(HTTP_HOST=host).get("/console/backups/")
        assert response.status_code == 404 and SECRET_PATH.encode() not in response.content
    # and the operator, signed in, does see it
    assert SECRET_PATH.encode() in _operator().get("/console/backups/").content


def test_the_console_links_to_the_backups_page(tenant_a):
    operator = _operator()
    for page in ("/console/", "/console/don-vi/"):
        html = operator.get(page).content.decode()
        assert 'href="/console/backups/"' in html, page
