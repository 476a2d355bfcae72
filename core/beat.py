"""Celery beat scheduler: per-tenant entries (tenant-schemas-celery) plus control-plane ones.

An entry without ``tenant_schemas`` runs once in every open tenant's schema. An entry with
``"tenant_schemas": ["public"]`` runs once in the public schema (the control plane has no
Tenant row, so the stock scheduler would silently never send it).
"""

from __future__ import annotations

from celery.beat import ScheduleEntry
from django.db import models
from django_tenants.utils import get_public_schema_name, get_tenant_model, schema_context
from tenant_schemas_celery.scheduler import TenantAwareScheduler


class Scheduler(TenantAwareScheduler):
    @classmethod
    def get_queryset(cls) -> models.QuerySet:
        return get_tenant_model().objects.exclude(status="offboarded")

    def apply_entry(self, entry: ScheduleEntry, producer=None) -> None:  # noqa: ANN001
        headers = entry.options.setdefault("headers", {})
        if not headers.get("_all_tenants_only") and headers.get("_schema_name") == get_public_schema_name():
            with schema_context(get_public_schema_name()):
                self.apply_async(entry, producer=producer, advance=False)
            return
        super().apply_entry(entry, producer=producer)
