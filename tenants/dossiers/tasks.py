"""Celery tasks of dossiers (tenant-aware, idempotent)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TenantOnlyTask
from tenants.dossiers.watch import deadline_watch_run
from tenants.notifications.delivery import outbox_flush


@shared_task(base=TenantOnlyTask)
def deadline_watch() -> dict[str, int]:
    """Beat task, once per tenant: deadline alerts, then any outbox message still pending."""
    counts = deadline_watch_run()
    counts["outbox_flushed"] = outbox_flush()
    return counts
