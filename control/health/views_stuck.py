"""/console/health/ket/: work stuck across tenants (operators only, read-only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from control.health.stuck import stuck_items
from core.access import operator_required

DEFAULT_MINUTES = 30
MAX_MINUTES = 7 * 24 * 60


def _minutes(raw: str | None) -> int:
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        return DEFAULT_MINUTES
    return min(int(raw), MAX_MINUTES)


@never_cache
@operator_required
def stuck(request: HttpRequest) -> HttpResponse:
    minutes = _minutes(request.GET.get("sau"))
    groups = stuck_items(older_than_minutes=minutes)
    return render(request, "health/stuck.html", {"groups": groups, "minutes": minutes,
                                                 "total": sum(g.total for g in groups)})
