"""The Celery app: tenant-aware (tenant-schemas-celery).

A task enqueued inside a tenant carries the schema in its headers and runs in that
schema. Tasks that touch tenant data derive from ``TenantOnlyTask``: enqueued from the
public schema (or without a schema) they refuse to run rather than read the wrong data.
"""

from __future__ import annotations

import os

from django.db import connection
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
