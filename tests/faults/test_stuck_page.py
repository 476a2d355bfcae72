"""The operator's stuck list (/console/health/ket/): operators only; no tenant's user reaches it; hostile
thresholds are an answer, never a 500; a tenant's stuck item is listed under its own tenant only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

URL = "/console/health/ket/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(platform_client):  # noqa: ANN001
    r = platform_client.get(URL)
    assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.django_db
def test_a_tenant_administrator_is_refused(client_a, tenant_a):  # noqa: ANN001
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        admin = User.objects.get(username="admin-alpha")
        client_a.force_login(admin)
        assert client_a.get(URL).status_code == 404  # not routed on a tenant's host
    connection.set_schema_to_public()
    # A public account that is not an operator (the platform's own staff kind) is refused too.
    other = User.objects.create(username="not-operator", kind=User.Kind.STAFF, is_staff=True)
    client = Client(HTTP_HOST="localhost")
    client.force_login(other)
    r = client.get(URL)
    assert r.status_code == 302 and "/login/" in r["Location"]  # the console's rule: operators only


@pytest.mark.django_db
def test_operator_sees_a_tenants_stuck_message_under_that_tenant_only(platform_client, tenant_a, tenant_b):  # noqa: ANN001
    from core.accounts.models import User
    from tenants.notifications.models import OutboxMessage

    with schema_context(tenant_a.schema_name):
        m = OutboxMessage.objects.create(key="stuck-page-1", channel="email", recipient="a@example.vn", subject="x",
                                         body="y", status="failed", attempts=5, error="SMTP 421")
    connection.set_schema_to_public()
    platform_client.force_login(User.objects.get(username="operator"))
    for raw in ("0", "", "abc", "\x00", "9" * 30, "-5", "١٢"):
        r = platform_client.get(URL, {"sau": raw})
        assert r.status_code == 200, raw
        assert r["Cache-Control"].startswith("max-age=0") or "no-cache" in r["Cache-Control"]
    page = platform_client.get(URL, {"sau": "0"}).content.decode()
    assert (f'data-kind="notifications" data-schema="{tenant_a.schema_name}" data-ref="thong-bao:{m.pk}"' in page)
    assert f'data-schema="{tenant_b.schema_name}" data-ref="thong-bao:{m.pk}"' not in page
    assert "a@example.vn" not in page  # the recipient (personal data) is not shown
