"""Benchmark `soak`: the production server under a mixed load for ``SOAK_SECONDS`` (default 600), with one Celery
worker killed (SIGKILL) and one Redis restart in the middle.

Processes, all started here: gunicorn with the Procfile's ``web`` options (2 workers x 4 threads, gthread;
``DJANGO_ENV=test`` with ``DEBUG=0`` as the other benches' production-like runs, so the loopback sandbox is on
the allow-list), a Celery worker with the Procfile's ``worker`` options, the VNPay sandbox, and a private
redis-server (``tests.faults.processes.PrivateRedis``; never the machine's Redis) that web and workers use.

The run, on a fresh database (``bench_django``):
1. calibration: receptions back to back over HTTP through this server for ``SOAK_CALIBRATE_SECONDS``
   (the reception bench's path, as staff sign in and use it): R receptions per second;
2. baseline: the mixed load (``tests/perf/soak_load.py``: receptions, dossier pages, worklists, searches,
   tracking, payments = pay page + checkout + IPN signed with the terminal's secret, Excel exports) paced at
   0.8 x R operations per second for ``SOAK_BASELINE_SECONDS``, without faults;
3. soak: the same mix at the same pace for ``SOAK_SECONDS``: memory sampled at the end of the warm-up
   (``SOAK_WARMUP_SECONDS``), the worker killed at 40 % (a new one started), Redis restarted at 60 %,
   memory sampled again at the end;
4. drain: the workers finish the queue; what is still pending then is swept once by the beat's deadline watch
   (which flushes the outbox, as beat does every 15 minutes in production); then the database is counted.

Figures: ``ratio`` = soak throughput / baseline throughput (operations completed per second, same mix, same
pace: 1.0 means the faults cost no throughput); ``errors`` = 5xx answers and requests with no answer + lost
work: receptions answered success but missing, outbox messages not sent after the drain, IPNs answered 00 but
not applied (payment not succeeded, no ledger entry, dossier not moved on), payments doubled (a request paid
twice, a payment with two ledger entries or confirmed twice); ``mem_growth_pct`` per process (RSS at the end of
the warm-up -> at the end; the replacement worker from its own warm-up, the killed one until it was killed);
``p95_ms`` per route over the soak.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from tests.perf.harness import bench_django, emit, p95

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
CALIBRATE_SECONDS = float(os.environ.get("SOAK_CALIBRATE_SECONDS", "20"))
BASELINE_SECONDS = float(os.environ.get("SOAK_BASELINE_SECONDS", str(min(60.0, max(20.0, SOAK_SECONDS / 6)))))
WARMUP_SECONDS = float(os.environ.get("SOAK_WARMUP_SECONDS", str(min(60.0, SOAK_SECONDS / 8))))
THREADS = int(os.environ.get("SOAK_THREADS", "12"))
PACE = 0.8  # of the calibrated reception rate
ROOT = Path(__file__).resolve().parent.parent.parent
LOGS = ROOT / ".data" / "test-logs"


def _procfile(kind: str, port: int = 0) -> list[str]:
    """The Procfile's command for ``kind`` (web, worker), with this venv's binaries and the given port."""
    import sys

    line = next(x for x in (ROOT / "Procfile").read_text().splitlines() if x.startswith(f"{kind}:"))
    cmd = shlex.split(line.split(":", 1)[1].replace("${PORT:-8000}", str(port)))
    # this venv's binaries wherever the line names .venv/bin/ (the worker runs under infra/supervise.sh)
    cmd = [str(Path(sys.executable).parent / Path(c).name) if c.startswith(".venv/bin/") else c for c in cmd]
    if kind == "web":  # the access log goes to the log file, not our terminal
        i = cmd.index("--access-logfile")
        cmd[i + 1] = str(LOGS / f"soak-access-{port}.log")
    return cmd


class Proc:
    def __init__(self, name: str, cmd: list[str], env: dict[str, str]) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        with open(LOGS / f"{name}.log", "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.alive():
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _wait(ready, what: str, proc: Proc, timeout: float = 90.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not ready():
        if not proc.alive():
            raise RuntimeError(f"{what} exited early: see {LOGS / (proc.name + '.log')}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout}s")
        time.sleep(0.2)


def _rss(pid: int) -> dict[int, int]:
    """RSS (bytes) of ``pid`` and its children, by pid."""
    import psutil

    try:
        parent = psutil.Process(pid)
        if parent.status() == psutil.STATUS_ZOMBIE:  # exited (not yet reaped): no figure, not "-100 %"
            return {}
        out = {pid: parent.memory_info().rss}
        for child in parent.children(recursive=True):
            try:
                out[child.pid] = child.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return out
    except psutil.NoSuchProcess:
        return {}


class Memory:
    """RSS of gunicorn's master and workers and of each Celery worker (main process and pool children)."""

    def __init__(self) -> None:
        self.first: dict[str, int] = {}
        self.last: dict[str, int] = {}
        self.lock = threading.Lock()

    def named(self, web: Proc, workers: list[tuple[str, Proc]]) -> dict[str, int]:
        out: dict[str, int] = {}
        rss = _rss(web.proc.pid)
        out["gunicorn-master"] = rss.pop(web.proc.pid, 0)
        for i, pid in enumerate(sorted(rss), 1):
            out[f"gunicorn-worker-{i}"] = rss[pid]
        for name, w in workers:
            rss = _rss(w.proc.pid)
            rss.pop(w.proc.pid, None)  # the supervisor (infra/supervise.sh): a shell, not the worker
            if not rss:
                continue
            out[name] = rss.pop(min(rss))
            for i, pid in enumerate(sorted(rss), 1):
                out[f"{name}-pool-{i}"] = rss[pid]
        return out

    def sample(self, web: Proc, workers: list[tuple[str, Proc]], *, first: bool) -> None:
        now = self.named(web, workers)
        with self.lock:
            for k, v in now.items():
                if first:
                    self.first.setdefault(k, v)
                if k in self.first:
                    self.last[k] = v

    def growth(self) -> dict[str, float]:
        return {k: round(100.0 * (self.last[k] - v) / v, 1) for k, v in self.first.items() if k in self.last}


