"""Reads of a tenant's procedures: listing, and "update available" against the national master."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from control.catalogue.interface import (
    Fee,
    FieldChange,
    ProcedureRecord,
    RequiredDocument,
    current_hashes,
    current_versions,
    diff,
    record_at,
)
from tenants.procedures.models import Procedure

# Master attribute -> the tenant's local override marker it is protected by.
LOCAL_KEYS = {"processing_amount": "processing_amount", "processing_unit": "processing_amount", "fees": "fees"}
FIELD_LABELS = {
    "name": "Tên thủ tục", "field_code": "Lĩnh vực", "levels": "Cấp thực hiện", "agency_kind": "Loại cơ quan",
    "agency_name": "Cơ quan thực hiện", "processing_amount": "Thời hạn giải quyết",
    "processing_unit": "Đơn vị thời hạn", "fees": "Phí, lệ phí", "documents": "Thành phần hồ sơ",
    "results": "Kết quả", "legal_basis": "Căn cứ pháp lý", "online_level": "Mức độ trực tuyến",
    "applicant_kinds": "Đối tượng", "effective_from": "Ngày hiệu lực", "sample": "Dữ liệu mẫu",
}


def procedure_list(*, q: str = "", field_id: int | None = None, enabled: bool | None = None):  # noqa: ANN201
    qs = Procedure.objects.select_related("field").prefetch_related("handling_units")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if field_id:
        qs = qs.filter(field_id=field_id)
    if enabled is not None:
        qs = qs.filter(enabled=enabled)
    return qs.order_by("code")


def tenant_record(p: Procedure) -> ProcedureRecord:
    """The tenant's current copy as a catalogue record (for the diff's "now here" column)."""
    return ProcedureRecord(
        code=p.code, name=p.name, field_code=p.field.code, levels=set(p.levels), agency_kind=p.agency_kind,
        agency_name=p.agency_name, processing_amount=p.processing_amount, processing_unit=p.processing_unit,
        fees=[Fee(f.name, f.kind, f.amount_vnd, f.legal_text) for f in p.fees.order_by("position")],
        documents=[RequiredDocument(d.name, d.originals, d.copies, d.form_template_code or None,
                                    d.form_template_name or None, d.optional, d.group)
                   for d in p.documents.order_by("position")],
        results=list(p.results), legal_basis=list(p.legal_basis), online_level=p.online_level,
        applicant_kinds=set(p.applicant_kinds), version=p.master_version, sample=p.sample,
    )


@dataclass
class Update:
    procedure: Procedure
    new_version: int
    new_hash: str
    changes: list[FieldChange]
    kept_local: set[str]

    def rows(self) -> list[dict]:
        return [{"field": c.field, "label": FIELD_LABELS.get(c.field, c.field), "old": c.old, "new": c.new,
                 "kept": LOCAL_KEYS.get(c.field) in self.kept_local} for c in self.changes]


def updates_available(*, code: str | None = None) -> list[Update]:
    """Procedures whose master copy changed since the tenant took (or declined) it."""
    mine = {p.code: p for p in Procedure.objects.select_related("field").filter(**({"code": code} if code else {}))}
    current = current_hashes(mine)
    changed = [c for c, h in current.items() if h not in (mine[c].master_hash, mine[c].declined_master_hash)]
    out = []
    versions = current_versions(changed)
    for c in sorted(changed):
        p = mine[c]
        new = versions[c]
        old = record_at(c, p.master_version) or tenant_record(p)
        out.append(Update(p, new.version, new.content_hash, diff(old, new.record), set(p.locally_changed)))
    return out
