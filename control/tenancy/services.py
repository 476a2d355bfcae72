"""Writes on the tenant registry: the template schema, tenants, their first admin, operators.

A tenant's status changes afterwards only through ``control.tenancy.lifecycle``."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from control.tenancy.models import Domain, Tenant
from core.accounts.models import User

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")
RESERVED_SLUGS = frozenset(
    {"www", "admin", "api", "public", "static", "media", "mail", "console", "platform", "template",
     "tenant-template", "sandbox", "status", "help", "hotro", "dangky"}
)


def template_schema_ensure(*, verbosity: int = 0) -> None:
    """Create or bring up to date the template schema every new tenant is cloned from."""
    name = settings.TENANT_BASE_SCHEMA
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command("migrate_schemas", tenant=True, schema_name=name, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()


def schema_name_for(slug: str) -> str:
    return "t_" + slug.replace("-", "_")


def tenant_create(
    *,
    name: str,
    slug: str,
    kind: str = Tenant.Kind.PROVINCE,
    admin_code: str = "",
    status: str = Tenant.Status.TRIAL,
    contact_email: str = "",
) -> Tenant:
    """Register a tenant, clone its schema from the template and give it ``<slug>.<BASE_DOMAIN>``.

    It starts in trial or active (a tenant migrated from elsewhere); every later status is a transition."""
    if status not in (Tenant.Status.TRIAL, Tenant.Status.ACTIVE):
        raise ValidationError(f"Đơn vị mới chỉ bắt đầu ở trạng thái dùng thử hoặc hoạt động, không phải {status}.",
                              code="status")
    if not SLUG_RE.match(slug):
        raise ValidationError(
            "Tên miền con chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3-42 ký tự).", code="slug"
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"Tên miền con “{slug}” đã được dành riêng.", code="reserved")
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(f"Tên miền con “{slug}” đã có đơn vị sử dụng.", code="taken")
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        template_schema_ensure()
    with schema_context("public"), transaction.atomic():
        tenant = Tenant(
            name=name, slug=slug, kind=kind, admin_code=admin_code, status=status, contact_email=contact_email,
            schema_name=schema_name_for(slug),
        )
        tenant.save(verbosity=0)
        Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
    return tenant


def tenant_admin_ensure(*, tenant: Tenant, username: str, password: str, full_name: str = "") -> User:
    """The tenant's first staff administrator (created once; the password is (re)set)."""
    with schema_context(tenant.schema_name):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"kind": User.Kind.STAFF, "full_name": full_name or "Quản trị hệ thống", "is_staff": True},
        )
        user.set_password(password)
        user.save()
        return user


def operator_ensure(*, username: str, password: str, full_name: str = "") -> User:
    """A vendor operator (public schema), allowed into the console and Django admin."""
    with schema_context("public"):
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"kind": User.Kind.OPERATOR, "full_name": full_name or "Vận hành", "is_staff": True,
                      "is_superuser": True},
        )
        user.set_password(password)
        user.save()
        return user
