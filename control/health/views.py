"""Liveness and readiness. ``/readyz`` gives its checks (latencies, details) only to the platform's
monitoring: a request carrying ``Authorization: Bearer <READYZ_TOKEN>``, or one made from this machine
(loopback, not relayed by a proxy). Anyone else gets ``{"ok": true|false}`` and the same status code."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from control.health.selectors import readiness

RELAYED = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def is_monitoring(request: HttpRequest) -> bool:
    token = getattr(settings, "READYZ_TOKEN", "") or ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    if any(header in request.META for header in RELAYED):
        return False  # through a proxy on this machine: the real caller is elsewhere
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    result = readiness()
    status = 200 if result["ok"] else 503
    if not is_monitoring(request):
        return JsonResponse({"ok": result["ok"]}, status=status)
    return JsonResponse(
        {"ok": result["ok"], "status": "ok" if result["ok"] else "degraded", "checks": result["checks"]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
