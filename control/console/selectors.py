"""Reads of the operator console: tenants with counts and standing holds (one query each for a page)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Prefetch

from control.tenancy.lifecycle import OPERATOR_HOLDS
from control.tenancy.models import Hold, Tenant


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tenant_counts(schemas: list[str]) -> dict[str, dict[str, int]]:
    """units, staff, enabled/total procedures of each schema, in one UNION ALL query."""
    if not schemas:
        return {}
    parts = [
        f"""SELECT %s, (SELECT count(*) FROM {_q(s)}.organization_unit),
                   (SELECT count(*) FROM {_q(s)}.accounts_user WHERE kind = 'staff'),
                   (SELECT count(*) FROM {_q(s)}.procedures_procedure WHERE enabled),
                   (SELECT count(*) FROM {_q(s)}.procedures_procedure)"""
        for s in schemas
    ]
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), schemas)
        return {row[0]: {"units": row[1], "staff": row[2], "enabled": row[3], "procedures": row[4]}
                for row in cursor.fetchall()}


def tenants_page(*, offset: int = 0, limit: int = 50) -> list[dict]:
    """A page of tenants: the tenant, its counts, its standing holds and which of them the console may lift."""
    standing = Prefetch("holds", queryset=Hold.objects.filter(lifted_at__isnull=True), to_attr="standing_holds")
    tenants = list(Tenant.objects.exclude(schema_name="public").prefetch_related("domains", standing)
                   .order_by("name")[offset:offset + limit])
    counts = tenant_counts([t.schema_name for t in tenants])
    out = []
    for t in tenants:
        held = {h.kind for h in t.standing_holds}
        out.append({
            "tenant": t, "counts": counts.get(t.schema_name, {}), "holds": t.standing_holds,
            "liftable": [h for h in t.standing_holds if h.kind in OPERATOR_HOLDS],
            "placeable": [] if t.status == Tenant.Status.OFFBOARDED else
            [(k, Hold.Kind(k).label) for k in (Hold.Kind.OPERATOR, Hold.Kind.SECURITY) if k not in held],
        })
    return out
