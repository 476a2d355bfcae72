"""Benchmark `reception`: dossiers received through the service layer (code from the gap-free counter,
due date from the working calendar, the first step entered, the audit row) by 4 concurrent workers
(processes, each with its own database connection), against a baseline of plain row inserts.

Figures: per_s (ours), baseline_per_s, ratio = ours / baseline; codes checked unique and gap-free.
The applicant has no phone or e-mail, so no notification is queued (that is after commit, in Celery).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
import uuid

from tests.perf.harness import bench_django, emit

WORKERS = 4
PER_WORKER = int(os.environ.get("BENCH_RECEPTIONS", "250"))


def _worker(schema: str, ids: dict, mode: str, barrier, out) -> None:  # noqa: ANN001
    from django.db import connections
    from django_tenants.utils import schema_context

    connections.close_all()
    from core.accounts.models import User
    from tenants.dossiers.models import Dossier
    from tenants.dossiers.services import dossier_receive
    from tenants.organization.models import Unit
    from tenants.procedures.models import Procedure

    with schema_context(schema):
        actor = User.objects.get(pk=ids["receiver"])
        procedure = Procedure.objects.get(pk=ids["procedure"])
        desk, dept = Unit.objects.get(pk=ids["one_stop"]), Unit.objects.get(pk=ids["dept"])
        version_id = ids["version"]
        applicant = {"applicant_name": "Nguyễn Văn Bình", "id_number": "031234567890", "address": "Hải Phòng"}
        barrier.wait()
        start = time.perf_counter()
        for _ in range(PER_WORKER):
            if mode == "ours":
                dossier_receive(actor=actor, procedure=procedure, receiving_unit=desk, applicant=applicant)
            else:  # baseline: one plain INSERT of the same row, no counter, no calendar, no audit
                Dossier.objects.create(procedure=procedure, process_version_id=version_id, receiving_unit=desk,
                                       handling_unit=dept, applicant_name="Nguyễn Văn Bình",
                                       applicant_name_norm="nguyen van binh", id_number="031234567890",
                                       code=uuid.uuid4().hex, status="processing")
        out.put((start, time.perf_counter()))
    connections.close_all()


def _run(schema: str, ids: dict, mode: str) -> float:
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(schema, ids, mode, barrier, out)) for _ in range(WORKERS)]
    for p in procs:
        p.start()
    spans = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode:
            raise RuntimeError(f"worker failed ({mode})")
    elapsed = max(e for _, e in spans) - min(s for s, _ in spans)
    return WORKERS * PER_WORKER / elapsed


def main() -> None:
    bench_django("reception")
    from django.db import connections
    from django_tenants.utils import schema_context

    from control.tenancy.models import Tenant
    from control.tenancy.services import tenant_create
    from tenants.dossiers.models import Dossier
    from tenants.dossiers.processes import process_current
    from tests.tenants.dossiers.helpers import build_office

    tenant = tenant_create(name="Tỉnh Bench", slug="bench-reception", status=Tenant.Status.ACTIVE)
    with schema_context(tenant.schema_name):
        o = build_office("bench")
        version = process_current(procedure=o.procedure)
        ids = {"receiver": o.receiver.pk, "procedure": o.procedure.pk, "one_stop": o.one_stop.pk,
               "dept": o.dept.pk, "version": version.pk}
    connections.close_all()
    baseline = _run(tenant.schema_name, ids, "baseline")
    ours = _run(tenant.schema_name, ids, "ours")
    with schema_context(tenant.schema_name):
        codes = list(Dossier.objects.filter(process_version_id=ids["version"]).exclude(code__regex=r"^[0-9a-f]{32}$")
                     .values_list("code", flat=True))
        events = Dossier.objects.filter(events__action="receive").count()
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    unique = len(set(codes)) == len(codes) == WORKERS * PER_WORKER == events
    gap_free = numbers == list(range(1, len(numbers) + 1))
    connections.close_all()
    emit({"bench": "reception", "ratio": round(ours / baseline, 3), "per_s": round(ours, 1),
          "baseline_per_s": round(baseline, 1), "workers": WORKERS, "receptions": WORKERS * PER_WORKER,
          "codes_unique": unique, "codes_gap_free": gap_free, "target_per_s": 300})


if __name__ == "__main__":
    main()
