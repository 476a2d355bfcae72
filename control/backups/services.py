"""Backup and restore of one tenant: its schema (pg_dump), its files and a signed manifest, in one archive.

``backup_create`` dumps the schema inside one snapshot whose row counts go into the manifest (the dump
and the counts see the same data), adds the tenant's files, re-reads the archive to verify it, records
it and applies the retention. ``backup_restore`` verifies an archive before it touches anything, then
restores it into a new schema (to inspect it beside the live tenant) or in place (after a loss), in one
transaction that also checks every table's row count; the files are moved in only once the rows are in.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists

from control.backups import archive as arc
from control.backups import pgtools, sqldump
from control.backups.models import Backup
from control.console.models import record
from control.tenancy.models import Tenant

log = logging.getLogger(__name__)
RESERVED_SCHEMAS = frozenset({"public", "information_schema"})


class BackupError(RuntimeError):
    """A backup or a restore that cannot be done; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Restored:
    schema: str
    tables: int
    rows: int
    files: int
    seconds: float


def media_root_of(schema: str) -> Path:
    """Where the tenant's files live: MEDIA_ROOT/<MULTITENANT_RELATIVE_MEDIA_ROOT with the schema>."""
    relative = getattr(settings, "MULTITENANT_RELATIVE_MEDIA_ROOT", "%s")
    if "%s" not in relative:
        raise BackupError("MULTITENANT_RELATIVE_MEDIA_ROOT không chứa %s: các đơn vị dùng chung thư mục tệp.")
    return Path(settings.MEDIA_ROOT) / (relative % schema)


def backup_root() -> Path:
    return Path(settings.BACKUP_ROOT)


def _tables_and_rows(conn, schema: str) -> dict[str, int]:  # noqa: ANN001
    names = [row[0] for row in conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
        " WHERE s.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname", [schema])]
    if not names:
        return {}
    q = sqldump.quote_ident
    sql = " UNION ALL ".join(f"SELECT %s, count(*) FROM {q(schema)}.{q(name)}" for name in names)
    return {name: int(count) for name, count in conn.execute(sql, names)}


def _dump(tools: pgtools.Tools, *, schema: str, snapshot: str, target: Path) -> None:
    cmd = [str(tools.pg_dump), "--format=plain", f"--schema={sqldump.quote_ident(schema)}", "--no-owner",
           "--no-privileges", "--quote-all-identifiers", f"--snapshot={snapshot}", f"--file={target}"]
    done = subprocess.run(cmd, env=pgtools.libpq_env(), capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise BackupError(f"pg_dump thất bại (mã {done.returncode}): {done.stderr.strip()[-800:]}")


def backup_create(*, tenant: Tenant) -> Backup:
    """Write, verify and record one archive of ``tenant``; older archives beyond BACKUP_KEEP are removed."""
    schema = tenant.schema_name
    if not schema_exists(schema):
        raise BackupError(f"Không có schema {schema} của đơn vị “{tenant.name}”: không có gì để sao lưu.")
    tools = pgtools.find_tools()
    started = time.monotonic()
    now = timezone.now()
    directory = backup_root() / tenant.slug
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = directory / f"{tenant.slug}-{now:%Y%m%dT%H%M%S%f}Z.tar.gz"
    with tempfile.TemporaryDirectory(dir=directory, prefix=".dump-") as tmp, \
            pgtools.connect(autocommit=False) as conn:
        # REPEATABLE READ: the counts and pg_dump (--snapshot) see the same rows
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        got = conn.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"motcua-backup:{schema}"]).fetchone()
        if not got[0]:
            raise BackupError(f"Đơn vị “{tenant.name}” đang được sao lưu ở nơi khác; hãy thử lại sau.")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _tables_and_rows(conn, schema)
        dump = Path(tmp) / arc.DUMP
        _dump(tools, schema=schema, snapshot=snapshot, target=dump)
        conn.rollback()
        manifest = arc.archive_write(target=target, dump=dump, files_root=media_root_of(schema), manifest={
            "format": arc.FORMAT,
            "tenant": {"slug": tenant.slug, "name": tenant.name, "schema": schema, "status": tenant.status},
            "created_at": now.isoformat(),
            "server_version": tools.server_version,
            "tables": tables,
        })
    try:
        arc.archive_open(archive=target)
    except arc.ArchiveError:
        target.unlink(missing_ok=True)
        raise
    with schema_context("public"):
        backup = Backup.objects.create(
            tenant=tenant, slug=tenant.slug, schema_name=schema, path=str(target), size=target.stat().st_size,
            sha256=arc.sha256_of(target), tables=len(tables), rows=sum(tables.values()),
            files=len(manifest["files"]), duration_ms=int((time.monotonic() - started) * 1000), created_at=now,
            verified=True, verified_at=timezone.now(),
        )
        backups_prune(tenant=tenant)
    log.info("backup %s: %s tables, %s rows, %s files, %s bytes, %s ms", tenant.slug, backup.tables, backup.rows,
             backup.files, backup.size, backup.duration_ms)
    return backup


def backup_verify(*, backup: Backup) -> bool:
    """Re-read a recorded archive against its manifest and its recorded checksum; records the result."""
    path = Path(backup.path)
    try:
        ok = path.is_file() and arc.sha256_of(path) == backup.sha256
        if ok:
            arc.archive_open(archive=path)
    except arc.ArchiveError:
        ok = False
    with schema_context("public"):
        Backup.objects.filter(pk=backup.pk).update(verified=ok, verified_at=timezone.now())
    backup.verified = ok
    return ok


