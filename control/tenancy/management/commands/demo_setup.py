"""Create (or reuse) the demo operator, tenants and their staff; safe to run again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from control.tenancy import services
from control.tenancy.models import Tenant

DEMO_PASSWORD = "MotCua@2026"
DEMO_TENANTS = [
    # (name, slug, official province code)
    ("Thành phố Hải Phòng", "haiphong", "31"),
    ("Tỉnh Lạng Sơn", "langson", "20"),
]


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: nhân viên vận hành, hai tỉnh demo và quản trị của mỗi tỉnh."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        services.template_schema_ensure()
        services.operator_ensure(username="operator", password=DEMO_PASSWORD, full_name="Nhân viên vận hành demo")
        for name, slug, code in DEMO_TENANTS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = services.tenant_create(
                    name=name, slug=slug, admin_code=code, status=Tenant.Status.ACTIVE
                )
                self.stdout.write(f"  + {name}: schema {tenant.schema_name}")
            else:
                self.stdout.write(f"  = {name}: đã có, dùng lại")
            services.tenant_admin_ensure(
                tenant=tenant, username="admin", password=DEMO_PASSWORD, full_name=f"Quản trị {name}"
            )
