from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_healthz(platform_client, client_a):
    assert platform_client.get("/healthz").json() == {"status": "ok"}
    assert client_a.get("/healthz").json() == {"status": "ok"}


def test_readyz_all_up(platform_client, celery_queue):
    body = platform_client.get("/readyz")
    assert body.status_code == 200, body.content
    checks = body.json()["checks"]
    assert set(checks) == {"database", "redis", "celery"}
    for check in checks.values():
        assert check["ok"] is True
        assert check["latency_ms"] >= 0


def test_redis_down_web_still_serves_and_readyz_names_it(platform_client, client_a, settings):
    dead = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        name: {**cfg, "LOCATION": dead} for name, cfg in settings.CACHES.items()
    }
    assert client_a.get("/").status_code == 200
    body = platform_client.get("/readyz")
    assert body.status_code == 503
    checks = body.json()["checks"]
    assert checks["database"]["ok"] is True
    assert checks["redis"]["ok"] is False
    assert checks["celery"]["ok"] is False


OUTSIDE = "203.0.113.7"  # a documentation address: not this machine


def test_readyz_gives_others_only_a_bare_status(platform_client, client_a, settings):
    settings.READYZ_TOKEN = "giam-sat-" + "9" * 24
    for client in (platform_client, client_a):
        body = client.get("/readyz", REMOTE_ADDR=OUTSIDE)
        assert body.json() == {"ok": body.status_code == 200} and body.status_code in (200, 503)
        assert "checks" not in body.content.decode() and "latency" not in body.content.decode()
    # a proxy on this machine relaying someone else, a wrong token, a token of another scheme: bare
    relayed = platform_client.get("/readyz", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert set(relayed.json()) == {"ok"}
    for auth in ("Bearer sai", f"Basic {settings.READYZ_TOKEN}", "Bearer", settings.READYZ_TOKEN):
        assert set(platform_client.get("/readyz", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=auth).json()) == {"ok"}
    # the monitoring: its token from anywhere, or loopback
    body = platform_client.get("/readyz", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {settings.READYZ_TOKEN}")
    assert set(body.json()["checks"]) == {"database", "redis", "celery"}
    assert set(platform_client.get("/readyz", REMOTE_ADDR="::1").json()["checks"]) == {"database", "redis", "celery"}
    settings.READYZ_TOKEN = ""  # no token configured: nobody gets in with an empty one
    assert set(platform_client.get("/readyz", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").json()) == {"ok"}


def test_readyz_down_is_a_bare_503_for_others(platform_client, settings):
    dead = "redis://127.0.0.1:1/0"
    settings.CACHES = {name: {**cfg, "LOCATION": dead} for name, cfg in settings.CACHES.items()}
    body = platform_client.get("/readyz", REMOTE_ADDR=OUTSIDE)
    assert body.status_code == 503 and body.json() == {"ok": False}


def test_readyz_keeps_the_celery_ping_about_ten_seconds(platform_client, celery_queue, settings):
    import time

    from control.health.selectors import celery_check_forget

    celery_check_forget()
    try:
        start = time.perf_counter()
        first = platform_client.get("/readyz").json()["checks"]["celery"]
        first_s = time.perf_counter() - start
        assert first["ok"] is True and first["age_s"] == 0.0
        assert first_s >= 0.5  # the ping waits for the workers' replies
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            again = platform_client.get("/readyz", REMOTE_ADDR=OUTSIDE)
            timings.append(time.perf_counter() - start)
            assert again.json() == {"ok": True}
        assert sorted(timings)[len(timings) // 2] < first_s / 2, timings  # ~1 ms of SQL and Redis, no ping
        kept = platform_client.get("/readyz").json()["checks"]["celery"]
        assert kept["latency_ms"] == first["latency_ms"] and 0 < kept["age_s"] < 10
        settings.READYZ_CELERY_CACHE_S = 0.5  # once stale, the next probe pings again
        time.sleep(0.6)
        fresh = platform_client.get("/readyz").json()["checks"]["celery"]
        assert fresh["age_s"] == 0.0 and fresh["ok"] is True
    finally:
        celery_check_forget()
