"""What tenants may read of the national master catalogue: small typed functions
returning plain dataclasses. Tenant code imports this module only, never the
catalogue's models, selectors or records.

The record types a tenant handles (a procedure's canonical record, its fees and required
documents, a field-by-field change) are the catalogue's own plain dataclasses,
re-exported here so that there is one shape of a procedure on both sides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from control.catalogue.models import MasterField, MasterProcedure
from control.catalogue.records import Fee, FieldChange, ProcedureRecord, RequiredDocument, diff
from control.catalogue.selectors import current_records, procedure_version

__all__ = [
    "Fee", "FieldChange", "MasterRef", "MasterVersion", "ProcedureRecord", "RequiredDocument", "current_hashes",
    "current_ref", "current_versions", "diff", "field_name", "record_at", "review_flags",
]  # fmt: skip


@dataclass(frozen=True)
class MasterRef:
    """The current version of a master procedure: its number and content hash."""

    code: str
    version: int
    content_hash: str


@dataclass(frozen=True)
class MasterVersion:
    """The current version of a master procedure with its canonical record."""

    code: str
    version: int
    content_hash: str
    record: ProcedureRecord


def current_hashes(codes: Iterable[str]) -> dict[str, str]:
    """code -> content hash of the current master version, for the ``codes`` still in the catalogue."""
    rows = MasterProcedure.objects.filter(is_current=True, code__in=list(codes)).values_list("code", "content_hash")
    return dict(rows)


def current_ref(code: str) -> MasterRef | None:
    """The current master version of ``code`` (None when the catalogue no longer has it)."""
    row = MasterProcedure.objects.filter(code=code, is_current=True).values_list("version", "content_hash").first()
    return MasterRef(code, row[0], row[1]) if row else None


def current_versions(codes: Iterable[str]) -> dict[str, MasterVersion]:
    """code -> current master version with its record, for the ``codes`` still in the catalogue."""
    return {code: MasterVersion(code, v, h, rec) for code, (v, h, rec) in current_records(codes).items()}


def record_at(code: str, version: int | None = None) -> ProcedureRecord | None:
    """The record of ``code`` at master ``version`` (the current one when None)."""
    return procedure_version(code=code, version=version)


def field_name(code: str) -> str | None:
    """The master catalogue's name of the field (lĩnh vực) ``code``."""
    return MasterField.objects.filter(code=code).values_list("name", flat=True).first()


def review_flags(codes: Iterable[str]) -> dict[str, str]:
    """code -> reason, for the current master versions of ``codes`` flagged for review
    (loaded with something the source does not state, e.g. no executing agency)."""
    rows = MasterProcedure.objects.filter(is_current=True, needs_review=True, code__in=list(codes))
    return dict(rows.values_list("code", "review_reason"))
