"""Committed onboarding data for tests that need other processes (worker, subprocess, gunicorn)."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import schema_exists

from control.tenancy.models import Domain, Tenant
from onboarding import services
from onboarding.models import Application, Provisioning


def sign_up(code: str, slug: str, **extra) -> Application:
    data = {"kind": "province", "province_code": code, "name": "", "slug": slug, "contact_name": "Nguyễn Văn Thử",
            "email": f"{slug}@example.gov.vn", "phone": "0912345678", "plan": "standard", **extra}
    return services.application_submit(data=services.SignUp(**data))


def wipe(slug: str) -> None:
    """Remove every trace of an onboarding (committed rows and the schema)."""
    connection.set_schema_to_public()
    apps = list(Application.objects.filter(slug=slug))
    tenant = Tenant.objects.filter(slug=slug).first()
    schema = f"t_{slug.replace('-', '_')}"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM console_operatoraction WHERE application_id = ANY(%s) OR tenant_id = %s",
                       [[a.pk for a in apps], tenant.pk if tenant else -1])
    Provisioning.objects.filter(application__in=apps).delete()
    Application.objects.filter(slug=slug).delete()
    if tenant:
        Domain.objects.filter(tenant=tenant).delete()
        with connection.cursor() as cursor:  # its lifecycle trail too (append-only for the ORM)
            cursor.execute("DELETE FROM tenancy_tenantevent WHERE tenant_id = %s", [tenant.pk])
            cursor.execute("DELETE FROM tenancy_hold WHERE tenant_id = %s", [tenant.pk])
            cursor.execute("DELETE FROM tenancy_tenant WHERE id = %s", [tenant.pk])
    if schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
