"""Beat tasks of the leasing fees (public schema): the invoice run and dunning. Both idempotent."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django_tenants.utils import schema_context

from billing.leasing import services


@shared_task(name="billing.leasing.tasks.invoice_run")
def invoice_run(on: str | None = None) -> dict[str, int]:
    with schema_context("public"):
        return services.invoice_run(on=date.fromisoformat(on) if on else None)


@shared_task(name="billing.leasing.tasks.dunning_run")
def dunning_run(today: str | None = None) -> dict[str, int]:
    with schema_context("public"):
        return services.dunning_run(today=date.fromisoformat(today) if today else None)
