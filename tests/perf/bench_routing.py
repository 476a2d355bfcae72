"""Benchmark `routing`: a one-query endpoint served through tenant routing vs. a bare Django view.

Same endpoint, same gunicorn, same middleware otherwise, real HTTP (wrk as the load
generator, from another process). Prints ``ratio`` = routed / bare throughput (target
≥ 0.6), with django-tenants' stock routing beside it for reference.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from tests.perf.harness import bench_django, emit

DURATION_S = 8
CONNECTIONS = 16


def wrk(url: str, host: str) -> float:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{DURATION_S}s", "-H", f"Host: {host}", url],
        capture_output=True, text=True, check=True,
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"errors under load:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def serve_and_measure(variant: str, host: str) -> float:
    import httpx

    from tests.support import gunicorn

    env = {"DJANGO_SETTINGS_MODULE": "tests.perf.routing_settings", "ROUTING_VARIANT": variant, "CONN_MAX_AGE": "600"}
    with gunicorn(workers=2, threads=1, extra_env=env, log_name=f"bench-routing-{variant}") as (url, _port):
        probe = httpx.get(f"{url}/bench/one-query", headers={"Host": host}, timeout=5)
        assert probe.status_code == 200, (variant, probe.status_code, probe.text[:300])
        wrk(f"{url}/bench/one-query", host)  # warm-up: connections, caches
        return wrk(f"{url}/bench/one-query", host)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `make system-deps` (Debian package wrk)")
    bench_django("routing")
    from control.tenancy import services

    tenant = services.tenant_create(name="Tỉnh Đo Tốc Độ", slug="dotocdo")
    host = f"{tenant.slug}.localhost"
    results = {}
    for variant in ("bare", "routed", "stock", "bare", "routed"):
        rps = serve_and_measure(variant, "localhost" if variant == "bare" else host)
        results.setdefault(variant, []).append(rps)
        print(f"{variant:>6}: {rps:8.0f} req/s", flush=True)
    bare = max(results["bare"])
    routed = max(results["routed"])
    stock = max(results["stock"])
    emit({
        "bench": "routing",
        "ratio": round(routed / bare, 3),
        "routed_rps": round(routed),
        "bare_rps": round(bare),
        "stock_django_tenants_rps": round(stock),
        "stock_ratio": round(stock / bare, 3),
        "server": "gunicorn 2 sync workers, persistent DB connections",
        "load": f"wrk -t2 -c{CONNECTIONS} -d{DURATION_S}s",
    })


if __name__ == "__main__":
    main()
