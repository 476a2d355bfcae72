"""Accounts live in every schema, so do their lock-outs, devices and sign-in log: the platform's schema, the
template and a tenant cloned from it (onboarding.clone) all have the tables, the log's trigger included."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from django_tenants.utils import schema_context

from control.tenancy import services
from core.signin.models import SignInEvent

pytestmark = pytest.mark.django_db
TABLES = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "otp_totp_totpdevice",
          "otp_static_staticdevice", "otp_static_statictoken", "signin_signinevent"}


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_every_schema_has_the_sign_in_tables_and_a_new_tenant_gets_them():
    tenant = services.tenant_create(name="Tỉnh Kiểm Tra Đăng Nhập", slug="kiemtra-dangnhap")
    for schema in ("public", "tenant_template", "t_alpha", tenant.schema_name):
        assert TABLES <= _tables(schema), (schema, TABLES - _tables(schema))
    with schema_context(tenant.schema_name):
        event = SignInEvent.objects.create(kind=SignInEvent.Kind.LOCKED_OUT, username="x")
        with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
            cursor.execute("UPDATE signin_signinevent SET username = 'y' WHERE id = %s", [event.pk])
