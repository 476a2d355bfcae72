"""Fast clone of the template schema: a DDL plan read once from the catalogs, replayed per tenant.

django-tenants' ``clone_schema()`` (a PL/pgSQL function) walks the catalogs for every
clone and takes ~2 s for our ~20 tables. Here the template is read once per template
version (its ``django_migrations`` rows) into a list of statements with the same names
(tables, constraints, indexes, identity sequences); replaying it inside one transaction
takes a few tens of milliseconds. The rows of the template (``django_migrations``,
content types, permissions) are copied too, so no faked migrate is needed afterwards.

Objects this plan does not know how to copy (views, functions, types, serial columns
with their own sequences...) make it fall back to django-tenants' ``CloneSchema``.
"""

from __future__ import annotations

import re
import threading

from django.conf import settings
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

_lock = threading.Lock()
_plans: dict[tuple, list[str] | None] = {}
PLACEHOLDER = "__clone_target__"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unqualify(definition: str, template: str) -> str:
    """pg_get_indexdef/triggerdef always qualify the table: point them at the new schema."""
    for prefix in (f"{_q(template)}.", f"{template}."):
        definition = re.sub(r" ON (ONLY )?" + re.escape(prefix), r" ON \1", definition)
    return definition


def _template_version(cursor, template: str) -> tuple:  # noqa: ANN001
    cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {_q(template)}.django_migrations")
    count, top = cursor.fetchone()
    cursor.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
        [template],
    )
    return (template, count, top, cursor.fetchone()[0])


def _unsupported(cursor, template: str) -> bool:  # noqa: ANN001
    """True when the template has objects the plan does not copy."""
    cursor.execute(
        """
        SELECT
          (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND c.relkind NOT IN ('r', 'i', 'S'))
        + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %(s)s)
        + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname = %(s)s AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0)
        + (SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%')
        + (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %(s)s AND c.relkind = 'S'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'))
        """,
        {"s": template},
    )
    return cursor.fetchone()[0] > 0


def _build_plan(cursor, template: str) -> list[str]:  # noqa: ANN001
    """Statements (unqualified names) to run with search_path = the new schema."""
    cursor.execute(f"SET LOCAL search_path TO {_q(template)}")
    cursor.execute(
        """SELECT c.relname, c.oid, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""",
        [template],
    )
    tables = cursor.fetchall()
    plan: list[str] = []
    for name, _oid, _ in tables:
        plan.append(
            f"CREATE TABLE {_q(name)} (LIKE {_q(template)}.{_q(name)} INCLUDING DEFAULTS INCLUDING IDENTITY "
            "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION)"
        )
    # Constraints with their names: primary keys, uniques, checks, exclusions first, FKs last.
    cursor.execute(
        """SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND k.contype IN ('p', 'u', 'c', 'x', 'f')
           ORDER BY (k.contype = 'f'), c.relname, k.conname""",
        [template],
    )
    for table, con, definition, _kind in cursor.fetchall():
        plan.append(f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(con)} {definition}")
    # Indexes that do not back a constraint, with their names.
    cursor.execute(
        """SELECT pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
           ORDER BY 1""",
        [template],
    )
    plan.extend(_unqualify(row[0], template) for row in cursor.fetchall())
    cursor.execute(
        """SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal""",
        [template],
    )
    plan.extend(_unqualify(row[0], template) for row in cursor.fetchall())
    # Rows of the template (migrations, content types, permissions), then identity sequences.
    for name, _oid, _ in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(template)}.{_q(name)})")
        if cursor.fetchone()[0]:
            plan.append(f"INSERT INTO {_q(name)} OVERRIDING SYSTEM VALUE SELECT * FROM {_q(template)}.{_q(name)}")
    cursor.execute(
        """SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped""",
        [template],
    )
    for table, column in cursor.fetchall():
        plan.append(
            f"SELECT setval(pg_get_serial_sequence('{PLACEHOLDER}.{_q(table)}', '{column}'), "
            f"coalesce((SELECT max({_q(column)}) FROM {_q(table)}), 0) + 1, false)"
        )
    cursor.execute("SET LOCAL search_path TO public")
    return plan


def _plan_for(cursor, template: str) -> list[str] | None:  # noqa: ANN001
    key = _template_version(cursor, template)
    with _lock:
        if key in _plans:
            return _plans[key]
    plan = None if _unsupported(cursor, template) else _build_plan(cursor, template)
    with _lock:
        _plans.clear()
        _plans[key] = plan
    return plan


def clone_template(new_schema: str, *, template: str | None = None) -> str:
    """Create ``new_schema`` as a copy of the template (structure and rows). Must run inside
    a transaction (the caller's ``atomic``): a failure leaves nothing behind. Returns the method."""
    template = template or settings.TENANT_BASE_SCHEMA
    if not connection.in_atomic_block:
        raise RuntimeError("clone_template must run inside transaction.atomic()")
    if schema_exists(new_schema):
        raise ValueError(f"schema {new_schema} already exists")
    with connection.cursor() as cursor:
        plan = _plan_for(cursor, template)
        if plan is None:
            CloneSchema().clone_schema(template, new_schema, set_connection=False)
            return "django-tenants"
        cursor.execute(f"CREATE SCHEMA {_q(new_schema)}")
        cursor.execute(f"SET LOCAL search_path TO {_q(new_schema)}, public")
        body = ";\n".join(s.replace(PLACEHOLDER, new_schema) for s in plan)
        cursor.execute(body)
        cursor.execute("SET LOCAL search_path TO public")
    connection.set_schema_to_public()
    return "plan"
