"""Usage of a tenant for its invoice: storage and staff accounts, counted here, and whatever the tenant
apps count for themselves (dossiers this month...), through counters they register when they start
(``AppConfig.ready``), so leasing imports no tenant app."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from core.accounts.models import User

logger = logging.getLogger(__name__)


class UsageCounter(Protocol):
    """Counts one thing of the current tenant's schema in a period (run inside that schema)."""

    def __call__(self, *, period_start: date, period_end: date) -> int: ...


COUNTERS: dict[str, UsageCounter] = {}


def register_counter(name: str, counter: UsageCounter) -> None:
    """Add a line to every invoice's usage (``name``: its key, e.g. "dossiers")."""
    COUNTERS[name] = counter


def unregister_counter(name: str) -> None:
    COUNTERS.pop(name, None)


def _media_bytes(schema: str) -> int:
    root = Path(settings.MEDIA_ROOT) / schema
    total = 0
    if root.is_dir():
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                try:
                    total += (Path(dirpath) / name).stat().st_size
                except OSError:
                    pass
    return total


def _count(name: str, counter: UsageCounter, *, period_start: date, period_end: date) -> int:
    try:
        with transaction.atomic():
            return int(counter(period_start=period_start, period_end=period_end))
    except DatabaseError:  # its table not migrated in this schema yet: no count
        logger.warning("usage counter %s: no count in %s", name, connection.schema_name)
        return 0


def tenant_usage(tenant: Any, *, period_start: date, period_end: date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            [tenant.schema_name],
        )
        db_bytes = int(cursor.fetchone()[0])
    with schema_context(tenant.schema_name):
        staff = User.objects.filter(kind=User.Kind.STAFF, is_active=True).count()
        counted = {name: _count(name, counter, period_start=period_start, period_end=period_end)
                   for name, counter in sorted(COUNTERS.items())}
    storage = db_bytes + _media_bytes(tenant.schema_name)
    return {**counted, "staff_accounts": staff, "storage_bytes": storage, "storage_mb": round(storage / 1_048_576, 1)}
