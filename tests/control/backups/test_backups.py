"""Per-tenant backup and restore on the real server: pg_dump of the schema, the tenant's files, a signed
manifest; a restore in place after the schema and files are gone gives back every row and every file."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
import tarfile
import time
import uuid
from contextlib import suppress
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from control.backups import services
from control.backups.archive import DUMP, MANIFEST, manifest_sign
from control.backups.models import Backup
from control.backups.pgtools import ToolError, find_tools
from control.console.models import OperatorAction
from control.tenancy.models import Domain, Tenant
from control.tenancy.services import tenant_create
from core.accounts.models import User
from tests.support import PASSWORD
from tests.tenants.dossiers.helpers import build_office, pdf_upload, png, receive


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprint(schema: str) -> dict[str, tuple]:
    """Every table's row count and the md5 of all its rows (as text, sorted); every sequence's position."""
    out: dict[str, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace"
                       " WHERE s.nspname = %s AND c.relkind IN ('r', 'S') ORDER BY 1", [schema])
        for name, kind in cursor.fetchall():
            if kind == "S":
                cursor.execute(f"SELECT last_value, is_called FROM {_q(schema)}.{_q(name)}")
            else:
                cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                               f" FROM {_q(schema)}.{_q(name)} t")
            out[name] = tuple(cursor.fetchone())
    return out


def settle_outbox(schema: str, timeout: float = 30.0) -> None:
    """Deliver the tenant's notifications now, and wait for a worker that took one to finish: a Celery worker
    of this test session (started by another test) may be sending them, which would change rows between the
    fingerprint and the backup."""
    from tenants.notifications.delivery import outbox_flush
    from tenants.notifications.models import OutboxMessage

    deadline = time.monotonic() + timeout
    with schema_context(schema):
        while True:
            outbox_flush()
            if not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists():
                return
            assert time.monotonic() < deadline, "outbox messages still pending"
            time.sleep(0.1)


def file_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _drop(schema: str) -> None:
    connection.set_schema_to_public()
    if schema_exists(schema):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {_q(schema)} CASCADE")
    shutil.rmtree(services.media_root_of(schema), ignore_errors=True)


@pytest.fixture(scope="module")
def backup_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("backups")


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker, backup_root):
    """A committed tenant with staff, dossiers with uploaded files, and fee payments (pg_dump sees only
    committed rows)."""
    from billing.fees.models import LedgerEntry, Payment, PaymentEvent
    from billing.fees.services import payment_request_create

    slug = f"bk{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        tenant = tenant_create(name="Tỉnh Sao Lưu", slug=slug, status=Tenant.Status.ACTIVE)
        with schema_context(tenant.schema_name):
            office = build_office()
            for n in range(3):
                receive(office, files=[(pdf_upload(f"don-{n}.pdf", b"%PDF-1.4 " + bytes([n]) * 500), office.docs[0].pk),
                                       (png(), office.docs[1].pk)],
                        applicant={"applicant_name": f"Trần Thị Bình {n}", "id_number": f"03123456789{n}"})
            for n in range(2):
                req = payment_request_create(subject_type="dossier", subject_id=1000 + n, reference=f"HS-BK-{n}",
                                             amount_vnd=150_000, description="Lệ phí “hộ tịch” O'Brien \\ %s",
                                             procedure_name="Đăng ký khai sinh", unit_name="Sở Tư pháp")
                pay = Payment.objects.create(request=req, txn_ref=f"BK-{slug}-{n}", idempotency_key=f"bk-{n}",
                                             amount_vnd=150_000, gateway_created="20260101120000")
                PaymentEvent.objects.create(payment=pay, from_status="pending", to_status="succeeded", source="ipn",
                                            actor="hệ thống", note="đã thanh toán\ttab\nxuống dòng")
                LedgerEntry.objects.create(kind=LedgerEntry.Kind.FEE_PAID, payment=pay, amount_vnd=150_000,
                                           reference=req.reference, provider=pay.provider)
        connection.set_schema_to_public()
    yield tenant
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        for backup in Backup.objects.filter(slug=slug):
            Path(backup.path).unlink(missing_ok=True)
            with suppress(OSError):
                Path(backup.path).parent.rmdir()
        Backup.objects.filter(slug=slug).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM console_operatoraction WHERE tenant_id = %s", [tenant.pk])
        Domain.objects.filter(tenant=tenant).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tenancy_tenant WHERE id = %s", [tenant.pk])
        _drop(tenant.schema_name)
        connection.close()


@pytest.fixture
def committed(django_db_setup, django_db_blocker, settings, backup_root):
    """Committed work (no test transaction): pg_dump and psql are other sessions."""
    settings.BACKUP_ROOT = str(backup_root)
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _backup(tenant: Tenant) -> Backup:
    out = io.StringIO()
    call_command("tenant_backup", tenant.slug, stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    return Backup.objects.filter(slug=tenant.slug).order_by("-created_at", "-id").first()


def test_backup_drop_and_restore_in_place_gives_back_every_row_and_file(province, committed):
    schema = province.schema_name
    media = services.media_root_of(schema)
    settle_outbox(schema)
    rows_before, files_before = fingerprint(schema), file_hashes(media)
    assert len(files_before) == 6  # 3 dossiers × (PDF + PNG)
    assert rows_before["dossiers_dossier"][0] == 3 and rows_before["fees_payment"][0] == 2
    assert rows_before["fees_ledgerentry"][0] == 2 and rows_before["dossiers_dossierfile"][0] == 6

    backup = _backup(province)
    assert backup.verified and backup.tenant_id == province.pk and Path(backup.path).is_file()
    assert backup.size == Path(backup.path).stat().st_size and backup.files == 6
    with tarfile.open(backup.path) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))
    assert manifest["tenant"]["slug"] == province.slug and manifest["tenant"]["schema"] == schema
    assert manifest["tables"] == {name: fp[0] for name, fp in rows_before.items() if name in manifest["tables"]}
    assert set(manifest["tables"]) == {n for n in rows_before if not n.endswith("_seq")}
    assert {n: f["sha256"] for n, f in manifest["files"].items()} == files_before
    assert len(manifest["dump"]["sha256"]) == 64 and manifest["signature"]

    # The loss: the schema and every file of the tenant are gone.
    _drop(schema)
    assert not schema_exists(schema) and not media.exists()
    out = io.StringIO()
    call_command("tenant_restore", backup.path, "--in-place", stdout=out)
    assert "số dòng và mã băm khớp manifest" in out.getvalue()

    assert fingerprint(schema) == rows_before
    assert file_hashes(media) == files_before
    # the tenant works again: its staff sign in and see their dossiers; new rows take new ids
    with schema_context(schema):
        from tenants.dossiers.models import Dossier

        username = User.objects.filter(username__startswith="tiepnhan-").values_list("username", flat=True)[0]
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=f"{province.slug}.{settings.BASE_DOMAIN}")
    assert client.post("/staff/login/", {"username": username, "password": PASSWORD}).status_code == 302
    assert client.get("/staff/dossiers/").status_code == 200
    with schema_context(schema):
        assert Dossier.objects.count() == 3
        fresh = receive(build_office(), applicant={"applicant_name": "Người mới"})
        assert fresh.pk > max(Dossier.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))
    assert OperatorAction.objects.filter(tenant_id=province.pk, action="restore-in-place").exists()


def test_restore_as_a_new_schema_beside_the_live_tenant(province, committed):
    schema = province.schema_name
    copy = f"{schema}_xem"
    settle_outbox(schema)
    backup = _backup(province)
    rows, files = fingerprint(schema), file_hashes(services.media_root_of(schema))
    try:
        call_command("tenant_restore", backup.path, "--as-schema", copy, stdout=io.StringIO())
        assert fingerprint(copy) == rows  # the copy holds the same rows under the new name
        assert file_hashes(services.media_root_of(copy)) == files
        assert fingerprint(schema) == rows  # and the live tenant was not touched
        with connection.cursor() as cursor:  # no object of the copy points into the live schema
            cursor.execute("SELECT count(*) FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace"
                           " WHERE s.nspname = %s AND pg_get_constraintdef(c.oid) LIKE %s", [copy, f"%{schema}.%"])
            assert cursor.fetchone()[0] == 0
        with pytest.raises(CommandError, match="đã có"):
            call_command("tenant_restore", backup.path, "--as-schema", copy)
        with pytest.raises(CommandError, match="--replace"):
            call_command("tenant_restore", backup.path, "--in-place")
        with pytest.raises(CommandError, match="của một đơn vị đang có"):
            call_command("tenant_restore", backup.path, "--as-schema", "t_alpha")
    finally:
        _drop(copy)


def _rewrite(src: str, dst: Path, change) -> None:  # noqa: ANN001
    """Copy an archive, passing each member's (name, bytes) through ``change`` (None drops it)."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w:gz") as tout:
        for member in tin:
            data = tin.extractfile(member).read()
            changed = change(member.name, data)
            if changed is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(changed)
            tout.addfile(info, io.BytesIO(changed))


