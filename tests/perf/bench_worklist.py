"""Benchmark `worklist`: worklist, menu counts and search queries with 10,000 then 1,000,000 dossiers in one
tenant (generated with SQL generate_series). Figures: p95_ms (worst query's p95 at 1M), growth = time at 1M /
time at 10k (worst query), ratio = growth. Targets: p95 < 100 ms, growth <= 2.
"""

from __future__ import annotations

import os
import time

from tests.perf.harness import bench_django, emit, median, p95

SIZES = [10_000, int(os.environ.get("BENCH_WORKLIST_MAX", "1000000"))]
RUNS = 30

GENERATE = """
INSERT INTO dossiers_dossier (code, procedure_id, process_version_id, current_step_id, receiving_unit_id,
    handling_unit_id, current_unit_id, "current_role", channel, applicant_kind, applicant_name, applicant_name_norm,
    id_number, address, phone, email, documents_checked, status, version, deadline_flag, submitted_at, received_at,
    due_at, original_due_at, step_paused_seconds, reason, fee_total_vnd, fee_paid_vnd, return_method, result_code,
    created_at, updated_at)
SELECT '000.00.01.H22-' || to_char(now() - (g || ' seconds')::interval, 'YYMMDD') || '-'
    || to_char(%(start)s + g, 'FM00000000'), %(procedure)s, %(version)s, %(step)s, %(desk)s, %(dept)s,
    CASE WHEN g %% 100 < 3 THEN %(dept)s ELSE NULL END,
    CASE WHEN g %% 100 < 3 THEN 'processor' ELSE '' END, 'counter', 'person',
    (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Vũ','Đặng','Bùi','Đỗ','Hồ'])[1 + g %% 10] || ' ' ||
    (ARRAY['Văn','Thị','Minh','Quốc','Thu','Hữu','Ngọc','Đức'])[1 + (g / 10) %% 8] || ' ' ||
    (ARRAY['An','Bình','Cường','Dũng','Hà','Hường','Khánh','Lan','Mai','Nam','Oanh','Phúc','Quân','Sơn','Tâm',
           'Uyên','Vinh','Xuân','Yến','Toàn'])[1 + (g / 80) %% 20] || ' ' || (g %% 997)::text,
    -- the same name, normalised as the service stores it (lower case, no accents): what name search reads
    (ARRAY['nguyen','tran','le','pham','hoang','vu','dang','bui','do','ho'])[1 + g %% 10] || ' ' ||
    (ARRAY['van','thi','minh','quoc','thu','huu','ngoc','duc'])[1 + (g / 10) %% 8] || ' ' ||
    (ARRAY['an','binh','cuong','dung','ha','huong','khanh','lan','mai','nam','oanh','phuc','quan','son','tam',
           'uyen','vinh','xuan','yen','toan'])[1 + (g / 80) %% 20] || ' ' || (g %% 997)::text,
    lpad(((g::bigint * 7919) %% 1000000000000)::text, 12, '0'), 'Hải Phòng', '', '', '[]',
    CASE WHEN g %% 100 < 3 THEN 'processing' ELSE 'returned' END, 1, '',
    now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval,
    now() - (g || ' seconds')::interval + interval '5 days', now() + interval '5 days', 0, '', 0, 0, '', '',
    now(), now()
FROM generate_series(1, %(n)s) AS g
"""


def main() -> None:
    bench_django("worklist")
    import datetime as dt
    import re

    from django.db import connection, connections
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from control.tenancy.models import Tenant
    from control.tenancy.services import tenant_create
    from tenants.dossiers import selectors
    from tenants.dossiers.processes import process_current, steps_of
    from tests.tenants.dossiers.helpers import build_office

    tenant = tenant_create(name="Tỉnh Bench", slug="bench-worklist", status=Tenant.Status.ACTIVE)
    results: dict[int, dict[str, list[float]]] = {}
    with schema_context(tenant.schema_name):
        o = build_office("bench")
        version = process_current(procedure=o.procedure)
        step = steps_of(version)[1]
        user = o.processor
        done = 0
        for n in SIZES:
            with connection.cursor() as cursor:
                cursor.execute(GENERATE, {"start": done, "n": n - done, "procedure": o.procedure.pk,
                                          "version": version.pk, "step": step.pk, "desk": o.one_stop.pk,
                                          "dept": o.dept.pk})
                cursor.execute("ANALYZE dossiers_dossier")
            done = n
            with connection.cursor() as cursor:
                cursor.execute("SELECT code FROM dossiers_dossier WHERE code LIKE %s LIMIT 1",
                               ["%-" + str(n // 2).zfill(8)])
                sample = cursor.fetchone()[0]
            queries = {
                "worklist": lambda: selectors.page(selectors.worklist(user, "thu-ly"), 1),
                "worklist_p5": lambda: selectors.page(selectors.worklist(user, "thu-ly"), 5),
                "menu_counts": lambda: selectors.menu_counts(user),
                "search_name": lambda: selectors.page(selectors.search(user, q="dang thi huong"), 1),
                "search_code": lambda sample=sample: selectors.page(selectors.search(user, q=sample), 1),
                "search_id": lambda: selectors.page(selectors.search(user, q="000000079190"), 1),
                "filter_status": lambda: selectors.page(selectors.search(user, status="processing"), 1),
            }
            # Every query must find something, or the bench would time an empty search.
            for name, fn in queries.items():
                found = fn()
                assert found[0] if isinstance(found, tuple) else found, f"{name} found nothing at {n} dossiers"
            results[n] = {}
            for name, fn in queries.items():
                fn()  # warm
                times = []
                for _ in range(RUNS):
                    start = time.perf_counter()
                    fn()
                    times.append((time.perf_counter() - start) * 1000)
                results[n][name] = times
            print(n, {k: round(median(v), 2) for k, v in results[n].items()}, flush=True)
        # The plan of the name search's first time window at the largest size: which indexes it uses.
        name_qs = selectors.search(user, q="dang thi huong")
        window = selectors._in_window(name_qs, timezone.now() - dt.timedelta(days=selectors.WINDOWS_DAYS[0]))
        plan = window[:selectors.PAGE_SIZE + 1].explain(analyze=True)
        print(plan, flush=True)
        plan_indexes = sorted(set(re.findall(r"(?:Index|Index Only) Scan(?: Backward)? (?:using|on) (\w+)", plan)))
    small, big = SIZES
    p95s = {k: p95(v) for k, v in results[big].items()}
    growth = {k: median(results[big][k]) / median(results[small][k]) for k in results[big]}
    connections.close_all()
    emit({"bench": "worklist", "ratio": round(max(growth.values()), 2), "p95_ms": round(max(p95s.values()), 2),
          "growth": round(max(growth.values()), 2), "dossiers": big,
          "p95_ms_by_query": {k: round(v, 2) for k, v in p95s.items()},
          "growth_by_query": {k: round(v, 2) for k, v in growth.items()}, "target_p95_ms": 100, "target_growth": 2,
          "search_name_plan_indexes": plan_indexes})


if __name__ == "__main__":
    main()
