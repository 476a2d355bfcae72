"""Accent-, case- and order-insensitive procedure search: the folded text it reads and the trigram check.

The folded columns (``Procedure.search_name``, ``Procedure.search_text``) hold :func:`core.text.fold`'s
text reduced to its words (``[a-z0-9]+`` joined by single spaces), so that a word-prefix ``LIKE '% w%'``
finds every word's start. Pure functions: migrations import them too.

Two paths, one ranking (``selectors.procedure_search``):
- with ``pg_trgm`` (detected at run time, cached per process): typo tolerance through the word similarity
  of the query to the name, the word prefixes served by a GIN trigram index;
- without it (the embedded PostgreSQL ships no contrib module): word prefixes only, by LIKE over the
  folded columns (a scan: at a catalogue's size it measured faster than a rechecked full-text index).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from core.text import fold

WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
# The SQL expressions the indexes are built on (migration 0004); queries must repeat them exactly.
ALL_TEXT_SQL = "(search_name || ' ' || search_text)"
# The same, qualified, for queries that join other tables (procedures_field has a code and a name too).
T = "procedures_procedure"
Q_NAME = f"{T}.search_name"
Q_CODE = f"{T}.code"
Q_ALL_TEXT = f"({T}.search_name || ' ' || {T}.search_text)"
# Queries longer than this many words skip the similarity (its cost grows with the query's length, and a
# long query already matches by half of its words).
TRGM_MAX_WORDS = 4
# The best this many are kept (ten pages of the portal): past them, a citizen refines the query.
MAX_RESULTS = 200


def words_of(text: str) -> list[str]:
    return WORD.findall(fold(text or ""))


def folded(text: str) -> str:
    return " ".join(words_of(text))


def search_columns(*, name: str, code: str = "", field_name: str = "", agency_name: str = "",
                   results: Iterable[object] = ()) -> tuple[str, str]:
    """(search_name, search_text) of a procedure: its folded name, and its other folded text (code, field,
    agency, results). Required documents are left out: "Giấy khai sinh" is asked by half the catalogue."""
    other = [code, field_name, agency_name, *(str(r) for r in results or [])]
    return folded(name), folded(" ".join(o for o in other if o))


def clean_query(raw: str) -> str:
    """The query as typed, without control characters (NUL included), cut to a sane length."""
    text = "".join(ch if ch.isprintable() else " " for ch in (raw or "")[: MAX_QUERY_CHARS * 4])
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def query_words(raw: str) -> list[str]:
    """The query's distinct folded words, in the order typed, at most MAX_WORDS."""
    seen: list[str] = []
    for w in words_of(clean_query(raw)):
        if w not in seen:
            seen.append(w)
    return seen[:MAX_WORDS]


_TRGM: dict[str, bool] = {}


def trgm_installed(using: str = DEFAULT_DB_ALIAS, *, refresh: bool = False) -> bool:
    """Whether the database has pg_trgm (one look at pg_extension per process and database)."""
    if refresh or using not in _TRGM:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            _TRGM[using] = bool(cursor.fetchone()[0])
    return _TRGM[using]


def trgm_enabled(using: str = DEFAULT_DB_ALIAS) -> bool:
    """The trigram path: pg_trgm present and not switched off (``PROCEDURE_SEARCH_TRIGRAM = False``)."""
    if getattr(settings, "PROCEDURE_SEARCH_TRIGRAM", None) is False:
        return False
    return trgm_installed(using)
