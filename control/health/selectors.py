"""Readiness checks: each returns ok, latency in ms and a detail.

The Celery ping waits its whole timeout (about 1 s) for replies, so its result is kept in Redis and
reused for ``READYZ_CELERY_CACHE_S`` seconds (about 10): a probe every second costs one ping every ten.
While one process refreshes it, the others give the last result rather than ping too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection

CELERY_KEY = "readyz:celery"


def _timed(check: Callable[[], str]) -> dict:
    start = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as exc:  # a readiness probe reports, it never raises
        detail, ok = f"{type(exc).__name__}: {exc}"[:300], False
    return {"ok": ok, "latency_ms": round((time.perf_counter() - start) * 1000, 2), "detail": detail}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _redis() -> str:
    caches["platform"]._cache.get_client(write=True).ping()  # noqa: SLF001
    return "ok"


def _celery() -> str:
    from core.tasks import celery_ping

    replies = celery_ping(timeout=1.0)
    if not replies:
        raise RuntimeError("không có worker Celery nào trả lời")
    return f"{len(replies)} worker"


def _celery_cached() -> dict:
    cache = caches["platform"]
    fresh = float(getattr(settings, "READYZ_CELERY_CACHE_S", 10))
    now = time.time()
    try:
        last = cache.get(CELERY_KEY)
        if last and (now - last["at"] < fresh or not cache.add(CELERY_KEY + ":lock", 1, timeout=5)):
            return {**last["check"], "age_s": round(now - last["at"], 1)}
    except Exception as exc:  # Redis failed between the two checks
        return {"ok": False, "latency_ms": 0.0, "detail": f"{type(exc).__name__}: {exc}"[:300], "age_s": 0.0}
    check = _timed(_celery)
    try:
        cache.set(CELERY_KEY, {"at": now, "check": check}, timeout=int(fresh * 6))
        cache.delete(CELERY_KEY + ":lock")
    except Exception:  # noqa: S110 — not kept: the next probe pings again
        pass
    return {**check, "age_s": 0.0}


def celery_check_forget() -> None:
    """Drop the kept Celery result (the next readiness check pings the workers)."""
    caches["platform"].delete_many([CELERY_KEY, CELERY_KEY + ":lock"])


def readiness() -> dict:
    checks = {"database": _timed(_database), "redis": _timed(_redis)}
    checks["celery"] = _celery_cached() if checks["redis"]["ok"] else {
        "ok": False, "latency_ms": 0.0, "detail": "Redis không sẵn sàng"}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
