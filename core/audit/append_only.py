"""Rows written once, never changed: audit trails and ledgers (dossier events, configuration changes,
payment events, gateway exchanges, ledger entries). The database refuses UPDATE and DELETE too, by
trigger, where a table needs it; this base makes the ORM refuse them with a clear message first."""

from __future__ import annotations

from django.db import models
from django.utils.text import capfirst


class AppendOnlyError(RuntimeError):
    pass


class AppendOnly(models.Model):
    """Rows are written once: no update, no delete."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError(f"{capfirst(self._meta.verbose_name)} chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise AppendOnlyError(f"{capfirst(self._meta.verbose_name)} chỉ được ghi thêm, không được xóa.")
