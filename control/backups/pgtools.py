"""The PostgreSQL client programs that match the server (pg_dump, psql), and how to reach the server.

A dump is taken with the pg_dump of the server's own major version: an older one refuses a newer server,
a newer one writes statements an older server may not read back. The candidates, in order: the
directory named by ``PG_BIN_DIR`` (then only that one); the server's own ``BINDIR`` (``pg_config`` view,
when the server runs here); Debian's ``/usr/lib/postgresql/<major>/bin``; the binaries pgserver ships
for the embedded server; ``PATH``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection

from core.db.urls import connect_kwargs


class ToolError(RuntimeError):
    """No usable client program; the message says what to install or set."""


@dataclass(frozen=True)
class Tools:
    pg_dump: Path
    psql: Path
    server_version: str  # e.g. "15.20"
    server_major: int


def connect(*, autocommit: bool = True) -> psycopg.Connection:
    """A connection of our own to the database Django uses (outside Django's transactions)."""
    cfg = connection.settings_dict
    kwargs = connect_kwargs(cfg, dbname=cfg["NAME"])
    kwargs["autocommit"] = autocommit
    return psycopg.connect(**kwargs, connect_timeout=10)


def libpq_env() -> dict[str, str]:
    """Environment for pg_dump/psql: the same server, database and user as Django's connection."""
    cfg = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(PGDATABASE=cfg["NAME"], PGUSER=cfg.get("USER") or "postgres", PGCONNECT_TIMEOUT="10",
               PGAPPNAME="motcua-backup")
    if cfg.get("HOST"):
        env["PGHOST"] = cfg["HOST"]
    if cfg.get("PORT"):
        env["PGPORT"] = str(cfg["PORT"])
    if cfg.get("PASSWORD"):
        env["PGPASSWORD"] = cfg["PASSWORD"]
    return env


def _major_of(program: Path) -> int | None:
    try:
        out = subprocess.run([str(program), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s+(\d+)", out)
    return int(found.group(1)) if found else None


def _server_bindir(conn: psycopg.Connection) -> Path | None:
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_config WHERE name = 'BINDIR'")
            row = cursor.fetchone()
    except psycopg.Error:  # pg_config is for superusers only (autocommit: nothing to roll back)
        return None
    return Path(row[0]) if row else None


def _candidates(major: int, bindir: Path | None) -> list[Path]:
    if getattr(settings, "PG_BIN_DIR", ""):
        return [Path(settings.PG_BIN_DIR)]  # named by the operator: that one or none
    dirs: list[Path] = []
    if bindir is not None:
        dirs.append(bindir)
    dirs.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    spec = importlib.util.find_spec("pgserver")  # the embedded server's binaries, without importing it
    if spec is not None and spec.origin:
        dirs.append(Path(spec.origin).parent / "pginstall" / "bin")
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def find_tools() -> Tools:
    """pg_dump and psql of the server's major version, or a clear ToolError."""
    with connect() as conn:
        version_num = int(conn.execute("SHOW server_version_num").fetchone()[0])
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        bindir = _server_bindir(conn)
    major = version_num // 10000
    seen: list[str] = []
    for directory in _candidates(major, bindir):
        pg_dump, psql = directory / "pg_dump", directory / "psql"
        if not (pg_dump.is_file() and psql.is_file()):
            continue
        found = _major_of(pg_dump)
        seen.append(f"{pg_dump} ({found})")
        if found == major and _major_of(psql) == major:
            return Tools(pg_dump=pg_dump, psql=psql, server_version=version, server_major=major)
    tried = "; ".join(seen) or "không tìm thấy pg_dump nào"
    raise ToolError(
        f"Không có pg_dump/psql phiên bản {major} khớp với máy chủ PostgreSQL {version} ({tried}). "
        f"Cài gói postgresql-client-{major} hoặc đặt PG_BIN_DIR trỏ tới thư mục bin của PostgreSQL {major}."
    )