def _without_one_payment_row(data: bytes) -> bytes:
    lines, out, in_payments, dropped = data.split(b"\n"), [], False, False
    for line in lines:
        if line.startswith(b'COPY "') and b'"fees_payment" (' in line:
            in_payments = True
        elif in_payments and not dropped and line != b"\\.":
            dropped = True
            continue
        out.append(line)
    assert dropped
    return b"\n".join(out)


def test_a_tampered_archive_is_refused_and_changes_nothing(province, committed, tmp_path):
    backup = _backup(province)
    copy = f"{province.schema_name}_sua"
    try:
        _tamper_each_way(backup, copy, tmp_path)
    finally:
        _drop(copy)


def _tamper_each_way(backup: Backup, copy: str, tmp_path: Path) -> None:
    def refused(path: Path, message: str) -> None:
        with pytest.raises(CommandError, match=message):
            call_command("tenant_restore", str(path), "--as-schema", copy)
        assert not schema_exists(copy) and not services.media_root_of(copy).exists()
        assert not list(Path(settings.MEDIA_ROOT).glob(".restore-*"))  # nothing left of the attempt

    # one uploaded file changed
    changed_file = tmp_path / "file.tar.gz"
    first_file = next(n for n in tarfile.open(backup.path).getnames() if n.startswith("files/"))
    _rewrite(backup.path, changed_file, lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if n == first_file else d)
    refused(changed_file, "sai mã băm files/")
    # a row taken out of the dump, the dump's checksum updated in the manifest (not signed again)
    manifest = {}

    def drop_row(name: str, data: bytes) -> bytes:
        if name == DUMP:
            data = _without_one_payment_row(data)
            manifest["dump"] = {"name": DUMP, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        return data

    unsigned = tmp_path / "unsigned.tar.gz"
    _rewrite(backup.path, unsigned, drop_row)

    def with_manifest(sign: bool):  # noqa: ANN202
        def change(name: str, data: bytes) -> bytes:
            if name != MANIFEST:
                return data
            body = {**json.loads(data), "dump": manifest["dump"]}
            return json.dumps(manifest_sign(body) if sign else body).encode()
        return change

    forged = tmp_path / "forged.tar.gz"
    _rewrite(str(unsigned), forged, with_manifest(sign=False))
    refused(forged, "Chữ ký của manifest không khớp")
    # ... and re-signed with the right key: the row counts, checked in the restore's transaction, refuse it
    resigned = tmp_path / "resigned.tar.gz"
    _rewrite(str(unsigned), resigned, with_manifest(sign=True))
    refused(resigned, "fees_payment")
    # a file added, a file taken out, a truncated archive
    extra = tmp_path / "extra.tar.gz"
    with tarfile.open(backup.path) as tin, tarfile.open(extra, "w:gz") as tout:
        for member in tin:
            tout.addfile(member, tin.extractfile(member))
        info = tarfile.TarInfo("files/them.txt")
        info.size = 3
        tout.addfile(info, io.BytesIO(b"abc"))
    refused(extra, "thừa files/them.txt")
    missing = tmp_path / "missing.tar.gz"
    _rewrite(backup.path, missing, lambda n, d: None if n == first_file else d)
    refused(missing, f"thiếu {first_file}")
    truncated = tmp_path / "truncated.tar.gz"
    raw = gzip.decompress(Path(backup.path).read_bytes())
    truncated.write_bytes(gzip.compress(raw[: len(raw) // 2]))
    refused(truncated, "Không đọc được|thiếu")
    out = io.StringIO()
    call_command("tenant_restore", backup.path, "--check", stdout=out)  # the original is still good
    assert "hợp lệ" in out.getvalue()


def test_retention_keeps_the_newest_archives(province, committed, settings):
    settings.BACKUP_KEEP = 2
    made = [services.backup_create(tenant=province) for _ in range(3)]
    kept = list(Backup.objects.filter(slug=province.slug).order_by("-created_at"))
    assert [b.pk for b in kept] == [made[2].pk, made[1].pk]
    assert not Path(made[0].path).exists() and all(Path(b.path).exists() for b in kept)
    assert services.backup_verify(backup=kept[0])
    Path(kept[0].path).write_bytes(b"hong")
    assert not services.backup_verify(backup=kept[0])
    assert not Backup.objects.get(pk=kept[0].pk).verified


def test_no_matching_pg_dump_is_a_clear_error(committed, settings, tmp_path):
    tools = find_tools()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert tools.server_major == int(cursor.fetchone()[0]) // 10000
    settings.PG_BIN_DIR = str(tmp_path)
    with pytest.raises(ToolError, match=f"postgresql-client-{tools.server_major}"):
        find_tools()
    with pytest.raises(CommandError, match="PG_BIN_DIR"):
        call_command("tenant_backup", "alpha")


def test_the_nightly_run_backs_up_every_open_tenant_in_public(province, committed, celery_queue):
    from control.backups.tasks import backup_all

    entry = settings.CELERY_BEAT_SCHEDULE["backups-all-tenants"]
    assert entry["task"] == "control.backups.tasks.backup_all" and entry["tenant_schemas"] == ["public"]
    since = time.time()
    open_slugs = set(Tenant.objects.filter(status__in=["trial", "active"]).values_list("slug", flat=True))
    assert {"alpha", "beta", province.slug} <= open_slugs
    assert set(backup_all.delay().get(timeout=60)) == open_slugs
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        done = {b.slug for b in Backup.objects.filter(created_at__gte=_at(since), verified=True)}
        if done >= open_slugs:
            break
        time.sleep(0.5)
    assert done >= open_slugs
    for backup in Backup.objects.filter(created_at__gte=_at(since)).exclude(slug=province.slug):
        Path(backup.path).unlink(missing_ok=True)  # the worker wrote them under its own BACKUP_ROOT
        with suppress(OSError):
            Path(backup.path).parent.rmdir()
        backup.delete()


def _at(ts: float):  # noqa: ANN202
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)
