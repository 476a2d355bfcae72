"""Reads of the master catalogue: records back from rows, current versions, counts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q

from control.catalogue.models import MasterDocument, MasterFee, MasterField, MasterProcedure
from control.catalogue.records import Fee, ProcedureRecord, RequiredDocument, level_sort_key


def record_of(row: MasterProcedure) -> ProcedureRecord:
    """The canonical record of a stored version (fees/documents should be prefetched)."""
    return ProcedureRecord(
        code=row.code,
        name=row.name,
        field_code=row.field.code,
        levels=set(row.levels),
        agency_kind=row.agency_kind,
        agency_name=row.agency_name,
        processing_amount=row.processing_amount,
        processing_unit=row.processing_unit,
        fees=[Fee(name=f.name, kind=f.kind, amount_vnd=f.amount_vnd, legal_text=f.legal_text) for f in row.fees.all()],
        documents=[
            RequiredDocument(
                name=d.name,
                originals=d.originals,
                copies=d.copies,
                form_template_code=d.form_template_code or None,
                form_template_name=d.form_template_name or None,
                optional=d.optional,
                group=d.group,
            )
            for d in row.documents.all()
        ],
        results=list(row.results),
        legal_basis=list(row.legal_basis),
        online_level=row.online_level,
        applicant_kinds=set(row.applicant_kinds),
        version=row.version,
        effective_from=row.effective_from,
        sample=row.sample,
        needs_review=row.needs_review,
        review_reason=row.review_reason,
    )


def _with_children(qs):  # noqa: ANN001, ANN202
    return qs.select_related("field").prefetch_related(
        Prefetch("fees", queryset=MasterFee.objects.order_by("position")),
        Prefetch("documents", queryset=MasterDocument.objects.order_by("position")),
    )


def current_procedures(*, levels: Iterable[str] | None = None):  # noqa: ANN201
    qs = MasterProcedure.objects.filter(is_current=True)
    if levels is not None:
        qs = qs.filter(levels__overlap=sorted(set(levels), key=level_sort_key))
    return qs.order_by("code")


def procedure_version(*, code: str, version: int | None = None) -> ProcedureRecord | None:
    """The record of ``code`` at ``version`` (the current one when None)."""
    qs = MasterProcedure.objects.filter(code=code)
    qs = qs.filter(version=version) if version is not None else qs.filter(is_current=True)
    row = _with_children(qs).first()
    return record_of(row) if row else None


def current_records(codes: Iterable[str]) -> dict[str, tuple[int, str, ProcedureRecord]]:
    """code -> (version, content_hash, record) of the current versions of ``codes``."""
    rows = _with_children(MasterProcedure.objects.filter(is_current=True, code__in=list(codes)))
    return {r.code: (r.version, r.content_hash, record_of(r)) for r in rows}


def catalogue_stats() -> dict[str, int]:
    agg = MasterProcedure.objects.aggregate(
        current=Count("id", filter=Q(is_current=True)),
        versions=Count("id"),
        sample=Count("id", filter=Q(is_current=True, sample=True)),
        needs_review=Count("id", filter=Q(is_current=True, needs_review=True)),
    )
    return {**agg, "fields": MasterField.objects.count()}
