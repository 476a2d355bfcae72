"""Celery tasks of dossiers (tenant-aware, idempotent)."""

from __future__ import annotations

from config.celery import TenantOnlyTask, app
from tenants.dossiers.watch import deadline_watch_run
from tenants.notifications.services import outbox_flush


@app.task(base=TenantOnlyTask)
def deadline_watch() -> dict[str, int]:
    """Beat task, once per tenant: deadline alerts, then any outbox message still pending."""
    counts = deadline_watch_run()
    counts["outbox_flushed"] = outbox_flush()
    return counts