def backups_prune(*, tenant: Tenant, keep: int | None = None) -> int:
    """Keep the newest ``keep`` (BACKUP_KEEP) verified archives of ``tenant``; remove everything older."""
    keep = settings.BACKUP_KEEP if keep is None else keep
    with schema_context("public"):
        kept = list(Backup.objects.filter(tenant=tenant, verified=True).order_by("-created_at", "-id")[:keep])
        if len(kept) < keep or not kept:
            return 0
        oldest = kept[-1]
        old = list(Backup.objects.filter(tenant=tenant, created_at__lte=oldest.created_at).exclude(
            pk__in=[b.pk for b in kept]))
        for backup in old:
            Path(backup.path).unlink(missing_ok=True)
        Backup.objects.filter(pk__in=[b.pk for b in old]).delete()
    return len(old)


def _target_schema(*, manifest: dict, as_schema: str | None, in_place: bool, replace: bool) -> tuple[str, Path]:
    source = manifest["tenant"]["schema"]
    if in_place == (as_schema is not None):
        raise BackupError("Chọn một trong hai: --as-schema TÊN (khôi phục ra schema mới) hoặc --in-place.")
    if in_place:
        with schema_context("public"):
            tenant = Tenant.objects.filter(slug=manifest["tenant"]["slug"]).first()
        if tenant is None or tenant.schema_name != source:
            raise BackupError(
                f"Không có đơn vị “{manifest['tenant']['slug']}” với schema {source} để khôi phục tại chỗ; "
                "hãy khôi phục ra schema mới (--as-schema)."
            )
        schema = source
    else:
        schema = as_schema
        if not sqldump.SCHEMA_RE.match(schema) or schema.startswith("pg_") or schema in RESERVED_SCHEMAS \
                or schema == settings.TENANT_BASE_SCHEMA:
            raise BackupError(f"Tên schema “{schema}” không dùng được (chữ thường, số, gạch dưới; không dành riêng).")
        with schema_context("public"):
            if Tenant.objects.filter(schema_name=schema).exists():
                raise BackupError(f"Schema {schema} là của một đơn vị đang có; hãy chọn tên khác.")
    files = media_root_of(schema)
    if not replace or not in_place:
        if schema_exists(schema):
            raise BackupError(f"Schema {schema} đã có. Khôi phục tại chỗ đè lên nó cần --replace; "
                              "hoặc chọn một schema mới.")
        if files.exists() and any(files.iterdir()):
            raise BackupError(f"Thư mục tệp {files} đã có tệp. Khôi phục tại chỗ đè lên nó cần --replace.")
    return schema, files


def _psql(tools: pgtools.Tools, script: Path) -> None:
    cmd = [str(tools.psql), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", str(script)]
    done = subprocess.run(cmd, env=pgtools.libpq_env(), capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        err = done.stderr.strip()
        reason = err.split("motcua: ", 1)[1].splitlines()[0] if "motcua: " in err else err[-800:]
        raise BackupError(f"Khôi phục thất bại, không có gì thay đổi trong cơ sở dữ liệu: {reason}")


def _cache_forget(schema: str) -> None:
    """Cached values of the restored schema describe data that is gone (best effort: Redis may be down)."""
    try:
        client = caches["default"]._cache.get_client(write=True)  # noqa: SLF001
        keys = list(client.scan_iter(match=f"{schema}:*", count=500))
        if keys:
            client.delete(*keys)
    except Exception as exc:  # noqa: BLE001 — the restore is done; a stale cache expires by itself
        log.warning("restore %s: cache not cleared (%s)", schema, type(exc).__name__)


def backup_restore(*, archive: Path, as_schema: str | None = None, in_place: bool = False,
                   replace: bool = False, actor: str = "tenant_restore") -> Restored:
    """Verify ``archive`` and restore it into ``as_schema`` or in place (``replace``: over what is there)."""
    started = time.monotonic()
    tools = pgtools.find_tools()
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    staging = media / f".restore-{uuid.uuid4().hex}"
    staging.mkdir(mode=0o700)
    try:
        opened = arc.archive_open(archive=Path(archive), staging=staging)
        manifest = opened.manifest
        schema, files = _target_schema(manifest=manifest, as_schema=as_schema, in_place=in_place, replace=replace)
        script = staging / "restore.sql"
        sqldump.restore_script(dump=opened.dump, target=script, source_schema=manifest["tenant"]["schema"],
                               schema=schema, tables=manifest["tables"], drop_first=in_place and replace)
        _psql(tools, script)
        if files.exists():
            shutil.move(str(files), str(staging / "replaced"))
        files.parent.mkdir(parents=True, exist_ok=True)
        if opened.files.is_dir():
            os.replace(opened.files, files)
        else:
            files.mkdir()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _cache_forget(schema)
    result = Restored(schema=schema, tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()),
                      files=len(manifest["files"]), seconds=round(time.monotonic() - started, 2))
    with schema_context("public"), transaction.atomic():
        tenant = Tenant.objects.filter(slug=manifest["tenant"]["slug"]).first()
        record(actor=actor, action="restore-in-place" if in_place else "restore-copy",
               target=f"{manifest['tenant']['slug']} → {schema}", tenant_id=tenant.pk if tenant else None,
               detail=f"{Path(archive).name} ({manifest['created_at']}): {result.tables} bảng, {result.rows} dòng, "
                      f"{result.files} tệp")
    log.info("restore %s into %s: %s tables, %s rows, %s files", manifest["tenant"]["slug"], schema,
             result.tables, result.rows, result.files)
    return result


def backup_tenant(*, slug: str) -> Backup:
    """The backup of the tenant named by ``slug`` (the nightly task's unit of work)."""
    with schema_context("public"):
        tenant = Tenant.objects.get(slug=slug)
    return backup_create(tenant=tenant)
