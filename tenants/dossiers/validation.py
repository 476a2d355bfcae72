"""Applicant data and uploaded files: checked before anything is saved."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from unidecode import unidecode

from tenants.dossiers.errors import InvalidInput

CCCD_RE = re.compile(r"^\d{12}$")
TAX_CODE_RE = re.compile(r"^\d{10}(\d{3})?$")
PHONE_RE = re.compile(r"^(0|\+84)(3|5|7|8|9)\d{8}$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

#: Magic numbers of the accepted files (content, never the extension).
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def normalise_name(name: str) -> str:
    """Lower-case, unaccented, single-spaced: 'Nguyễn  Văn Ánh' -> 'nguyen van anh' (đ -> d)."""
    return " ".join(unidecode(name or "").lower().split())


def _clean_text(value: object, *, max_length: int) -> str:
    text = " ".join(str(value or "").split())
    return CONTROL_RE.sub("", text)[:max_length]


@dataclass(frozen=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    address: str
    phone: str
    email: str


def applicant_clean(data: dict) -> Applicant:
    """Validate applicant fields; raises ``InvalidInput`` with one Vietnamese message per bad field.

    Text is stored as typed (HTML is escaped when shown, never interpreted).
    """
    errors: dict[str, str] = {}
    kind = str(data.get("applicant_kind") or "person")
    if kind not in ("person", "company"):
        errors["applicant_kind"] = "Loại người nộp không hợp lệ."
    name = _clean_text(data.get("applicant_name"), max_length=200)
    if len(name) < 2:
        errors["applicant_name"] = "Vui lòng nhập họ tên người nộp (hoặc tên tổ chức)."
    id_number = re.sub(r"\s", "", str(data.get("id_number") or ""))
    if kind == "person" and not CCCD_RE.match(id_number):
        errors["id_number"] = "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
    elif kind == "company" and not TAX_CODE_RE.match(id_number):
        errors["id_number"] = "Mã số doanh nghiệp phải gồm 10 hoặc 13 chữ số."
    phone = re.sub(r"[\s.\-]", "", str(data.get("phone") or ""))
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = "Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678)."
    email = str(data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if errors:
        raise InvalidInput(errors)
    return Applicant(kind=kind, name=name, id_number=id_number,
                     address=_clean_text(data.get("address"), max_length=300), phone=phone, email=email)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    original_name: str
    sha256: str

    @property
    def storage_name(self) -> str:
        """A random name: the original name never reaches the file system."""
        return f"{secrets.token_urlsafe(18)}.{self.extension}"


def upload_check(upload: object, *, max_bytes: int = DEFAULT_MAX_BYTES, field: str = "file") -> CheckedUpload:
    """Read an uploaded file and accept only PDF, JPEG or PNG by content, up to ``max_bytes``."""
    name = _clean_text(getattr(upload, "name", "") or "tep", max_length=150)
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise InvalidInput({field: f"Tệp “{name}” quá lớn (tối đa {max_bytes // (1024 * 1024)} MB)."})
    content = upload.read(max_bytes + 1) if hasattr(upload, "read") else bytes(upload)
    if len(content) > max_bytes:
        raise InvalidInput({field: f"Tệp “{name}” quá lớn (tối đa {max_bytes // (1024 * 1024)} MB)."})
    if not content:
        raise InvalidInput({field: f"Tệp “{name}” rỗng."})
    for magic, content_type, ext in SIGNATURES:
        if content.startswith(magic):
            return CheckedUpload(content=content, content_type=content_type, extension=ext, original_name=name,
                                 sha256=hashlib.sha256(content).hexdigest())
    raise InvalidInput({field: f"Tệp “{name}” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."})
