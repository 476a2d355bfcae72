from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from control.health.selectors import readiness


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    result = readiness()
    return JsonResponse(
        {"status": "ok" if result["ok"] else "degraded", "checks": result["checks"]},
        status=200 if result["ok"] else 503,
        json_dumps_params={"ensure_ascii": False},
    )
