"""The operator's page of backups (platform domain): each tenant's archives and the age of the newest."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from control.backups import selectors
from core.access import operator_required


@never_cache
@operator_required
def backup_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.backups_by_tenant()
    return render(request, "backups/list.html", {
        "rows": rows, "keep": settings.BACKUP_KEEP, "every_hours": settings.BACKUP_EVERY_HOURS,
        "stale": sum(1 for r in rows if r.stale),
    })
