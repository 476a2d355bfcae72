"""One state machine per billing entity (Payment, PaymentRequest, Refund, Invoice).

Each entity has a ``Status`` (TextChoices), a table of the transitions it allows and one
:meth:`Machine.transition`, which refuses anything not in the table and otherwise moves the row with a
conditional UPDATE (``WHERE status = <the status it was read with>``) that writes the audit row in the
same statement::

    WITH moved AS (UPDATE <table> SET status = %s, ... WHERE id = %s AND status = %s RETURNING id)
    INSERT INTO <audit table> (<fk>, from_status, to_status, ...) SELECT moved.id, %s, ... FROM moved

so a row moved meanwhile by someone else is refused (nothing written), and a change of state never
goes without its audit row. One statement, not two: the IPN's hot path makes two transitions.

An audit model has the fields ``<fk>``, ``from_status``, ``to_status``, ``source``, ``actor``, ``note``
(and ``at``, auto_now_add).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class TransitionRefused(RuntimeError):
    """A transition the table does not allow, or a row that changed state meanwhile."""


def _cast(f: models.Field) -> str:
    """The type a parameter is cast to in the SELECT list (varchar unbounded: too long still fails)."""
    db_type = f.db_type(connection) or "text"
    return "varchar" if db_type.startswith("varchar") else db_type


@dataclass(frozen=True)
class Machine:
    model: type[models.Model]
    table: Mapping[str, frozenset[str]]
    audit: type[models.Model]
    fk: str  # the audit model's foreign key to ``model``
    noun: str  # Vietnamese, for messages: "giao dịch", "hoá đơn"...
    _sql: dict[tuple[str, ...], tuple[str, list[models.Field], list[models.Field]]] = field(
        default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        statuses = {value for value, _label in self.model._meta.get_field("status").choices}
        if set(self.table) != statuses or not all(to <= statuses for to in self.table.values()):
            raise ValueError(f"{self.model.__name__}: the transition table must name every status, and only them")

    def allows(self, before: str, to: str) -> bool:
        return to in self.table.get(before, frozenset())

    def pairs(self) -> list[tuple[str, str]]:
        """Every (from, to) the table allows."""
        return [(before, to) for before, targets in self.table.items() for to in sorted(targets)]

    def transition(self, obj: M, to: str, *, source: str, actor: str = "", note: str = "",
                   fields: dict[str, Any] | None = None) -> M:
        """Move ``obj`` (read with its current status) to ``to`` and write the audit row, or refuse."""
        before = obj.status
        if not self.allows(before, to):
            raise TransitionRefused(f"Không thể chuyển {self.noun} {self._label(obj)} từ trạng thái "
                                    f"«{before}» sang «{to}».")
        updates: dict[str, Any] = {"status": to, **(fields or {})}
        for f in self.model._meta.concrete_fields:
            if getattr(f, "auto_now", False) and f.attname not in updates:
                updates[f.attname] = timezone.now()
        sql, set_fields, audit_fields = self._statement(tuple(updates))
        row = self.audit(**{f"{self.fk}_id": obj.pk, "from_status": before, "to_status": to, "source": source,
                            "actor": actor[:150], "note": note})
        params = [f.get_db_prep_save(updates[f.attname], connection) for f in set_fields]
        params += [obj.pk, before]
        params += [f.get_db_prep_save(f.pre_save(row, True), connection) for f in audit_fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            moved = cursor.rowcount
        if moved != 1:
            raise TransitionRefused(f"{self.noun.capitalize()} {self._label(obj)} đã đổi trạng thái; "
                                    "xin tải lại và thử lại.")
        for name, value in updates.items():
            setattr(obj, name, value)
        return obj

    def _label(self, obj: models.Model) -> str:
        return str(getattr(obj, "txn_ref", "") or getattr(obj, "number", "") or f"#{obj.pk}")

    def _statement(self, names: tuple[str, ...]) -> tuple[str, list[models.Field], list[models.Field]]:
        hit = self._sql.get(names)
        if hit is not None:
            return hit
        qn = connection.ops.quote_name
        meta, audit_meta = self.model._meta, self.audit._meta
        set_fields = [meta.get_field(name) for name in names]
        fk = audit_meta.get_field(self.fk)
        audit_fields = [f for f in audit_meta.concrete_fields if not f.primary_key and f is not fk]
        pk, status = qn(meta.pk.column), qn(meta.get_field("status").column)
        sets = ", ".join(f"{qn(f.column)} = %s" for f in set_fields)
        columns = ", ".join([qn(fk.column), *(qn(f.column) for f in audit_fields)])
        values = ", ".join([f"moved.{pk}", *(f"%s::{_cast(f)}" for f in audit_fields)])
        sql = (f"WITH moved AS (UPDATE {qn(meta.db_table)} SET {sets} WHERE {pk} = %s AND {status} = %s"
               f" RETURNING {pk}) INSERT INTO {qn(audit_meta.db_table)} ({columns}) SELECT {values} FROM moved")
        self._sql[names] = (sql, set_fields, audit_fields)
        return self._sql[names]
