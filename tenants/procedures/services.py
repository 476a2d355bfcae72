"""Writes on a tenant's procedures: enabling, handling units, local overrides, master updates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from control.catalogue.interface import current_ref, current_versions, field_name
from core.audit.actor import record
from core.audit.models import ConfigChange
from tenants.organization.models import Unit
from tenants.procedures.models import Fee, Field, Procedure, RequiredDocument

PROC = ConfigChange.Area.PROCEDURE


@transaction.atomic
def procedures_enable(*, codes: list[str], unit: Unit | None, enabled: bool = True) -> int:
    """Enable (with ``unit`` added as handling unit) or disable the procedures ``codes``."""
    procedures = list(Procedure.objects.select_for_update().filter(code__in=codes))
    if enabled and unit is None:
        raise ValidationError("Hãy chọn đơn vị giải quyết cho các thủ tục được áp dụng.")
    Procedure.objects.filter(pk__in=[p.pk for p in procedures]).update(enabled=enabled)
    if procedures:
        record(PROC, f"{'Áp dụng' if enabled else 'Ngừng áp dụng'} {len(procedures)} thủ tục"
               + (f", đơn vị giải quyết “{unit.name}”" if enabled and unit else ""),
               codes=sorted(p.code for p in procedures)[:200])
    if enabled:
        through = Procedure.handling_units.through
        through.objects.bulk_create([through(procedure_id=p.pk, unit_id=unit.pk) for p in procedures],
                                    ignore_conflicts=True)
    return len(procedures)


@transaction.atomic
def procedure_configure(*, procedure: Procedure, enabled: bool, handling_units: list[Unit]) -> Procedure:
    if enabled and not handling_units:
        raise ValidationError({"handling_units": "Thủ tục được áp dụng phải có ít nhất một đơn vị giải quyết."})
    procedure.enabled = enabled
    procedure.save(update_fields=["enabled", "updated_at"])
    procedure.handling_units.set(handling_units)
    record(PROC, f"Thủ tục {procedure.code}: {'áp dụng' if enabled else 'không áp dụng'}, đơn vị giải quyết: "
           + (", ".join(u.name for u in handling_units) or "—"), procedure=procedure.code)
    return procedure


def _mark(procedure: Procedure, key: str) -> None:
    if key not in procedure.locally_changed:
        procedure.locally_changed = [*procedure.locally_changed, key]


@transaction.atomic
def procedure_override(*, procedure: Procedure, processing_amount: str | Decimal | None = None,
                       processing_unit: str | None = None, fee_amounts: dict[int, int | None] | None = None
                       ) -> Procedure:
    """Local processing time and fee amounts (integer VND); kept when a master update is accepted."""
    if processing_amount is not None and str(processing_amount).strip() != "":
        try:
            amount = Decimal(str(processing_amount).replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError({"processing_amount": "Thời hạn giải quyết phải là một số."}) from exc
        if not amount.is_finite() or amount <= 0 or amount > 1000:
            raise ValidationError({"processing_amount": "Thời hạn giải quyết phải lớn hơn 0 và không quá 1000."})
        unit = processing_unit or procedure.processing_unit
        if unit not in Procedure.ProcessingUnit.values:
            raise ValidationError({"processing_unit": "Đơn vị thời hạn không hợp lệ."})
        if amount != procedure.processing_amount or unit != procedure.processing_unit:
            record(PROC, f"Thủ tục {procedure.code}: thời hạn giải quyết {procedure.processing_amount.normalize()} "
                   f"→ {amount.normalize()} ({unit})", procedure=procedure.code)
            procedure.processing_amount, procedure.processing_unit = amount, unit
            _mark(procedure, "processing_amount")
    if fee_amounts:
        fees = {f.pk: f for f in procedure.fees.select_for_update()}
        for fee_id, value in fee_amounts.items():
            fee = fees.get(fee_id)
            if fee is None:
                raise ValidationError("Khoản phí không thuộc thủ tục này.")
            if value is not None and value < 0:
                raise ValidationError({"fees": f"Phí, lệ phí không được âm: {value:,} đồng".replace(",", ".")})
            if fee.amount_vnd != value:
                record(PROC, f"Thủ tục {procedure.code}: “{fee.name[:100]}” {fee.amount_vnd} → {value} đồng",
                       procedure=procedure.code)
                fee.amount_vnd = value
                fee.save(update_fields=["amount_vnd"])
                _mark(procedure, "fees")
    procedure.save()
    return procedure


@transaction.atomic
def procedure_settings_save(*, procedure: Procedure, enabled: bool, handling_units: list[Unit],
                            processing_amount: str | Decimal | None = None, processing_unit: str | None = None,
                            fee_amounts: dict[int, int | None] | None = None) -> Procedure:
    """One save of a procedure's settings page, all or nothing: its local overrides, whether it is applied
    and by which handling units (a refusal of either writes neither)."""
    procedure_override(procedure=procedure, processing_amount=processing_amount, processing_unit=processing_unit,
                       fee_amounts=fee_amounts)
    return procedure_configure(procedure=procedure, enabled=enabled, handling_units=handling_units)


def document_form_set(*, document: RequiredDocument, upload: object) -> RequiredDocument:
    """Attach (or replace) the blank form of a required document; the file is checked by its content."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tenants.procedures.form_files import form_file_check

    checked = form_file_check(upload)
    stored = default_storage.save(f"mau-don/{checked.storage_name}", ContentFile(checked.content))
    try:
        with transaction.atomic():
            doc = RequiredDocument.objects.select_for_update().select_related("procedure").get(pk=document.pk)
            old = doc.form_template_file.name
            doc.form_template_file.name, doc.form_template_filename = stored, checked.original_name
            doc.save(update_fields=["form_template_file", "form_template_filename"])
            _mark(doc.procedure, "form_templates")
            record(PROC, f"Thủ tục {doc.procedure.code}: tải lên mẫu đơn “{checked.original_name}” cho "
                   f"“{doc.name[:100]}”", procedure=doc.procedure.code, document=doc.pk, sha256=checked.sha256)
            doc.procedure.save(update_fields=["locally_changed", "updated_at"])
    except Exception:
        default_storage.delete(stored)
        raise
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return doc


