"""Readiness checks: each returns (ok, latency in ms, detail)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection


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


def readiness() -> dict:
    checks = {"database": _timed(_database), "redis": _timed(_redis)}
    checks["celery"] = _timed(_celery) if checks["redis"]["ok"] else {
        "ok": False, "latency_ms": 0.0, "detail": "Redis không sẵn sàng"}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
