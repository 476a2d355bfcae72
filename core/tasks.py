"""The base of tasks that touch a tenant's data.

Tasks are declared with Celery's ``shared_task`` (bound to the project's tenant-aware app, which
``config.celery`` creates), so no domain module imports the wiring. A task enqueued inside a tenant
carries the schema in its headers and runs in that schema (tenant-schemas-celery). Tasks that touch
tenant data use ``base=TenantOnlyTask``: enqueued from the public schema (or without a schema) they
refuse to run rather than read the wrong data.
"""

from __future__ import annotations

from django.db import connection
from tenant_schemas_celery.task import TenantTask


class WrongSchemaError(RuntimeError):
    pass


class TenantOnlyTask(TenantTask):
    """A task that must run inside a tenant's schema, never in ``public``."""

    abstract = True

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        if connection.schema_name in (None, "public"):
            raise WrongSchemaError(
                f"Tác vụ {self.name} chỉ chạy trong schema của một đơn vị thuê, không chạy trong public."
            )
        return super().__call__(*args, **kwargs)


def celery_ping(timeout: float = 1.0) -> list:
    """Replies of the running workers to a ping (the readiness check)."""
    from celery import current_app

    return current_app.control.ping(timeout=timeout)
