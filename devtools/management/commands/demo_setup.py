"""Create (or reuse) the demo data; safe to run again.

The operator comes first; then each step of ``devtools.demo_data``, in order: ``onboarding``
onboards the demo provinces through the real flow, the others fill them (staff, dossiers,
payments, invoices).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from control.tenancy import services
from devtools.demo_data import billing, dossiers, onboarding

DEMO_PASSWORD = "MotCua@2026"
DEMO_STEPS = [("onboarding", onboarding), ("dossiers", dossiers), ("billing", billing)]


class Command(BaseCommand):
    help = "Tạo dữ liệu demo: nhân viên vận hành, các tỉnh demo, cán bộ và dữ liệu mẫu."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        services.template_schema_ensure()
        services.operator_ensure(username="operator", password=DEMO_PASSWORD, full_name="Nhân viên vận hành demo")
        for name, step in DEMO_STEPS:
            self.stdout.write(f"* {name}")
            step.run(stdout=self.stdout, password=DEMO_PASSWORD)
