"""Blank forms (mẫu đơn, tờ khai) that a tenant uploads for a required document: checked by content."""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_BYTES = 10 * 1024 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls (Office 97-2003)
#: Office Open XML parts and OpenDocument types: (marker, content type, extension)
ZIP_KINDS = (
    ("wordprocessingml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    ("spreadsheetml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text", "odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
)


@dataclass(frozen=True)
class FormFile:
    content: bytes
    content_type: str
    extension: str
    original_name: str

    @property
    def storage_name(self) -> str:
        return f"{secrets.token_urlsafe(18)}.{self.extension}"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _zip_kind(content: bytes) -> tuple[str, str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                declared = z.read("mimetype").decode("ascii", "replace").strip()
            elif "[Content_Types].xml" in names:
                declared = z.read("[Content_Types].xml").decode("utf-8", "replace")
            else:
                return None
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError):
        return None
    for marker, content_type, ext in ZIP_KINDS:
        if marker in declared:
            return content_type, ext
    return None


def form_file_check(upload: object) -> FormFile:
    """Accept PDF, Word or Excel (97-2003 or Open XML) and OpenDocument, by content, up to 10 MB."""
    name = " ".join(str(getattr(upload, "name", "") or "mau-don").split())[:150]
    content = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    if len(content) > MAX_BYTES:
        raise ValidationError(f"Tệp “{name}” quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if not content:
        raise ValidationError(f"Tệp “{name}” rỗng.")
    if content.startswith(b"%PDF-"):
        return FormFile(content, "application/pdf", "pdf", name)
    if content.startswith(OLE2):
        is_xls = name.lower().endswith(".xls")
        return FormFile(content, "application/vnd.ms-excel" if is_xls else "application/msword",
                        "xls" if is_xls else "doc", name)
    if content.startswith(b"PK\x03\x04") and (kind := _zip_kind(content)):
        return FormFile(content, kind[0], kind[1], name)
    raise ValidationError(f"Tệp “{name}” không phải mẫu đơn PDF, Word, Excel hoặc OpenDocument "
                          "(kiểm tra theo nội dung tệp).")
