"""Usage of a tenant for its invoice: dossiers this month, storage, staff accounts (counted cheaply)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context


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


def tenant_usage(tenant, *, period_start: date, period_end: date) -> dict:  # noqa: ANN001
    from core.accounts.models import User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            [tenant.schema_name],
        )
        db_bytes = int(cursor.fetchone()[0])
    with schema_context(tenant.schema_name):
        staff = User.objects.filter(kind=User.Kind.STAFF, is_active=True).count()
        dossiers = 0
        try:
            from tenants.dossiers.models import Dossier
        except ImportError:  # the dossiers app not there (yet): no count
            Dossier = None  # noqa: N806
        if Dossier is not None:
            try:
                with transaction.atomic():
                    dossiers = Dossier.objects.filter(created_at__date__gte=period_start,
                                                      created_at__date__lte=period_end).count()
            except DatabaseError:  # its table not migrated here yet
                dossiers = 0
    return {"dossiers": dossiers, "staff_accounts": staff, "storage_bytes": db_bytes + _media_bytes(tenant.schema_name),
            "storage_mb": round((db_bytes + _media_bytes(tenant.schema_name)) / 1_048_576, 1)}