@transaction.atomic
def document_form_clear(*, document: RequiredDocument) -> RequiredDocument:
    from django.core.files.storage import default_storage

    doc = RequiredDocument.objects.select_for_update().select_related("procedure").get(pk=document.pk)
    old = doc.form_template_file.name
    if old:
        record(PROC, f"Thủ tục {doc.procedure.code}: gỡ mẫu đơn “{doc.form_template_filename}” của "
               f"“{doc.name[:100]}”", procedure=doc.procedure.code, document=doc.pk)
    doc.form_template_file.name, doc.form_template_filename = "", ""
    doc.save(update_fields=["form_template_file", "form_template_filename"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return doc


@transaction.atomic
def procedure_update_accept(*, procedure: Procedure) -> Procedure:
    """Take the current master version, keeping the tenant's local overrides and settings."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    found = current_versions([procedure.code]).get(procedure.code)
    if found is None:
        raise ValidationError("Thủ tục không còn trong danh mục gốc.")
    version, digest, rec = found.version, found.content_hash, found.record
    local = set(procedure.locally_changed)
    field, _ = Field.objects.get_or_create(code=rec.field_code, defaults={"name": rec.field_code})
    master_name = field_name(rec.field_code)
    if master_name and field.name != master_name:
        field.name = master_name
        field.save(update_fields=["name"])
    procedure.name, procedure.field = rec.name, field
    procedure.levels = sorted(rec.levels)
    procedure.agency_kind, procedure.agency_name = rec.agency_kind, rec.agency_name
    procedure.online_level, procedure.applicant_kinds = rec.online_level, sorted(rec.applicant_kinds)
    procedure.results, procedure.legal_basis, procedure.sample = list(rec.results), list(rec.legal_basis), rec.sample
    if "processing_amount" not in local:
        procedure.processing_amount, procedure.processing_unit = rec.processing_amount, rec.processing_unit
    if "fees" not in local:
        procedure.fees.all().delete()
        Fee.objects.bulk_create(Fee(procedure=procedure, name=f.name, kind=f.kind, amount_vnd=f.amount_vnd,
                                    legal_text=f.legal_text, position=i) for i, f in enumerate(rec.fees))
    _documents_update(procedure, rec.documents)
    procedure.master_version, procedure.master_hash, procedure.declined_master_hash = version, digest, ""
    procedure.save()
    record(PROC, f"Thủ tục {procedure.code}: nhận bản cập nhật phiên bản {version} của danh mục gốc",
           procedure=procedure.code, version=version)
    return procedure


def _documents_update(procedure: Procedure, documents: list) -> None:
    """Update the required documents in place, matched by name: a document that stays keeps its id (dossiers
    in flight list the documents they received by id, and their files point at it) and its uploaded form."""
    by_name: dict[str, list[RequiredDocument]] = {}
    for doc in procedure.documents.order_by("position", "pk"):
        by_name.setdefault(doc.name, []).append(doc)
    fields = ["originals", "copies", "form_template_code", "form_template_name", "optional", "group", "position"]
    kept, new = [], []
    for i, d in enumerate(documents):
        values = {"originals": d.originals, "copies": d.copies, "form_template_code": d.form_template_code or "",
                  "form_template_name": d.form_template_name or "", "optional": d.optional, "group": d.group,
                  "position": i}
        same = by_name.get(d.name)
        if same:
            doc = same.pop(0)
            for k, v in values.items():
                setattr(doc, k, v)
            kept.append(doc)
        else:
            new.append(RequiredDocument(procedure=procedure, name=d.name, **values))
    RequiredDocument.objects.bulk_update(kept, fields)
    RequiredDocument.objects.filter(pk__in=[doc.pk for docs in by_name.values() for doc in docs]).delete()
    RequiredDocument.objects.bulk_create(new)


@transaction.atomic
def procedure_update_decline(*, procedure: Procedure) -> Procedure:
    current = current_ref(procedure.code)
    if current is None:
        raise ValidationError("Thủ tục không còn trong danh mục gốc.")
    procedure.declined_master_hash = current.content_hash
    procedure.save(update_fields=["declined_master_hash", "updated_at"])
    record(PROC, f"Thủ tục {procedure.code}: giữ nguyên, không nhận bản cập nhật phiên bản {current.version}",
           procedure=procedure.code)
    return procedure
