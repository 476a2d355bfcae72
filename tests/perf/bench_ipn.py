"""Benchmark `ipn`: VNPay IPN confirmations per second, beside a bare Django view on the same stack.

N distinct pending payments in a tenant; each gets a correctly signed success IPN, sent by wrk
(another process) to our real IPN endpoint under gunicorn. Every tenth request repeats an
IPN already sent (as the gateway's retries do): those payments (they must answer 02 and change nothing). Afterwards the
database is counted: ``lost`` = payments that were sent an IPN but are not paid, ``doubled`` =
payments with more than one ledger entry or confirmed twice. ``ratio`` = ours / bare, where bare
is ``/healthz`` on the tenant's host (same gunicorn, same middleware, no database).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.perf.harness import bench_django, emit

DURATION_S = 10
CONNECTIONS = 16
THREADS = 2
N = 6000
WORKERS = int(os.environ.get("BENCH_IPN_WORKERS", "3"))
GTHREADS = int(os.environ.get("BENCH_IPN_THREADS", "4"))

LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  nthreads = %(threads)d
  slice = math.floor(#paths / nthreads)
  base = id * slice
  i = 0
  fresh = 0
  sent = 0
  ok00 = 0
  ok02 = 0
  other = 0
end
function request()
  local k
  i = i + 1
  if i %% 10 == 0 and fresh > 3 then
    k = (fresh - 3) %% slice   -- the gateway's retry of an IPN already sent: must answer 02, change nothing
  else
    k = fresh %% slice
    fresh = fresh + 1
  end
  sent = sent + 1
  return wrk.format("GET", paths[base + k + 1])
end
function response(status, headers, body)
  if string.find(body, '"RspCode": "00"', 1, true) then ok00 = ok00 + 1
  elseif string.find(body, '"RspCode": "02"', 1, true) then ok02 = ok02 + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local out = {}
  for _, t in ipairs(threads) do
    out[#out + 1] = string.format('{"id":%%d,"sent":%%d,"ok00":%%d,"ok02":%%d,"other":%%d,"slice":%%d}',
      t:get("id"), t:get("sent"), t:get("ok00"), t:get("ok02"), t:get("other"), t:get("slice"))
  end
  io.write("RESULT [" .. table.concat(out, ",") .. "]\n")
end
"""


def wrk(url: str, host: str, script: str | None = None) -> tuple[float, str]:
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{DURATION_S}s", "-H", f"Host: {host}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), out


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `make system-deps` (Debian package wrk)")
    bench_django("ipn")
    import httpx
    from django.db import connection
    from django_tenants.utils import schema_context

    from billing.fees.models import LedgerEntry, Payment, PaymentRequest
    from billing.fees.services import terminal_save
    from billing.gateways.vnpay import signed_query
    from control.tenancy import services
    from tests.support import gunicorn

    tenant = services.tenant_create(name="Tỉnh Đo IPN", slug="doipn", status="active")
    host = f"{tenant.slug}.localhost"
    secret = "bench-ipn-secret-0123456789abcdef"
    with schema_context(tenant.schema_name):
        terminal_save(tmn_code="BENCHIPN", hash_secret=secret)
        reqs = PaymentRequest.objects.bulk_create([
            PaymentRequest(subject_type="bench", subject_id=i, reference=f"HS{i:06d}", amount_vnd=10_000 + i,
                           description="Lệ phí", token=f"bench-token-{i}") for i in range(N)])
        payments = Payment.objects.bulk_create([
            Payment(request=r, txn_ref=f"BENCH{i:06d}", idempotency_key=f"bench-{i}", amount_vnd=r.amount_vnd,
                    gateway_created="20260101120000") for i, r in enumerate(reqs)])
    connection.set_schema_to_public()
    tmp = Path(tempfile.mkdtemp(prefix="bench-ipn-"))
    paths_file = tmp / "paths.txt"
    with open(paths_file, "w") as out:
        for i, p in enumerate(payments):
            params = {"vnp_TmnCode": "BENCHIPN", "vnp_Amount": str(p.amount_vnd * 100), "vnp_BankCode": "NCB",
                      "vnp_BankTranNo": f"VNP{i}", "vnp_CardType": "ATM", "vnp_PayDate": "20260101120500",
                      "vnp_OrderInfo": f"Thanh toan le phi ho so HS{i:06d}", "vnp_TransactionNo": str(14_000_000 + i),
                      "vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", "vnp_TxnRef": p.txn_ref}
            out.write("/thanh-toan/vnpay/ipn?" + signed_query(params, secret) + "\n")
    script = tmp / "ipn.lua"
    script.write_text(LUA % {"paths": str(paths_file), "threads": THREADS})

    env = {"CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING"}
    with gunicorn(workers=WORKERS, threads=GTHREADS, extra_env=env, log_name="bench-ipn") as (url, _port):
        probe = httpx.get(f"{url}/healthz", headers={"Host": host}, timeout=5)
        assert probe.status_code == 200, probe.text[:300]
        wrk(f"{url}/healthz", host)  # warm-up
        bare, _ = wrk(f"{url}/healthz", host)
        total_rps, out = wrk(f"{url}/thanh-toan/vnpay/ipn", host, str(script))
    stats = json.loads(re.search(r"RESULT (\[.*\])", out).group(1))
    time.sleep(2)  # requests still in flight when wrk stopped finish on the server
    ok00 = sum(s["ok00"] for s in stats)
    ok02 = sum(s["ok02"] for s in stats)
    other = sum(s["other"] for s in stats)
    with schema_context(tenant.schema_name):
        from django.db.models import Count

        from billing.fees.models import PaymentEvent

        paid = Payment.objects.filter(status="succeeded").count()
        paid_without_entry = Payment.objects.filter(status="succeeded", ledger_entries__isnull=True).count()
        multi_entries = LedgerEntry.objects.values("payment").annotate(n=Count("id")).filter(n__gt=1).count()
        multi_confirm = (PaymentEvent.objects.filter(to_status="succeeded").values("payment")
                         .annotate(n=Count("id")).filter(n__gt=1).count())
    # Every 00 we answered is a payment the gateway considers confirmed: each must be paid, with one entry.
    lost = max(0, ok00 - paid) + paid_without_entry
    doubled = multi_entries + multi_confirm
    per_s = ok00 / DURATION_S
    print(f"bare /healthz: {bare:8.0f} req/s; IPN: {total_rps:8.0f} req/s, {per_s:8.0f} confirmations/s "
          f"(00={ok00}, 02={ok02}, other={other}, paid={paid})", flush=True)
    emit({"bench": "ipn", "ratio": round(per_s / bare, 3), "per_s": round(per_s, 1), "lost": lost,
          "doubled": doubled, "bare_per_s": round(bare, 1), "ipn_requests_per_s": round(total_rps, 1),
          "replies_00": ok00, "replies_02": ok02, "replies_other": other, "payments": N,
          "target_per_s": 200, "ok": per_s >= 200 and lost == 0 and doubled == 0})


if __name__ == "__main__":
    main()
