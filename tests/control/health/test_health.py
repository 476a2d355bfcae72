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
