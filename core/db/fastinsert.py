"""Rows inserted by one statement built once per shape: a row with its child rows (``insert_tree``), or
rows of unrelated tables (``insert_rows``).

For the hot paths where Django's insert compiler costs more CPU than the database does. A reception
inserts a dossier, its first audit row and its scans, and the ORM inserts took about 1.5 ms of Python
per reception on a 2-core machine, where the four receiving workers and PostgreSQL share the cores;
an IPN confirmation writes a payment event, a ledger entry and the raw exchange.

Each row travels as one JSON object (the children of one kind as one JSON array) read by
``jsonb_populate_record(set)``: a few parameters in all, where one per column (61 for a dossier and
its audit row) would make psycopg parse the statement anew on every call (it caches statements of up
to 50). The values are each field's ``pre_save`` (auto_now, ...) and ``get_prep_value``, as
``Model.save`` takes them; no signal is sent (the project connects none to these models).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import cache

from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import DatabaseDefault

Model = type[models.Model]


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to milliseconds, as JavaScript)."""

    def default(self, o: object) -> object:
        if isinstance(o, (dt.datetime, dt.time)):
            return o.isoformat()
        return super().default(o)


@cache
def _fields(model: Model, skip: str = "") -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and f.attname != skip)


def _row(obj: models.Model, fields: tuple[models.Field, ...]) -> dict:
    row = {}
    for field in fields:
        value = field.pre_save(obj, True)
        if isinstance(value, DatabaseDefault):
            raise TypeError(f"{type(obj).__name__}.{field.name}: a database default is not supported here")
        row[field.column] = field.get_prep_value(value)
    return row


def _insert_from_json(model: Model, *, many: bool = False, skip: str = "", lead: tuple[str, str] | None = None,
                      replace: tuple[str, str] | None = None, also_from: str = "") -> str:
    """``INSERT INTO <table> (<columns>) SELECT ... FROM jsonb_populate_record(NULL::<table>, %s::jsonb) r``.

    ``many``: the parameter is a JSON array (``jsonb_populate_recordset``); ``skip``: a field left out;
    ``lead``: (column, SQL value) written first; ``replace``: (column, SQL value) written instead of the
    JSON's; ``also_from``: more FROM items those SQL values read (written before ``r``)."""
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    table, fields = qn(model._meta.db_table), _fields(model, skip)
    columns = [qn(f.column) for f in fields]
    values = [replace[1] if replace and f.column == replace[0] else f"r.{qn(f.column)}" for f in fields]
    if lead:
        columns, values = [qn(lead[0]), *columns], [lead[1], *values]
    reader = "jsonb_populate_recordset" if many else "jsonb_populate_record"
    source = f"{also_from + ', ' if also_from else ''}{reader}(NULL::{table}, %s::jsonb) r"
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"


@cache
def _sql(parent: Model, children: tuple[tuple[Model, str], ...], computed: str, expression: str) -> str:
    qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
    pk = qn(parent._meta.pk.column)
    parts = []
    if computed:
        parts.append(f"v AS MATERIALIZED (SELECT {expression} AS value)")
        insert = _insert_from_json(parent, replace=(computed, "v.value"), also_from="v")
        parts.append(f"p AS ({insert} RETURNING {pk}, {qn(computed)})")
    else:
        parts.append(f"p AS ({_insert_from_json(parent)} RETURNING {pk})")
    for i, (model, fk) in enumerate(children):
        fk_field = model._meta.get_field(fk)
        insert = _insert_from_json(model, many=True, skip=fk_field.attname, lead=(fk_field.column, f"p.{pk}"),
                                   also_from="p")
        parts.append(f"c{i} AS ({insert})")
    return f"WITH {', '.join(parts)} SELECT * FROM p"


def insert_tree(
    parent: models.Model,
    children: Sequence[tuple[str, Sequence[models.Model]]] = (),
    *,
    computed: tuple[str, str, list] | None = None,
    commit: bool = False,
) -> object:
    """INSERT ``parent`` and its ``children`` — (foreign key name, rows of one model) pairs — in one statement.

    ``computed``: (column, SQL expression, its parameters), evaluated once by the database before the
    parent's row is written, and written into that column (the dossier's code, from its counter); its
    value is returned. ``commit``: this statement ends the caller's outermost transaction, and the COMMIT
    travels in the same message (Django's own commit afterwards finds no transaction open and sends
    nothing). The parent gets its primary key and is a saved object afterwards; the children are
    written but not read back.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if commit and len(connection.atomic_blocks) != 1:  # it would end a transaction that is not the caller's
        raise RuntimeError("insert_tree(commit=True) outside an outermost atomic block")
    column, expression, params = computed or ("", "", [])
    kinds = tuple((type(rows[0]), fk) for fk, rows in children if rows)
    sql = _sql(type(parent), kinds, column, expression) + ("; COMMIT" if commit else "")
    params = [*params, json.dumps(_row(parent, _fields(type(parent))), cls=_Encoder)]
    for fk, rows in children:
        if rows:
            fields = _fields(type(rows[0]), type(rows[0])._meta.get_field(fk).attname)
            params.append(json.dumps([_row(row, fields) for row in rows], cls=_Encoder))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = cursor.fetchone()
    parent.pk = result[0]
    parent._state.adding, parent._state.db = False, connection.alias
    if column:
        setattr(parent, column, result[1])
        return result[1]
    return None


@cache
def _rows_sql(kinds: tuple[Model, ...]) -> str:
    parts = [_insert_from_json(model) for model in kinds]
    if len(parts) == 1:
        return parts[0]
    return "WITH " + ", ".join(f"i{i} AS ({part})" for i, part in enumerate(parts[:-1])) + " " + parts[-1]


def insert_rows(*objs: models.Model) -> None:
    """INSERT rows (each may point at rows already written) in one statement; they are not read back."""
    sql = _rows_sql(tuple(type(obj) for obj in objs))
    params = [json.dumps(_row(obj, _fields(type(obj))), cls=_Encoder) for obj in objs]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
