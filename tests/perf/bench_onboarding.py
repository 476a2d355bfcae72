"""Provisioning a province: ours (parallel clone plan + INSERT ... SELECT) vs django-tenants' migrate path.

Ours spreads the template's tables over a few connections (each index build ends with an
fsync; in parallel they overlap) and adds the catalogue tables' foreign keys after copying
the catalogue (one join per key instead of a trigger check per row at commit).

The province: code 52 (135 communes → 151 units), the 2,000-procedure synthetic catalogue
(every procedure of the province and commune levels is copied). "ours" is the whole
provisioning job of an approved application (schema, catalogue, units, calendar, admin,
register). The baseline creates the same tenant's schema the ordinary django-tenants way
(CREATE SCHEMA + migrate_schemas) and then fills it with the same steps.
Figures: median_s (ours), baseline_median_s, ratio = baseline/ours, growth = mean of the
last 5 / mean of the first 5 of N provisionings one after another (N=200 by default,
BENCH_TENANTS to change it).
"""

from __future__ import annotations

import os
import statistics
import time

from tests.perf.harness import bench_django, emit, median

N_TENANTS = int(os.environ.get("BENCH_TENANTS", "200"))
BASELINE_RUNS = int(os.environ.get("BENCH_BASELINE_RUNS", "5"))
PROVINCE = "52"


def main() -> None:
    bench_django("onboarding")
    from django.db import connection
    from django.test.utils import override_settings

    from control.catalogue import synthetic
    from control.catalogue.services import catalogue_upsert
    from control.tenancy.models import Tenant
    from onboarding import provisioning, services
    from onboarding.models import Application, Provisioning

    catalogue_upsert(fields=synthetic.fields(), procedures=synthetic.generate(n=2000), source="synthetic")
    connection.set_schema_to_public()

    def ours(i: int) -> float:
        app = Application.objects.create(kind="province", province_code=PROVINCE, name=f"Tỉnh thử {i}",
                                         slug=f"p{i:04d}", levels=["province", "commune"], contact_name="B",
                                         email="b@example.vn", phone="0900000000")
        start = time.perf_counter()
        app = services.application_approve(application=app, actor="bench")
        job = provisioning.provisioning_run(application_id=app.pk)
        elapsed = time.perf_counter() - start
        assert job.state == "done"
        Application.objects.filter(pk=app.pk).update(province_code="")  # let the next one take the same province
        return elapsed

    def baseline(i: int) -> float:
        app = Application.objects.create(kind="province", province_code=PROVINCE, name=f"Cơ sở {i}",
                                         slug=f"b{i:04d}", levels=["province", "commune"], contact_name="B",
                                         email="b@example.vn", phone="0900000000", status="approved")
        job = Provisioning.objects.create(application=app, schema_name=f"t_b{i:04d}")
        start = time.perf_counter()
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
            tenant = Tenant(name=app.name, slug=app.slug, schema_name=job.schema_name, admin_code=PROVINCE)
            tenant.save(verbosity=0)  # CREATE SCHEMA + migrate_schemas for it
        connection.set_schema_to_public()
        from django.db import transaction

        for key in ("catalogue", "units", "calendar", "admin"):
            with transaction.atomic():
                provisioning.STEP_FUNCTIONS[key](app, job)
            connection.set_schema_to_public()
        elapsed = time.perf_counter() - start
        Application.objects.filter(pk=app.pk).update(province_code="", status="rejected")
        return elapsed

    baseline(999)  # warm-up (imports, caches), not counted
    base_times = [baseline(i) for i in range(BASELINE_RUNS)]
    ours(9999)
    times = []
    for i in range(N_TENANTS):
        times.append(ours(i))
        if (i + 1) % 25 == 0:
            print(f"  {i + 1} tenants, last {times[-1]:.3f} s", flush=True)
    first, last = statistics.mean(times[:5]), statistics.mean(times[-5:])
    result = {
        "bench": "onboarding",
        "ratio": round(median(base_times) / median(times), 2),
        "median_s": round(median(times), 4),
        "baseline_median_s": round(median(base_times), 3),
        "growth": round(last / first, 3),
        "first_s": round(first, 4),
        "last_s": round(last, 4),
        "tenants": N_TENANTS,
        "units": 151,
        "procedures_copied": _copied(),
    }
    emit(result)


def _copied() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t_p0000.procedures_procedure")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