def _setup_tenant():  # noqa: ANN202
    from django.db import connection
    from django_tenants.utils import schema_context

    from control.tenancy.models import Tenant
    from control.tenancy.services import tenant_create
    from tenants.procedures.models import Fee
    from tests.support import otp_device
    from tests.tenants.dossiers.helpers import build_office

    tenant = tenant_create(name="Tỉnh Đo Soak", slug="dosoak", status=Tenant.Status.ACTIVE)
    with schema_context(tenant.schema_name):
        o = build_office("soak")
        Fee.objects.create(procedure=o.procedure, name="Lệ phí", amount_vnd=50_000)
        for user in (o.receiver, o.processor):
            otp_device(user)  # they have an authenticator app: every sign-in asks for its code
    connection.set_schema_to_public()
    return tenant, o


def _counts(schema: str, rec) -> dict[str, int]:  # noqa: ANN001
    """Lost and doubled work, counted in the database after the drain."""
    from django.db.models import Count, Q
    from django_tenants.utils import schema_context

    from billing.fees.models import LedgerEntry, Payment, PaymentEvent, PaymentRequest
    from tenants.dossiers.models import Dossier
    from tenants.notifications.models import OutboxMessage

    with schema_context(schema):
        claimed = set(rec.received)
        found = set(Dossier.objects.filter(pk__in=claimed).exclude(code="").values_list("pk", flat=True))
        applied = Payment.objects.filter(txn_ref__in=list(rec.ipn_00), status="succeeded")
        applied_refs = set(applied.values_list("txn_ref", flat=True))
        with_entry = set(applied.filter(ledger_entries__kind="fee_paid").values_list("txn_ref", flat=True))
        paid_dossiers = set(PaymentRequest.objects.filter(payments__txn_ref__in=list(rec.ipn_00),
                                                          subject_type="dossier").values_list("subject_id", flat=True))
        moved = Dossier.objects.filter(pk__in=paid_dossiers, fee_paid_vnd__gt=0).count()
        outbox = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")))
        doubled = (
            PaymentRequest.objects.annotate(n=Count("payments", filter=Q(payments__status="succeeded")))
            .filter(n__gt=1).count()
            + LedgerEntry.objects.filter(kind="fee_paid").values("payment").annotate(n=Count("id"))
            .filter(n__gt=1).count()
            + PaymentEvent.objects.filter(to_status="succeeded").values("payment").annotate(n=Count("id"))
            .filter(n__gt=1).count())
        receptions_with_messages = (Dossier.objects.filter(pk__in=found)
                                    .filter(pk__in=OutboxMessage.objects.values("dossier_id")).count())
    return {
        "receptions_claimed": len(claimed), "receptions_missing": len(claimed - found),
        "receptions_without_message": len(found) - receptions_with_messages,
        "outbox_sent": outbox.get("sent", 0), "outbox_not_sent": outbox.get("pending", 0) + outbox.get("failed", 0),
        "ipn_00": len(rec.ipn_00), "ipn_not_applied": len(set(rec.ipn_00) - applied_refs)
        + len(applied_refs - with_entry) + (len(paid_dossiers) - moved),
        "payments_doubled": doubled,
    }


