"""Reads of a tenant's procedures: listing, and "update available" against the national master."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

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
from tenants.procedures import search
from tenants.procedures.models import Field, LifeEvent, Procedure

# Master attribute -> the tenant's local override marker it is protected by.
LOCAL_KEYS = {"processing_amount": "processing_amount", "processing_unit": "processing_amount", "fees": "fees"}
FIELD_LABELS = {
    "name": "Tên thủ tục", "field_code": "Lĩnh vực", "levels": "Cấp thực hiện", "agency_kind": "Loại cơ quan",
    "agency_name": "Cơ quan thực hiện", "processing_amount": "Thời hạn giải quyết",
    "processing_unit": "Đơn vị thời hạn", "fees": "Phí, lệ phí", "documents": "Thành phần hồ sơ",
    "results": "Kết quả", "legal_basis": "Căn cứ pháp lý", "online_level": "Mức độ trực tuyến",
    "applicant_kinds": "Đối tượng", "effective_from": "Ngày hiệu lực", "sample": "Dữ liệu mẫu",
}


def procedure_list(*, q: str = "", field_id: int | None = None, enabled: bool | None = None,
                   trigram: bool | None = None) -> QuerySet[Procedure]:
    """The staff-side list: the same search as the citizens' (ranked when there is a query)."""
    qs = procedure_search(q=q, field_id=field_id, enabled=enabled, trigram=trigram)
    qs = qs.select_related("field").prefetch_related("handling_units")
    return qs if search.query_words(q) else qs.order_by("code")


def _rank(words: list[str], phrase: str, code: str, row_code: str, name: str, text: str, near: float) -> float:
    """The ranking of one candidate (folded name and other text), as procedure_search documents it."""
    n = len(words)
    nm, everything = f" {name}", f" {name} {text}"
    name_hits = sum(f" {w}" in nm for w in words)
    all_hits = sum(f" {w}" in everything for w in words)
    rank = 100.0 if row_code.upper() == code else 0.0
    rank += (10 if all_hits == n else 0) + (4 if name_hits == n else 0)
    rank += 3 if name.startswith(phrase) else 2 if f" {phrase}" in nm else 1 if f" {phrase}" in everything else 0
    rank += 2.0 * name_hits / n + 1.0 * all_hits / n + 3.0 * near
    if n > 1:  # neighbours: the query's word pairs side by side in the name ("khai sinh" of "khai sinh dang ky")
        rank += 1.5 * sum(f" {a} {b}" in nm for a, b in zip(words, words[1:], strict=False)) / (n - 1)
    return rank


def procedure_search(*, q: str = "", field_id: int | None = None, enabled: bool | None = None,
                     event_id: int | None = None, trigram: bool | None = None) -> QuerySet[Procedure]:
    """Procedures matching ``q`` whatever its accents, case and word order, best first.

    A procedure matches when at least half of the query's words start one of its words (name, code,
    field, agency, results), when ``q`` is its code, or (pg_trgm, queries of up to four words) when the
    query is close to its name (typos). Ranked: its code; all words above some; all words in the name above
    elsewhere; the phrase as the name's beginning, then inside the name, then elsewhere; the share of words
    in the name; the query's word pairs side by side in the name; (pg_trgm) the word similarity of the query
    to the name; then the shorter name. ``trigram`` None: as detected (search.trgm_enabled); False forces the
    plainer path (tests, benchmark).

    Two narrow reads find the candidates (an infix LIKE per word, which the trigram index serves, and the
    similarity to the name through its own trigram index); they are ranked here, and the queryset returned
    keeps that order (array_position over the ranked ids), so pages and filters work as on any queryset."""
    qs = Procedure.objects.all()
    if field_id:
        qs = qs.filter(field_id=field_id)
    if enabled is not None:
        qs = qs.filter(enabled=enabled)
    if event_id:
        qs = qs.filter(life_events=event_id)
    words = search.query_words(q)
    if not words:
        return qs.order_by("name", "code")
    use_trgm = search.trgm_enabled() if trigram is None else (trigram and search.trgm_installed())
    use_trgm = use_trgm and len(words) <= search.TRGM_MAX_WORDS
    code = search.clean_query(q).upper()
    phrase = " ".join(words)
    any_word = Q(code__iexact=code)
    for w in words:
        any_word |= Q(search_name__contains=w) | Q(search_text__contains=w)
    columns = ("pk", "code", "search_name", "search_text")
    found = {r[0]: (*r, 0.0) for r in qs.filter(any_word).values_list(*columns)}
    if use_trgm:
        near = qs.filter(RawSQL(f"%s <%% {search.Q_NAME}", [phrase], output_field=BooleanField()))  # noqa: S611
        near = near.annotate(near=RawSQL(f"word_similarity(%s, {search.Q_NAME})", [phrase],  # noqa: S611
                                         output_field=FloatField()))
        for r in near.values_list(*columns, "near"):
            found[r[0]] = r
    need = (len(words) + 1) // 2
    ranked = []
    for pk, row_code, name, text, near_score in found.values():
        everything = f" {name} {text}"
        if near_score or row_code.upper() == code or sum(f" {w}" in everything for w in words) >= need:
            ranked.append((-_rank(words, phrase, code, row_code, name, text, near_score), len(name), row_code, pk))
    ids = [r[3] for r in sorted(ranked)[:search.MAX_RESULTS]]
    return Procedure.objects.filter(pk__in=ids).order_by(
        RawSQL(f"array_position(%s::bigint[], {search.T}.id)", [ids]))  # noqa: S611


def procedure_public(*, code: str) -> Procedure | None:
    """An enabled procedure by its code, with what its public page shows."""
    return (Procedure.objects.filter(code=code, enabled=True).select_related("field")
            .prefetch_related("fees", "documents", "handling_units").first())


def fields_public() -> QuerySet[Field]:
    """Fields that have at least one enabled procedure."""
    return Field.objects.filter(procedures__enabled=True).distinct().order_by("name")


def life_events_public() -> QuerySet[LifeEvent]:
    """Life events that group at least one enabled procedure."""
    return LifeEvent.objects.filter(procedures__enabled=True).distinct().order_by("position", "name")


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
