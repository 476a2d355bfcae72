"""Upgrading 200 tenants with nothing pending: ``tenants_migrate`` vs django-tenants' ``migrate_schemas``.

Figures: seconds (ours: one query reads every schema's django_migrations, nothing to run),
baseline_s (``migrate_schemas --tenant`` over the same schemas), ratio = baseline/ours.
BENCH_TENANTS changes the number of tenants (default 200).
"""

from __future__ import annotations

import io
import os
import time

from tests.perf.harness import bench_django, emit

N_TENANTS = int(os.environ.get("BENCH_TENANTS", "200"))


def main() -> None:
    bench_django("upgrade")
    from django.core.management import call_command
    from django.db import connection

    from control.catalogue.services import catalogue_load_starter
    from onboarding import provisioning, services
    from onboarding.models import Application

    catalogue_load_starter()
    for i in range(N_TENANTS):
        app = Application.objects.create(kind="province", province_code="", name=f"Đơn vị {i}", slug=f"u{i:04d}",
                                         levels=["province", "commune"], contact_name="B", email="b@example.vn",
                                         phone="0900000000")
        app = services.application_approve(application=app, actor="bench")
        provisioning.provisioning_run(application_id=app.pk)
    connection.set_schema_to_public()
    out = io.StringIO()
    start = time.perf_counter()
    call_command("tenants_migrate", stdout=out)
    ours = time.perf_counter() - start
    assert out.getvalue().startswith("0/"), out.getvalue()
    start = time.perf_counter()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    baseline = time.perf_counter() - start
    emit({"bench": "upgrade", "ratio": round(baseline / ours, 1), "seconds": round(ours, 3),
          "baseline_s": round(baseline, 2), "tenants": N_TENANTS})


if __name__ == "__main__":
    main()
