"""One tenant's archive (tar.gz): ``schema.sql`` (pg_dump of its schema), ``files/...`` (its media) and,
last, ``manifest.json``.

The manifest names the tenant, the schema and the time, and gives the rows of every table and the sha256
and size of the dump and of every file. It is signed (HMAC-SHA256, keyed by ``BACKUP_SIGNING_KEY`` or
derived from ``SECRET_KEY``): an archive whose content or manifest was changed is refused, whoever
changed it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

MANIFEST = "manifest.json"
DUMP = "schema.sql"
FILES = "files/"
FORMAT = 1
CHUNK = 1024 * 1024


class ArchiveError(ValueError):
    """The archive is unreadable, incomplete or was changed (the message says what)."""


def _key() -> bytes:
    secret = getattr(settings, "BACKUP_SIGNING_KEY", "") or ""
    if secret:
        return secret.encode()
    return hashlib.sha256(b"motcua-backup-manifest:" + settings.SECRET_KEY.encode()).digest()


def _canonical(manifest: dict) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def manifest_sign(manifest: dict) -> dict:
    """The manifest with its signature (over everything else in it)."""
    return {**manifest, "signature": hmac.new(_key(), _canonical(manifest), hashlib.sha256).hexdigest()}


def manifest_signature_ok(manifest: dict) -> bool:
    expected = hmac.new(_key(), _canonical(manifest), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, str(manifest.get("signature", "")))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class _Hashing:
    """A reader that hashes what tarfile copies into the archive (each file is read once)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh, self.digest, self.size = fh, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.digest.update(data)
        self.size += len(data)
        return data


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(name relative to ``root`` in POSIX form, path) of every regular file under ``root``, sorted."""
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _add(tar: tarfile.TarFile, name: str, path: Path) -> tuple[str, int]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as fh:
        reader = _Hashing(fh)
        tar.addfile(info, reader)
    return reader.digest.hexdigest(), info.size


def archive_write(*, target: Path, manifest: dict, dump: Path, files_root: Path) -> dict:
    """Write the archive to ``target`` (through ``target.part``, renamed at the end); returns the signed
    manifest, completed with the checksums of the dump and of every file as they were written."""
    part = target.with_name(target.name + ".part")
    files: dict[str, dict] = {}
    try:
        with tarfile.open(part, "w:gz", compresslevel=6) as tar:
            sha, size = _add(tar, DUMP, dump)
            manifest = {**manifest, "dump": {"name": DUMP, "sha256": sha, "size": size}}
            for name, path in media_files(files_root):
                sha, size = _add(tar, FILES + name, path)
                files[name] = {"sha256": sha, "size": size}
            manifest = manifest_sign({**manifest, "files": files})
            body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(dump.stat().st_mtime), 0o600
            tar.addfile(info, _Bytes(body))
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return manifest


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.at + n
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


@dataclass(frozen=True)
class Opened:
    """A verified archive: its manifest and, when extracted, where its dump and files now are."""

    manifest: dict
    dump: Path | None
    files: Path | None


def _member_name(member: tarfile.TarInfo) -> str:
    if not member.isfile():
        raise ArchiveError(f"Tệp lưu trữ có mục không phải tệp thường: {member.name!r}.")
    name = PurePosixPath(member.name)
    if name.is_absolute() or ".." in name.parts or str(name) != member.name:
        raise ArchiveError(f"Tệp lưu trữ có đường dẫn không hợp lệ: {member.name!r}.")
    if member.name not in (MANIFEST, DUMP) and not (member.name.startswith(FILES) and len(member.name) > len(FILES)):
        raise ArchiveError(f"Tệp lưu trữ có mục lạ: {member.name!r}.")
    return member.name


def _copy(src: IO[bytes], dst: IO[bytes] | None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := src.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if dst is not None:
            dst.write(chunk)
    return digest.hexdigest(), size


def archive_open(*, archive: Path, staging: Path | None = None) -> Opened:
    """Read the archive once, hashing every member (and extracting it under ``staging`` when given), then
    check the manifest: its signature, the dump's and every file's checksum and size, no file missing or
    added. Raises ArchiveError naming the first problems; returns the manifest otherwise."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _member_name(member)
                if name in seen or (name == MANIFEST and manifest_bytes):
                    raise ArchiveError(f"Tệp lưu trữ có mục lặp lại: {name!r}.")
                src = tar.extractfile(member)
                if name == MANIFEST:
                    manifest_bytes = src.read(64 * 1024 * 1024)
                    continue
                if staging is None:
                    seen[name] = _copy(src, None)
                    continue
                path = staging / name
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with open(path, "xb") as dst:
                    seen[name] = _copy(src, dst)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"Không đọc được tệp lưu trữ {archive.name}: {exc}") from exc
    if not manifest_bytes:
        raise ArchiveError("Tệp lưu trữ không có manifest.json.")
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise ArchiveError(f"manifest.json không đọc được: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("manifest.json không đúng định dạng bản sao lưu.")
    if not manifest_signature_ok(manifest):
        raise ArchiveError("Chữ ký của manifest không khớp: tệp lưu trữ đã bị sửa hoặc được ký bằng khoá khác.")
    try:
        problems = _mismatches(manifest, seen)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"manifest.json thiếu mục {exc}.") from exc
    if problems:
        more = f" (và {len(problems) - 5} sai lệch khác)" if len(problems) > 5 else ""
        raise ArchiveError("Tệp lưu trữ không khớp manifest: " + "; ".join(problems[:5]) + more + ".")
    return Opened(manifest=manifest, dump=staging / DUMP if staging else None,
                  files=staging / FILES if staging else None)


def _mismatches(manifest: dict, seen: dict[str, tuple[str, int]]) -> list[str]:
    expected = {DUMP: (manifest["dump"]["sha256"], manifest["dump"]["size"])}
    expected.update({FILES + name: (f["sha256"], f["size"]) for name, f in manifest.get("files", {}).items()})
    problems = [f"thiếu {name}" for name in sorted(expected.keys() - seen.keys())]
    problems += [f"thừa {name}" for name in sorted(seen.keys() - expected.keys())]
    problems += [f"sai mã băm {name}" for name in sorted(expected.keys() & seen.keys())
                 if tuple(seen[name]) != tuple(expected[name])]
    return problems
