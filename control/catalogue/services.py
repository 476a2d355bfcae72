"""Writes on the master catalogue: load the shipped data, import files, new versions.

All-or-nothing: a file with any rejected row writes nothing, and the caller gets the
importer's row-by-row report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from control.catalogue.importer import import_file
from control.catalogue.models import CatalogueImport, MasterDocument, MasterFee, MasterField, MasterProcedure
from control.catalogue.national import NATIONAL_FILE_NAME, default_national_path, load_national_jsonl
from control.catalogue.records import (
    Field,
    ImportReport,
    ProcedureRecord,
    RequiredDocument,
    RowError,
    content_hash,
    level_sort_key,
    load_starter_catalogue,
    validate_record,
)


class CatalogueRejected(ValidationError):
    """A catalogue file (or set of records) that cannot be loaded; nothing was written."""

    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message, code="catalogue_rejected")
        self.report = report


@dataclass
class UpsertResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.created)} thủ tục mới, {len(self.updated)} phiên bản mới, {len(self.unchanged)} không đổi"


def normalized(record: ProcedureRecord) -> ProcedureRecord:
    """The record as the database gives it back (empty form template -> None, 2 decimals)."""
    docs = [
        dataclasses.replace(
            d, form_template_code=d.form_template_code or None, form_template_name=d.form_template_name or None
        )
        for d in record.documents
    ]
    return dataclasses.replace(record, documents=docs, processing_amount=record.processing_amount.quantize(_CENT))


_CENT = Decimal("0.01")


def _validate(fields: list[Field], records: list[ProcedureRecord]) -> None:
    errors: list[RowError] = []
    known = {f.code for f in fields} | set(MasterField.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for i, rec in enumerate(records, 1):
        if rec.code in seen:
            errors.append(
                RowError(
                    i,
                    rec.code,
                    "code",
                    f"Mã thủ tục '{rec.code}' bị trùng",
                    f"Duplicate code {rec.code}",
                    "duplicate_code",
                )
            )
        seen.add(rec.code)
        if rec.field_code not in known:
            errors.append(
                RowError(
                    i,
                    rec.code,
                    "field_code",
                    f"Lĩnh vực '{rec.field_code}' không có trong danh mục",
                    f"Unknown field {rec.field_code}",
                    "unknown_field",
                )
            )
        errors.extend(
            RowError(i, rec.code, iss.field, iss.message_vi, iss.message_en, iss.reason) for iss in validate_record(rec)
        )
    if errors:
        report = ImportReport(accepted=[], rejected=errors, encoding="", total_rows=len(records))
        raise CatalogueRejected(
            f"Danh mục có {len(report.rejected_rows)} thủ tục không hợp lệ; không nạp gì cả.", report
        )


@transaction.atomic
def catalogue_upsert(
    *, fields: list[Field], procedures: list[ProcedureRecord], source: str, by: str = ""
) -> UpsertResult:
    """Add new procedures, add a new version of changed ones, leave identical ones alone."""
    _validate(fields, procedures)
    result = UpsertResult()
    existing_fields = {f.code: f for f in MasterField.objects.select_for_update()}
    new_fields = []
    for f in fields:
        row = existing_fields.get(f.code)
        if row is None:
            new_fields.append(MasterField(code=f.code, name=f.name, sample=f.sample))
        elif f.name and f.name != f.code and (row.name != f.name or row.sample != f.sample):
            row.name, row.sample = f.name, f.sample
            row.save(update_fields=["name", "sample"])
    for row in MasterField.objects.bulk_create(new_fields):
        existing_fields[row.code] = row

    current = {
        p.code: p
        for p in MasterProcedure.objects.select_for_update()
        .filter(is_current=True, code__in=[r.code for r in procedures])
        .only("id", "code", "version", "content_hash")
    }
    rows: list[MasterProcedure] = []
    records: list[ProcedureRecord] = []
    retire: list[int] = []
    for rec in procedures:
        rec = normalized(rec)
        digest = content_hash(rec)
        old = current.get(rec.code)
        if old is not None and old.content_hash == digest:
            result.unchanged.append(rec.code)
            continue
        version = rec.version if old is None else max(rec.version, old.version + 1)
        if old is not None:
            retire.append(old.id)
            result.updated.append(rec.code)
        else:
            result.created.append(rec.code)
        rows.append(
            MasterProcedure(
                code=rec.code,
                version=version,
                is_current=True,
                name=rec.name,
                field=existing_fields[rec.field_code],
                levels=sorted(rec.levels, key=level_sort_key),
                agency_kind=rec.agency_kind,
                agency_name=rec.agency_name,
                processing_amount=rec.processing_amount,
                processing_unit=rec.processing_unit,
                online_level=rec.online_level,
                applicant_kinds=sorted(rec.applicant_kinds),
                results=list(rec.results),
                legal_basis=list(rec.legal_basis),
                sample=rec.sample,
                needs_review=rec.needs_review,
                review_reason=rec.review_reason,
                effective_from=rec.effective_from,
                content_hash=digest,
                source=source[:200],
            )
        )
        records.append(rec)
    if retire:
        MasterProcedure.objects.filter(id__in=retire).update(is_current=False)
    created = MasterProcedure.objects.bulk_create(rows, batch_size=1000)
    fees, docs = [], []
    for row, rec in zip(created, records, strict=True):
        fees.extend(
            MasterFee(
                procedure=row, name=f.name, kind=f.kind, amount_vnd=f.amount_vnd, legal_text=f.legal_text, position=i
            )
            for i, f in enumerate(rec.fees)
        )
        docs.extend(_document(row, d, i) for i, d in enumerate(rec.documents))
    MasterFee.objects.bulk_create(fees, batch_size=2000)
    MasterDocument.objects.bulk_create(docs, batch_size=2000)
    CatalogueImport.objects.create(
        source=source[:300],
        created=len(result.created),
        updated=len(result.updated),
        unchanged=len(result.unchanged),
        by=by[:150],
    )
    return result


def _document(row: MasterProcedure, d: RequiredDocument, position: int) -> MasterDocument:
    return MasterDocument(
        procedure=row,
        name=d.name,
        originals=d.originals,
        copies=d.copies,
        form_template_code=d.form_template_code or "",
        form_template_name=d.form_template_name or "",
        optional=d.optional,
        group=d.group,
        position=position,
    )


def catalogue_load_starter(*, by: str = "") -> UpsertResult:
    """Load (or refresh) the starter catalogue shipped in control/catalogue/data."""
    catalogue = load_starter_catalogue()
    return catalogue_upsert(
        fields=catalogue.fields, procedures=catalogue.procedures, source="starter_catalogue.json", by=by
    )


@dataclass
class ShippedLoad:
    """What :func:`catalogue_load_shipped` did: the national records, then the starter catalogue."""

    report: ImportReport
    national: UpsertResult
    starter: UpsertResult

    def summary(self) -> str:
        review = sum(1 for r in self.report.accepted if r.needs_review)
        return (
            f"hồ sơ quốc gia: {self.national.summary()} ({len(self.report.rejected_rows)} bản ghi không nhận, "
            f"{review} cần rà soát); danh mục khởi đầu bổ sung: {self.starter.summary()}"
        )


@transaction.atomic
def catalogue_load_shipped(*, by: str = "") -> ShippedLoad:
    """Load the real national records shipped in control/catalogue/data (those they cannot
    take are left out, see the report), then the starter catalogue for the procedures they
    lack. Idempotent: a second run finds everything unchanged."""
    report = load_national_jsonl(default_national_path())
    if not report.accepted:
        raise CatalogueRejected(_rejected_message(report), report)
    national = catalogue_upsert(fields=report.fields, procedures=report.accepted, source=NATIONAL_FILE_NAME, by=by)
    have = {r.code for r in report.accepted}
    starter = load_starter_catalogue()
    lacking = [p for p in starter.procedures if p.code not in have]
    needed = {p.field_code for p in lacking} - {f.code for f in report.fields}
    fields = [f for f in starter.fields if f.code in needed]
    rest = catalogue_upsert(fields=fields, procedures=lacking, source="starter_catalogue.json", by=by)
    return ShippedLoad(report=report, national=national, starter=rest)


def _rejected_message(report: ImportReport) -> str:
    if report.total_rows == 0 and not report.rejected:
        return "Tệp không có thủ tục nào; không nạp gì cả."
    lines = [f"Tệp có {len(report.rejected_rows) or 1} dòng bị từ chối; không nạp gì cả (nạp tất cả hoặc không)."]
    lines += [str(e) for e in report.rejected[:50]]
    if len(report.rejected) > 50:
        lines.append(f"... và {len(report.rejected) - 50} lỗi khác")
    return "\n".join(lines)


def catalogue_import_report(
    *, report: ImportReport, source: str, dry_run: bool = False, skip_rejected: bool = False, by: str = ""
) -> UpsertResult | None:
    """Load what an importer report accepted: all-or-nothing unless ``skip_rejected``."""
    if (not report.ok and not skip_rejected) or not report.accepted:
        raise CatalogueRejected(_rejected_message(report), report)
    if dry_run:
        return None
    return catalogue_upsert(fields=report.fields, procedures=report.accepted, source=source, by=by)


def catalogue_import_file(
    *, path: str | Path, dry_run: bool = False, skip_rejected: bool = False, by: str = ""
) -> tuple[ImportReport, UpsertResult | None]:
    """Import a CSV/XLSX/JSONL catalogue file. Raises CatalogueRejected (nothing written)."""
    try:
        report = import_file(path)
    except ValueError as exc:
        raise CatalogueRejected(
            f"Không nhận dạng được loại tệp: {Path(path).suffix or path} (chỉ nhận .csv, .xlsx, .jsonl)"
        ) from exc
    except OSError as exc:
        raise CatalogueRejected(f"Không đọc được tệp {path}: {exc.strerror or exc}") from exc
    result = catalogue_import_report(
        report=report, source=Path(path).name, dry_run=dry_run, skip_rejected=skip_rejected, by=by
    )
    return report, result
