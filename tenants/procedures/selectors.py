"""Reads of a tenant's procedures: listing, and "update available" against the national master."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

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


def _word_hits(column_sql: str, words: list[str]) -> tuple[str, list[str]]:
    """SQL counting the query words that start a word of ``column_sql`` (words are [a-z0-9]+: no escaping)."""
    parts = [f"(CASE WHEN ' ' || {column_sql} LIKE %s THEN 1 ELSE 0 END)" for _ in words]
    return "(" + " + ".join(parts) + ")", [f"% {w}%" for w in words]


def procedure_search(*, q: str = "", field_id: int | None = None, enabled: bool | None = None,
                     event_id: int | None = None, trigram: bool | None = None) -> QuerySet[Procedure]:
    """Procedures matching ``q`` whatever its accents, case and word order, best first.

    A procedure matches when at least half of the query's words start one of its words (name, code,
    field, agency, results), when ``q`` is its code, or (pg_trgm only) when the query is close to its text
    (typos). Ranked: its code; all words above some; all words in the name above elsewhere; the phrase
    as the name's beginning, then inside the name, then elsewhere; the share of words in the name; (pg_trgm)
    the word similarity of the phrase to the name; then the shorter name. ``trigram`` None: as detected
    (search.trgm_enabled); False forces the plainer path (tests, benchmark)."""
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
    code = search.clean_query(q).upper()
    phrase = " ".join(words)
    n = len(words)
    name_hits, name_params = _word_hits(search.Q_NAME, words)
    all_hits, all_params = _word_hits(search.Q_ALL_TEXT, words)
    use_trgm = use_trgm and n <= search.TRGM_MAX_WORDS
    # Any word inside the text (an infix LIKE the trigram index serves), then the exact count of word starts.
    any_word = " OR ".join(f"{search.Q_ALL_TEXT} LIKE %s" for _ in words)
    match_sql = f"(({any_word}) AND {all_hits} >= %s)"
    match_params: list[object] = [*(f"%{w}%" for w in words), *all_params, (n + 1) // 2]
    if use_trgm:
        match_sql += f" OR %s <%% {search.Q_NAME}"
        match_params.append(phrase)
    rank_sql = (
        f"(CASE WHEN upper({search.Q_CODE}) = %s THEN 100 ELSE 0 END"
        f" + CASE WHEN {all_hits} = %s THEN 10 ELSE 0 END"
        f" + CASE WHEN {name_hits} = %s THEN 4 ELSE 0 END"
        f" + CASE WHEN {search.Q_NAME} LIKE %s THEN 3 WHEN ' ' || {search.Q_NAME} LIKE %s THEN 2"
        f" WHEN ' ' || {search.Q_ALL_TEXT} LIKE %s THEN 1 ELSE 0 END"
        f" + 2.0 * {name_hits} / %s + 1.0 * {all_hits} / %s"
    )
    rank_params: list[object] = [code, *all_params, n, *name_params, n, f"{phrase}%", f"% {phrase}%",
                                 f"% {phrase}%", *name_params, n, *all_params, n]
    if n > 1:  # neighbours: the query's word pairs side by side in the name ("khai sinh" of "khai sinh dang ky")
        pairs = list(zip(words, words[1:], strict=False))
        rank_sql += " + 1.5 * (" + " + ".join(
            f"(CASE WHEN ' ' || {search.Q_NAME} LIKE %s THEN 1 ELSE 0 END)" for _ in pairs) + f") / {n - 1}"
        rank_params += [f"% {a} {b}%" for a, b in pairs]
    if use_trgm:
        rank_sql += f" + 3.0 * word_similarity(%s, {search.Q_NAME})"
        rank_params.append(phrase)
    rank_sql += ")"
    # Only constant SQL and column names are formatted in; every value of the query goes as a parameter.
    qs = qs.filter(RawSQL(f"(upper({search.Q_CODE}) = %s OR {match_sql})", [code, *match_params],  # noqa: S611
                          output_field=BooleanField()))
    return qs.annotate(rank=RawSQL(rank_sql, rank_params, output_field=FloatField()),  # noqa: S611
                       name_length=Length("search_name")).order_by(F("rank").desc(), "name_length", "code")


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
