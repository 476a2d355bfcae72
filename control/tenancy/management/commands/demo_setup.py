"""Create (or reuse) the demo data; safe to run again.

The operator comes first; then each feature's ``demo`` module, in order, if present:
``onboarding.demo`` onboards the demo provinces through the real flow, the others fill
them (staff, dossiers, payments, invoices). Without ``onboarding.demo`` the two demo
tenants are created directly.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand

from control.tenancy import services
from control.tenancy.models import Tenant

DEMO_PASSWORD = "MotCua@2026"
DEMO_TENANTS = [
    # (name, slug, official province code)
    ("Thành phố Hải Phòng", "haiphong", "31"),
    ("Tỉnh Lạng Sơn", "langson", "20"),
]
DEMO_STEPS = ["onboarding.demo", "tenants.dossiers.demo", "billing.demo"]


def _optional_module(name: str):  # noqa: ANN202
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: nhân viên vận hành, các tỉnh demo, cán bộ và dữ liệu mẫu."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        services.template_schema_ensure()
        services.operator_ensure(username="operator", password=DEMO_PASSWORD, full_name="Nhân viên vận hành demo")
        if _optional_module("onboarding.demo") is None:
            self._basic_tenants()
        for name in DEMO_STEPS:
            module = _optional_module(name)
            if module is not None:
                self.stdout.write(f"* {name}")
                module.run(stdout=self.stdout, password=DEMO_PASSWORD)

    def _basic_tenants(self) -> None:
        for name, slug, code in DEMO_TENANTS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = services.tenant_create(name=name, slug=slug, admin_code=code, status=Tenant.Status.ACTIVE)
                self.stdout.write(f"  + {name}: schema {tenant.schema_name}")
            else:
                self.stdout.write(f"  = {name}: đã có, dùng lại")
            services.tenant_admin_ensure(
                tenant=tenant, username="admin", password=DEMO_PASSWORD, full_name=f"Quản trị {name}"
            )
