"""Benchmark `search`: the citizens' (and staff's) procedure search over the real national records shipped in
control/catalogue/data plus 2,000 synthetic ones, copied into a tenant as onboarding copies them, all enabled.

Realistic queries: with and without accents, words reordered, typos, a code. Each is timed as the search page
runs it (the count and the first page of 20), on both paths: pg_trgm (typo tolerance) and the plainer
full-text fallback (the same database, trigram switched off), beside the old query (``icontains`` on code and
name, ordered by code). Figures: p95_ms (pg_trgm path, target < 50), p95_ms_fallback, p95_ms_baseline,
ratio = baseline p95 / ours (pg_trgm) p95 (below 1: ours is slower than the old query, which finds little),
and found_at_5: the share of queries whose intended procedure is among the first five results.
"""

from __future__ import annotations

import time

from tests.perf.harness import bench_django, emit, median, p95

RUNS = 15
PAGE = 20
# (query, the folded words the intended procedure's name contains)
QUERIES = [
    ("dang ky khai sinh", "dang ky khai sinh"),
    ("khai sinh dang ky", "dang ky khai sinh"),
    ("Đăng ký khai sinh", "dang ky khai sinh"),
    ("ĐĂNG KÝ KẾT HÔN", "dang ky ket hon"),
    ("ket hon dang ky", "dang ky ket hon"),
    ("dang ki ket hon", "dang ky ket hon"),
    ("dang ky ket honn", "dang ky ket hon"),
    ("cap giay phep xay dung", "giay phep xay dung"),
    ("giấy phép xây dựng nhà ở", "giay phep xay dung"),
    ("dang ky thuong tru", "dang ky thuong tru"),
    ("thường trú xóa đăng ký", "xoa dang ky thuong tru"),
    ("khai tu", "khai tu"),
    ("dang ky khai tu luu dong", "dang ky khai tu luu dong"),
    ("chuyen muc dich su dung dat", "chuyen muc dich su dung dat"),
    ("giao đất cho thuê đất", "giao dat cho thue dat"),
    ("chung chi hanh nghe xay dung", "chung chi hanh nghe hoat dong xay dung"),
    ("cấp lại chứng chỉ hành nghề", "cap lai chung chi hanh nghe"),
    ("nuoi con nuoi", "nuoi con nuoi"),
    ("khai snh", "khai sinh"),
    ("đăng ký biến động đất đai", "dang ky bien dong"),
    ("thẩm định thiết kế", "tham dinh thiet ke"),
]


def _load(schema: str) -> int:
    """The national records and 2,000 synthetic ones in the master, copied into ``schema`` by onboarding's
    catalogue step (which also fills the search columns), all enabled."""
    from types import SimpleNamespace

    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from control.catalogue import synthetic
    from control.catalogue.models import MasterProcedure
    from control.catalogue.services import catalogue_load_shipped, catalogue_upsert
    from onboarding.provisioning import step_catalogue
    from tenants.procedures.models import Procedure

    catalogue_load_shipped(by="bench")
    catalogue_upsert(fields=synthetic.fields(), procedures=synthetic.generate(2000), source="bench", by="bench")
    levels = sorted({lv for row in MasterProcedure.objects.filter(is_current=True).values_list("levels", flat=True)
                     for lv in row})
    with transaction.atomic():
        step_catalogue(SimpleNamespace(levels=levels), SimpleNamespace(schema_name=schema))
    with schema_context(schema):
        n = Procedure.objects.update(enabled=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE procedures_procedure")
    return n


def main() -> None:
    bench_django("search")
    from django.db import connections
    from django.db.models import Q
    from django_tenants.utils import schema_context

    from control.tenancy.models import Tenant
    from control.tenancy.services import tenant_create
    from tenants.procedures import search
    from tenants.procedures.models import Procedure
    from tenants.procedures.selectors import procedure_search

    tenant = tenant_create(name="Tỉnh Bench", slug="bench-search", status=Tenant.Status.ACTIVE)
    total = _load(tenant.schema_name)
    with schema_context(tenant.schema_name):
        have_trgm = search.trgm_installed(refresh=True)
        code = Procedure.objects.exclude(code__startswith="SYN").order_by("code").values_list("code", flat=True)[7]
        queries = [*QUERIES, (code.lower(), None)]

        def ours(q: str, trigram: bool) -> list[Procedure]:
            qs = procedure_search(q=q, enabled=True, trigram=trigram).select_related("field")
            qs.count()
            return list(qs[:PAGE])

        def baseline(q: str) -> list[Procedure]:
            qs = (Procedure.objects.filter(Q(code__icontains=q) | Q(name__icontains=q)).filter(enabled=True)
                  .select_related("field").order_by("code"))
            qs.count()
            return list(qs[:PAGE])

        paths = {"trgm": lambda q: ours(q, True), "fallback": lambda q: ours(q, False), "baseline": baseline}
        if not have_trgm:
            paths.pop("trgm")
        times: dict[str, list[float]] = {k: [] for k in paths}
        found: dict[str, int] = {k: 0 for k in paths}
        misses: dict[str, list[str]] = {k: [] for k in paths}
        for q, want in queries:
            for name, fn in paths.items():
                top = fn(q)[:5]
                hit = any(p.code == code for p in top) if want is None else any(
                    all(w in f" {search.folded(p.name)} " for w in (f" {x} " for x in want.split()))
                    for p in top)
                found[name] += hit
                if not hit:
                    misses[name].append(q)
                for _ in range(RUNS):
                    start = time.perf_counter()
                    fn(q)
                    times[name].append((time.perf_counter() - start) * 1000)
        plan = procedure_search(q="dang ky khai sinh", enabled=True, trigram=have_trgm)[:PAGE].explain(analyze=True)
        print(plan, flush=True)
        for name in paths:
            print(name, "median", round(median(times[name]), 2), "p95", round(p95(times[name]), 2),
                  "found@5", f"{found[name]}/{len(queries)}", "missed", misses[name], flush=True)
    connections.close_all()
    main_path = "trgm" if have_trgm else "fallback"
    emit({"bench": "search", "ratio": round(p95(times["baseline"]) / p95(times[main_path]), 2),
          "ratio_is": f"baseline p95 / {main_path} p95",
          "p95_ms": round(p95(times[main_path]), 2), "path": main_path,
          "p95_ms_fallback": round(p95(times["fallback"]), 2), "p95_ms_baseline": round(p95(times["baseline"]), 2),
          "median_ms": round(median(times[main_path]), 2),
          "median_ms_fallback": round(median(times["fallback"]), 2),
          "median_ms_baseline": round(median(times["baseline"]), 2),
          "found_at_5": {k: round(v / len(queries), 2) for k, v in found.items()},
          "procedures": total, "queries": len(queries), "runs_per_query": RUNS, "target_p95_ms": 50})


if __name__ == "__main__":
    main()