def _outbox_pending(schema: str) -> int:
    from django_tenants.utils import schema_context

    from tenants.notifications.models import OutboxMessage

    with schema_context(schema):
        return OutboxMessage.objects.filter(status="pending").count()


def _pending_ages(schema: str, soak_start_wall: float) -> dict[str, float]:
    """When (seconds into the soak) each message still pending was queued: which fault stranded it."""
    from django_tenants.utils import schema_context

    from tenants.notifications.models import OutboxMessage

    with schema_context(schema):
        ages = [round(t.timestamp() - soak_start_wall, 1) for t in OutboxMessage.objects.filter(status="pending")
                .values_list("created_at", flat=True)]
    return {"count": len(ages), "first_queued_at_s": min(ages), "last_queued_at_s": max(ages)} if ages else {}


def _queue_idle(redis_url: str) -> bool:
    import redis

    from config.celery import app

    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    if client.llen("celery"):
        return False
    active = app.control.inspect(timeout=1.0).active() or {}
    return not any(active.values())


def _drain(schema: str, redis_url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _queue_idle(redis_url) and not _outbox_pending(schema):
                return
        except Exception:  # noqa: BLE001 (Redis still coming back)
            pass
        time.sleep(1)


def _statuses(routes: dict[str, list[tuple[int, float]]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for route, values in sorted(routes.items()):
        counts: dict[str, int] = defaultdict(int)
        for status, _ in values:
            counts[str(status)] += 1
        out[route] = dict(sorted(counts.items()))
    return out


def _by_route(samples, lo: float, hi: float) -> dict[str, list[tuple[int, float]]]:  # noqa: ANN001
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for t, route, status, ms in samples:
        if lo <= t < hi:
            out[route].append((status, ms))
    return out


def main() -> None:  # noqa: PLR0915 (one run, told in order)
    from tests.faults.processes import PrivateRedis

    redis_srv = PrivateRedis()
    redis_srv.start()
    os.environ["REDIS_URL"] = redis_srv.url  # web, workers and this process: the private Redis only
    bench_django("soak")
    import httpx
    from django.db import connections
    from django_tenants.utils import schema_context

    from billing.fees.services import terminal_save
    from tests.faults.processes import SandboxProcess
    from tests.perf.soak_load import Load, Record, Shop
    from tests.support import free_port, server_env, sign_in_http

    tenant, office = _setup_tenant()
    schema, host = tenant.schema_name, f"{tenant.slug}.localhost"
    service_rate = _reception_bench_rate(schema, office)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tmn, secret = "SOAK0001", "soak-secret-0123456789abcdef0123"
    sandbox = SandboxProcess([{"tmn_code": tmn, "hash_secret": secret,
                               "ipn_url": f"http://{host}:{port}/thanh-toan/vnpay/ipn"}])
    sandbox.start()
    with schema_context(schema):
        terminal_save(tmn_code=tmn, hash_secret=secret, pay_url=sandbox.url, api_url=sandbox.url, actor="soak")
    connections.close_all()

    mail_dir = tempfile.mkdtemp(prefix="soak-mail-")
    # Mail as files in a directory of this run (the development backend), not kept in the worker's memory.
    env = server_env(LOG_LEVEL="WARNING", PORT=str(port), EMAIL_FILE_PATH=mail_dir,
                     EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend")
    web = Proc("soak-web", _procfile("web", port), env)
    _wait(lambda: _healthy(httpx, base, host), "gunicorn", web)
    worker_env = {**env, "CELERY_WORKER_NAME": "soak"}
    workers: list[tuple[str, Proc]] = []

    def start_worker(n: int) -> Proc:
        from config.celery import app

        w = Proc(f"soak-celery-{n}", [*_procfile("worker"), "-n", f"soak-{n}@%h"], worker_env)
        _wait(lambda: bool(app.control.ping(timeout=0.5, destination=[f"soak-{n}@{socket.gethostname()}"])),
              "celery worker", w)
        workers.append((f"celery-{n}", w))
        return w

    start_worker(1)
    rec = Record()
    shop = Shop(base=base, host=host, procedure=office.procedure.pk, desk=office.one_stop.pk, tmn_code=tmn,
                secret=secret, receiver=office.receiver.username, processor=office.processor.username,
                sign_in=lambda client, b, username: sign_in_http(client, b, username, schema=schema))
    load = Load(shop, rec, threads=THREADS)
    memory = Memory()
    marks: dict[str, float] = {}
    try:
        load.sign_in_all()
        load.closed(3, threads=4)  # warm the server's code paths before measuring
        calibrated = load.closed(CALIBRATE_SECONDS, threads=min(8, THREADS))
        rate = PACE * calibrated
        print(f"calibration: {calibrated:.1f} receptions/s through gunicorn; pace {rate:.1f} operations/s",
              flush=True)
        marks["baseline"] = time.monotonic()
        baseline = load.paced(BASELINE_SECONDS, rate)
        marks["soak"] = time.monotonic()
        print(f"baseline: {baseline:.1f} operations/s over {BASELINE_SECONDS:.0f} s", flush=True)

        def kill_worker() -> None:
            name, old = workers[0]
            memory.sample(web, workers, first=False)  # the killed worker's last figure
            marks["worker_kill"] = time.monotonic()
            old.kill(signal.SIGKILL)
            workers.remove((name, old))
            start_worker(2)
            print(f"t={time.monotonic() - marks['soak']:.0f}s: worker SIGKILLed, a new one started", flush=True)
            time.sleep(WARMUP_SECONDS)  # the replacement's own warm-up, then its first figure
            memory.sample(web, [w for w in workers if w[0] == "celery-2"], first=True)

        def restart_redis() -> None:
            marks["redis_restart"] = time.monotonic()
            redis_srv.kill()
            redis_srv.start()
            marks["redis_back"] = time.monotonic()
            print(f"t={marks['redis_restart'] - marks['soak']:.0f}s: Redis restarted "
                  f"({marks['redis_back'] - marks['redis_restart']:.2f} s down)", flush=True)

        events = {WARMUP_SECONDS: lambda: memory.sample(web, workers, first=True),
                  0.4 * SOAK_SECONDS: kill_worker,
                  0.6 * SOAK_SECONDS: restart_redis}
        soak = load.paced(SOAK_SECONDS, rate, at=events)
        memory.sample(web, workers, first=False)
        marks["end"] = time.monotonic()
        # A worker that exited by itself (not the one we killed): a finding of its own, with its log.
        exited = {name: w.proc.returncode for name, w in workers if not w.alive()}
        restarted = {name: (LOGS / f"soak-celery-{name.rsplit('-', 1)[1]}.log").read_text(errors="replace")
                     .count("supervise: ") for name, _ in workers}
        restarted = {k: v for k, v in restarted.items() if v}
        if restarted:
            print(f"worker(s) that died by themselves and were started again by infra/supervise.sh: {restarted}",
                  flush=True)
        if exited:
            print(f"worker(s) exited by themselves: {exited}; see {LOGS}/soak-celery-*.log", flush=True)
        print(f"soak: {soak:.1f} operations/s over {SOAK_SECONDS:.0f} s; ops {dict(rec.ops)}", flush=True)
        pending_after_load = _outbox_pending(schema)
        _drain(schema, redis_srv.url, 120)
        pending_after_drain = _outbox_pending(schema)
        stranded = _pending_ages(schema, time.time() - (time.monotonic() - marks["soak"]))
        if pending_after_drain:  # what beat's deadline watch does every 15 minutes: flush the outbox
            from tenants.dossiers.tasks import deadline_watch

            with schema_context(schema):
                deadline_watch.delay()
            _drain(schema, redis_srv.url, 120)
        counts = _counts(schema, rec)
    finally:
        load.close()
        for _, w in workers:
            w.kill(signal.SIGTERM)
        web.kill(signal.SIGTERM)
        sandbox.stop()
        redis_srv.stop()
        shutil.rmtree(mail_dir, ignore_errors=True)
        connections.close_all()

    every = _by_route(rec.samples, 0, float("inf"))
    soak_routes = _by_route(rec.samples, marks["soak"], marks["end"])
    base_routes = _by_route(rec.samples, marks["baseline"], marks["soak"])
    fives = {r: sum(1 for s, _ in v if s >= 500 or s == 0) for r, v in every.items()}
    fives = {r: n for r, n in fives.items() if n}
    fault_lo, fault_hi = marks.get("redis_restart", 0), marks.get("redis_back", 0) + 5
    in_fault = sum(1 for t, _, s, _ in rec.samples if (s >= 500 or s == 0) and fault_lo <= t <= fault_hi)
    lost = (counts["receptions_missing"] + counts["outbox_not_sent"] + counts["ipn_not_applied"]
            + counts["payments_doubled"])
    errors = sum(fives.values()) + lost
    requests = len(rec.samples)
    emit({"bench": "soak", "ratio": round(soak / baseline, 3) if baseline else None, "errors": errors,
          "p95_ms": {r: round(p95([ms for _, ms in v]), 1) for r, v in sorted(soak_routes.items())},
          "mem_growth_pct": memory.growth(), "requests": requests, "seconds": SOAK_SECONDS,
          "soak_ops_per_s": round(soak, 2), "baseline_ops_per_s": round(baseline, 2),
          "calibrated_receptions_per_s": round(calibrated, 2), "pace_ops_per_s": round(rate, 2),
          "reception_bench_per_s": round(service_rate, 1),
          "baseline_p95_ms": {r: round(p95([ms for _, ms in v]), 1) for r, v in sorted(base_routes.items())},
          "errors_5xx_by_route": fives, "status_by_route": _statuses(every),
          "errors_5xx_in_redis_restart": in_fault, "lost": lost,
          "shed_arrivals": rec.shed, "start_lateness_p95_ms": round(p95(rec.late_ms), 1) if rec.late_ms else 0,
          "workers_exited_by_themselves": exited, "workers_restarted_by_supervisor": restarted,
          "no_answer_by_error": dict(rec.no_answer),
          "ipn_replies": dict(rec.ipn_replies), "outbox_pending_after_load": pending_after_load,
          "outbox_pending_before_sweep": pending_after_drain, "outbox_stranded_queued_at_s": stranded,
          "fault_at_s": {k: round(marks[k] - marks["soak"], 1) for k in ("worker_kill", "redis_restart")
                         if k in marks}, **counts,
          "mem_mb_end": {k: round(v / 2**20, 1) for k, v in memory.last.items()},
          "ok": errors == 0 and all(g < 10 for g in memory.growth().values())})


def _reception_bench_rate(schema: str, office) -> float:  # noqa: ANN001
    """The reception bench's own figure (its function: the service layer, 4 processes, no HTTP), for reference:
    the pace comes from the calibration through the server, what a reception costs there (sign-in, middleware,
    form, template, notifications and the fee request included)."""
    os.environ.setdefault("BENCH_RECEPTIONS", "50")
    from django.db import connections
    from django_tenants.utils import schema_context

    from tenants.dossiers.processes import process_current
    from tests.perf.bench_reception import _run

    with schema_context(schema):
        ids = {"receiver": office.receiver.pk, "procedure": office.procedure.pk, "one_stop": office.one_stop.pk,
               "dept": office.dept.pk, "version": process_current(procedure=office.procedure).pk}
    connections.close_all()
    return _run(schema, ids, "ours")


def _healthy(httpx, base: str, host: str) -> bool:  # noqa: ANN001
    try:
        return httpx.get(f"{base}/healthz", headers={"Host": host}, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    main()
