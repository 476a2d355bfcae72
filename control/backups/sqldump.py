"""The dump of one schema as a restore script: the schema renamed (for a copy beside the live tenant), and
the manifest's row counts checked inside the same transaction (a mismatch rolls the whole restore back).

The dump is plain SQL written with ``--quote-all-identifiers``, so the schema appears as ``"name"`` in
every statement. Only statements are rewritten: the rows of ``COPY ... FROM stdin`` blocks are copied
byte for byte, whatever text they hold.
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _checks(schema: str, tables: dict[str, int]) -> str:
    """A DO block raising (and so rolling back the restore) when a table is missing, added or miscounted."""
    lines = [
        "DO $motcua_check$",
        "DECLARE n bigint;",
        "BEGIN",
        "  SELECT count(*) INTO n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace"
        f"   WHERE s.nspname = {_literal(schema)} AND c.relkind IN ('r', 'p');",
        f"  IF n <> {len(tables)} THEN",
        f"    RAISE EXCEPTION 'motcua: % bảng sau khi khôi phục, manifest ghi {len(tables)}', n;",
        "  END IF;",
    ]
    for table, rows in sorted(tables.items()):
        lines.append(f"  SELECT count(*) INTO n FROM {quote_ident(schema)}.{quote_ident(table)};")
        lines.append(
            f"  IF n <> {int(rows)} THEN RAISE EXCEPTION 'motcua: bảng % có % dòng, manifest ghi {int(rows)}',"
            f" {_literal(table)}, n; END IF;"
        )
    lines += ["END", "$motcua_check$;", ""]
    return "\n".join(lines)


def restore_script(*, dump: Path, target: Path, source_schema: str, schema: str, tables: dict[str, int],
                   drop_first: bool = False) -> None:
    """Write to ``target`` the script restoring ``dump`` (of ``source_schema``) as ``schema``."""
    old, new = quote_ident(source_schema).encode(), quote_ident(schema).encode()
    in_copy = False
    with open(dump, "rb") as src, open(target, "wb") as out:
        out.write(b"\\set ON_ERROR_STOP on\n")
        if drop_first:
            out.write(b"DROP SCHEMA IF EXISTS " + new + b" CASCADE;\n")
        for line in src:
            if in_copy:
                out.write(line)
                in_copy = line != b"\\.\n"
                continue
            if old != new:
                line = line.replace(old, new)
            out.write(line)
            in_copy = line.startswith(b"COPY ") and line.rstrip().endswith(b"FROM stdin;")
        out.write(b"\n" + _checks(schema, tables).encode())
