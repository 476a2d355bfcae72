from __future__ import annotations

from django.db import connection

from config.celery import TenantOnlyTask, app


@app.task(name="health.ping")
def ping() -> str:
    return "pong"


@app.task(name="health.current_schema", base=TenantOnlyTask)
def current_schema(marker: str) -> dict:
    """Report the schema the worker ran in, and what the tenant's own tables say."""
    from control.accounts.models import User

    return {
        "marker": marker,
        "schema": connection.schema_name,
        "usernames": sorted(User.objects.values_list("username", flat=True)),
    }
