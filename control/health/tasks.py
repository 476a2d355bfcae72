from __future__ import annotations

from celery import shared_task
from django.db import connection

from core.tasks import TenantOnlyTask


@shared_task(name="health.ping")
def ping() -> str:
    return "pong"


@shared_task(name="health.current_schema", base=TenantOnlyTask)
def current_schema(marker: str) -> dict:
    """Report the schema the worker ran in, and what the tenant's own tables say."""
    from core.accounts.models import User

    return {
        "marker": marker,
        "schema": connection.schema_name,
        "usernames": sorted(User.objects.values_list("username", flat=True)),
    }
