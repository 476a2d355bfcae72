"""Writes on a tenant's procedures: enabling, handling units, local overrides, master updates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from control.catalogue.interface import current_ref, current_versions, field_name
from core.audit.actor import record
from core.audit.models import ConfigChange
from tenants.organization.models import Unit
from tenants.procedures.models import Fee, Field, LifeEvent, Procedure, RequiredDocument
from tenants.procedures.search import folded, search_columns

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
    procedure.save()  # its search columns with it (Procedure.save)
    if master_name and field.procedures.exclude(pk=procedure.pk).exists():
        procedures_search_refresh(field_ids=[field.pk])  # the field's new name, in its other procedures too
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


def procedures_search_refresh(*, procedure_ids: list[int] | None = None, field_ids: list[int] | None = None,
                              only_empty: bool = False) -> int:
    """Recompute the folded search columns of procedures written in bulk (the onboarding clone's INSERT ...
    SELECT, a field renamed): those ``procedure_ids``, those of ``field_ids``, else all (``only_empty``: only
    those never filled). One UPDATE per 1,000 rows; returns how many were written."""
    qs = Procedure.objects.select_related("field").only("pk", "name", "code", "agency_name", "results",
                                                         "field__name")
    if procedure_ids is not None:
        qs = qs.filter(pk__in=procedure_ids)
    if field_ids is not None:
        qs = qs.filter(field_id__in=field_ids)
    if only_empty:
        qs = qs.filter(search_name="")
    rows = [(p.pk, *search_columns(name=p.name, code=p.code, field_name=p.field.name, agency_name=p.agency_name,
                                   results=p.results)) for p in qs.order_by("pk")]
    from django.db import connection

    with connection.cursor() as cursor:
        for i in range(0, len(rows), 1000):
            chunk = rows[i:i + 1000]
            cursor.execute(
                """UPDATE procedures_procedure p SET search_name = v.n, search_text = v.t
                   FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, n, t) WHERE p.id = v.id""",
                [[r[0] for r in chunk], [r[1] for r in chunk], [r[2] for r in chunk]])
    return len(rows)


# ------------------------------------------------------------------ life events (sự kiện)
# The starter set: (slug, name, description, folded phrases a procedure's name must contain to belong).
STARTER_LIFE_EVENTS: list[tuple[str, str, str, list[str]]] = [
    ("sinh-con", "Sinh con", "Khai sinh, nhận cha, mẹ, con, bảo hiểm y tế cho trẻ.",
     ["khai sinh", "nhan cha me con", "bao hiem y te cho tre"]),
    ("ket-hon", "Kết hôn", "Đăng ký kết hôn, xác nhận tình trạng hôn nhân.",
     ["ket hon", "tinh trang hon nhan"]),
    ("xay-nha", "Xây, sửa nhà", "Giấy phép xây dựng nhà ở, sửa chữa, cải tạo.",
     ["giay phep xay dung"]),
    ("thanh-lap-doanh-nghiep", "Thành lập doanh nghiệp, hộ kinh doanh",
     "Đăng ký doanh nghiệp, hộ kinh doanh, hợp tác xã.",
     ["thanh lap doanh nghiep", "dang ky doanh nghiep", "ho kinh doanh", "thanh lap hop tac xa",
      "dang ky hop tac xa"]),
    ("cu-tru", "Chuyển nơi ở", "Đăng ký thường trú, tạm trú.", ["thuong tru", "tam tru"]),
    ("nha-dat", "Nhà, đất", "Giấy chứng nhận quyền sử dụng đất, chuyển nhượng, thừa kế.",
     ["quyen su dung dat", "chuyen nhuong"]),
    ("nguoi-than-qua-doi", "Người thân qua đời", "Đăng ký khai tử, thừa kế, trợ cấp mai táng.",
     ["khai tu", "mai tang"]),
]
EVENT = ConfigChange.Area.PROCEDURE


def _matching(phrases: list[str]) -> list[int]:
    q = None
    from django.db.models import Q

    for phrase in phrases:
        cond = Q(search_name__contains=folded(phrase))
        q = cond if q is None else q | cond
    return list(Procedure.objects.filter(q).values_list("pk", flat=True)) if q is not None else []


@transaction.atomic
def life_events_seed() -> int:
    """The starter life events with the tenant's procedures whose names match; those already there are left
    as the tenant edited them. Returns how many were created."""
    made = 0
    for position, (slug, name, description, phrases) in enumerate(STARTER_LIFE_EVENTS):
        event, created = LifeEvent.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position})
        if created:
            event.procedures.set(_matching(phrases))
            made += 1
    return made


def _event_validate(name: str, slug: str, pk: int | None) -> tuple[str, str]:
    from django.utils.text import slugify

    name = " ".join((name or "").split())[:200]
    if not name:
        raise ValidationError({"name": "Hãy nhập tên sự kiện."})
    slug = slugify(folded(slug or name).replace(" ", "-"))[:60] or "su-kien"
    if LifeEvent.objects.filter(slug=slug).exclude(pk=pk).exists():
        raise ValidationError({"slug": f"Mã “{slug}” đã có sự kiện khác dùng."})
    return name, slug


@transaction.atomic
def life_event_save(*, event: LifeEvent | None, name: str, slug: str = "", description: str = "",
                    position: int = 0, procedure_codes: list[str]) -> LifeEvent:
    """Create (``event`` None) or change a life event and the procedures it groups, with its log row."""
    name, slug = _event_validate(name, slug, event.pk if event else None)
    codes = sorted({c.strip() for c in procedure_codes if c.strip()})
    procedures = list(Procedure.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {p.code for p in procedures})
    if unknown:
        raise ValidationError({"procedures": "Không có thủ tục mã: " + ", ".join(unknown[:20])})
    creating = event is None
    if creating:
        event = LifeEvent(position=position)
    before = set() if creating else set(event.procedures.values_list("code", flat=True))
    event.name, event.slug, event.description = name, slug, (description or "").strip()[:2000]
    event.position = max(0, min(int(position), 32767))
    event.save()
    event.procedures.set(procedures)
    after = {p.code for p in procedures}
    record(EVENT, f"Sự kiện “{name}”: {'tạo mới' if creating else 'cập nhật'}, {len(after)} thủ tục"
           + (f" (thêm {len(after - before)}, bớt {len(before - after)})" if not creating else ""),
           life_event=event.slug, added=sorted(after - before)[:200], removed=sorted(before - after)[:200])
    return event


@transaction.atomic
def life_event_delete(*, event: LifeEvent) -> None:
    record(EVENT, f"Sự kiện “{event.name}”: xóa", life_event=event.slug)
    event.delete()
