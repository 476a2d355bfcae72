"""Fast clone of the template schema: a DDL plan read once from the catalogs, replayed per tenant.

django-tenants' ``clone_schema()`` (a PL/pgSQL function) walks the catalogs for every
clone and takes ~2 s for our ~20 tables. Here the template is read once per template
version (its ``django_migrations`` rows) into a list of statements with the same names
(tables, constraints, indexes, identity sequences); replaying it inside one transaction
takes a few tens of milliseconds. The rows of the template (``django_migrations``,
content types, permissions) are copied too, so no faked migrate is needed afterwards.

Objects this plan does not know how to copy (views, functions, types, serial columns
with their own sequences...) make it fall back to django-tenants' ``CloneSchema``.

Where the time goes: every btree index build (primary keys, uniques, indexes, and the
index of each TOAST table) ends with an ``fsync`` of the new index file (PostgreSQL
cannot let a checkpoint miss it), ~160 of them for our schema. In one connection they
queue one after the other; ``clone_template_parallel()`` spreads the tables over a few
connections so the fsyncs overlap, then adds the foreign keys in the caller's transaction.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

_lock = threading.Lock()
_plans: dict[tuple, Plan | None] = {}
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


@dataclass(frozen=True)
class TablePlan:
    """One table: its creation, own constraints and indexes, rows and identity sequences."""

    name: str
    statements: tuple[str, ...]
    cost: int  # index builds (each ends with an fsync), to balance the parallel groups


@dataclass(frozen=True)
class Plan:
    tables: tuple[TablePlan, ...]
    foreign_keys: tuple[tuple[str, str, str], ...]  # (table, constraint name, statement)
    triggers: tuple[str, ...]

    def serial(self) -> list[str]:
        return [s for t in self.tables for s in t.statements] + [f[2] for f in self.foreign_keys] + [
            *self.triggers]


def _build_plan(cursor, template: str) -> Plan:  # noqa: ANN001
    """Statements (unqualified names) to run with search_path = the new schema."""
    cursor.execute(f"SET LOCAL search_path TO {_q(template)}")
    cursor.execute(
        """SELECT c.relname, c.reltoastrelid <> 0 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname""",
        [template],
    )
    tables = cursor.fetchall()
    per_table: dict[str, list[str]] = {name: [
        f"CREATE TABLE {_q(name)} (LIKE {_q(template)}.{_q(name)} INCLUDING DEFAULTS INCLUDING IDENTITY "
        "INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS INCLUDING COMPRESSION)"
    ] for name, _ in tables}
    cost = {name: 1 + int(toast) for name, toast in tables}
    # Constraints with their names: primary keys, uniques, checks, exclusions; FKs after every table.
    cursor.execute(
        """SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND k.contype IN ('p', 'u', 'c', 'x', 'f')
           ORDER BY (k.contype = 'f'), c.relname, k.conname""",
        [template],
    )
    foreign_keys: list[tuple[str, str, str]] = []
    for table, con, definition, kind in cursor.fetchall():
        statement = f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(con)} {definition}"
        if kind == "f":
            foreign_keys.append((table, con, statement))
        else:
            per_table[table].append(statement)
            cost[table] += kind in ("p", "u", "x")
    # Indexes that do not back a constraint, with their names.
    cursor.execute(
        """SELECT c.relname, pg_get_indexdef(i.indexrelid)
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
           ORDER BY 2""",
        [template],
    )
    for table, definition in cursor.fetchall():
        per_table[table].append(_unqualify(definition, template))
        cost[table] += 1
    cursor.execute(
        """SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal""",
        [template],
    )
    triggers = [_unqualify(row[0], template) for row in cursor.fetchall()]
    # Rows of the template (migrations, content types, permissions), then identity sequences.
    for name, _ in tables:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(template)}.{_q(name)})")
        if cursor.fetchone()[0]:
            per_table[name].append(
                f"INSERT INTO {_q(name)} OVERRIDING SYSTEM VALUE SELECT * FROM {_q(template)}.{_q(name)}")
    cursor.execute(
        """SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = %s AND c.relkind = 'r' AND a.attidentity <> '' AND NOT a.attisdropped""",
        [template],
    )
    for table, column in cursor.fetchall():
        per_table[table].append(
            f"SELECT setval(pg_get_serial_sequence('{PLACEHOLDER}.{_q(table)}', '{column}'), "
            f"coalesce((SELECT max({_q(column)}) FROM {_q(table)}), 0) + 1, false)"
        )
    cursor.execute("SET LOCAL search_path TO public")
    return Plan(
        tables=tuple(TablePlan(name, tuple(per_table[name]), cost[name]) for name, _ in tables),
        foreign_keys=tuple(foreign_keys),
        triggers=tuple(triggers),
    )


def _plan_for(cursor, template: str) -> Plan | None:  # noqa: ANN001
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
        body = ";\n".join(s.replace(PLACEHOLDER, new_schema) for s in plan.serial())
        cursor.execute(body)
        cursor.execute("SET LOCAL search_path TO public")
    connection.set_schema_to_public()
    return "plan"


# ------------------------------------------------------------------ parallel clone
WORKERS = 4
SIDE_LOCK_TIMEOUT = "30s"


def _groups(tables: tuple[TablePlan, ...], n: int) -> list[list[TablePlan]]:
    """Split the tables into ``n`` groups of about the same number of index builds."""
    groups: list[list[TablePlan]] = [[] for _ in range(n)]
    load = [0] * n
    for table in sorted(tables, key=lambda t: -t.cost):
        i = load.index(min(load))
        groups[i].append(table)
        load[i] += table.cost
    return [g for g in groups if g]


def _side_connection():  # noqa: ANN202
    """A new psycopg connection to our database (the clone's helpers; closed after use)."""
    import psycopg

    params = dict(connection.get_connection_params())
    for key in ("cursor_factory", "server_side_binding", "prepare_threshold", "pool"):
        params.pop(key, None)
    conn = psycopg.connect(**params, autocommit=True)
    # Same durability as the provisioning job: a crash may lose the latest commits, never a
    # middle one, so the step's own (later) commit never survives without these.
    conn.execute(f"SET synchronous_commit TO off; SET lock_timeout TO '{SIDE_LOCK_TIMEOUT}'")
    return conn


def parallel_possible() -> bool:
    """Other connections' commits are safe only when the caller's transaction is the outermost
    one and has written nothing the helpers would wait for (a provisioning step)."""
    return len(connection.atomic_blocks) == 1


def clone_template_parallel(new_schema: str, *, template: str | None = None, workers: int = WORKERS,
                            defer_foreign_keys_of: frozenset[str] = frozenset()) -> str:
    """Create ``new_schema`` as a copy of the template, spreading the tables over ``workers``
    connections that commit their part; the foreign keys and triggers are added last in the
    caller's transaction. Replaces a leftover ``new_schema`` (the caller checks it is no tenant's).

    The foreign keys *of* the tables in ``defer_foreign_keys_of`` are left out: the caller
    fills those tables first and then calls ``foreign_keys_complete()``, which checks each
    constraint with one join instead of one deferred trigger query per inserted row.

    Not atomic as a whole: a failure may leave a partial schema behind, which no tenant row
    points to and the next run replaces. Falls back to ``clone_template()`` (atomic, one
    connection) inside an enclosing transaction or when the plan cannot copy the template.
    Returns the method used."""
    from concurrent.futures import ThreadPoolExecutor

    template = template or settings.TENANT_BASE_SCHEMA
    if not connection.in_atomic_block:
        raise RuntimeError("clone_template_parallel must run inside transaction.atomic()")
    with connection.cursor() as cursor:
        plan = _plan_for(cursor, template)
    if plan is None or workers < 2 or not parallel_possible():
        if schema_exists(new_schema):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {_q(new_schema)} CASCADE")
        return clone_template(new_schema, template=template)
    groups = _groups(plan.tables, workers)
    schema = _q(new_schema)

    def run(index: int, conn) -> None:  # noqa: ANN001
        with conn.transaction():
            if index == 0:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
            else:
                conn.execute(f"SET search_path TO {schema}, public")
                body = ";\n".join(s.replace(PLACEHOLDER, new_schema) for t in groups[index - 1]
                                  for s in t.statements)
                conn.execute(body)

    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        opening = [pool.submit(_side_connection) for _ in groups]
        conns = [f.result() for f in opening if f.exception() is None]
        if len(conns) < len(groups):
            for conn in conns:
                conn.close()
            raise next(f.exception() for f in opening if f.exception() is not None)
        try:
            run(0, conns[0])  # the schema first, committed, so the others can fill it
            list(pool.map(run, range(1, len(groups) + 1), conns))
        except Exception:
            try:
                with conns[0].transaction():
                    conns[0].execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            except Exception:  # noqa: S110 - the next run replaces the leftover anyway
                pass
            raise
        finally:
            for conn in conns:
                conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path TO {schema}, public")
        statements = [f[2] for f in plan.foreign_keys if f[0] not in defer_foreign_keys_of] + [*plan.triggers]
        if statements:
            cursor.execute(";\n".join(statements))
        cursor.execute("SET LOCAL search_path TO public")
    connection.set_schema_to_public()
    return "parallel"


def foreign_keys_complete(schema: str, *, template: str | None = None) -> int:
    """Add the template's foreign keys that ``schema`` lacks (those a parallel clone deferred);
    returns how many. A schema made by migrations has them all: one catalog query."""
    template = template or settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        plan = _plan_for(cursor, template)
        if plan is None:
            return 0
        cursor.execute("SELECT conname FROM pg_constraint WHERE connamespace = %s::regnamespace AND contype = 'f'",
                       [_q(schema)])
        present = {row[0] for row in cursor.fetchall()}
        missing = [f[2] for f in plan.foreign_keys if f[1] not in present]
        if missing:
            cursor.execute(f"SET LOCAL search_path TO {_q(schema)}, public")
            cursor.execute(";\n".join(missing))
            cursor.execute("SET LOCAL search_path TO public")
    if missing:
        connection.set_schema_to_public()
    return len(missing)
