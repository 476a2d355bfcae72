"""Administrative divisions (34 provinces, 3,321 communes/wards since 1 July 2025) from the
``vietnam-provinces`` package, and Vietnamese names → sub-domain slugs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

#: Standard departments (sở, ban, ngành) created for a province tenant; override with
#: settings.ONBOARDING_DEPARTMENTS. The list after the 2025 reorganisation of provincial
#: departments (Decree 45/2025/NĐ-CP); provinces add or remove units in the setup wizard.
DEFAULT_DEPARTMENTS: tuple[str, ...] = (
    "Văn phòng Ủy ban nhân dân",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Công an tỉnh",
)
ONE_STOP_NAME = "Trung tâm Phục vụ hành chính công"


def departments() -> tuple[str, ...]:
    return tuple(getattr(settings, "ONBOARDING_DEPARTMENTS", DEFAULT_DEPARTMENTS))


@dataclass(frozen=True)
class Division:
    code: str  # official code: province "31", commune/ward "11311"
    name: str
    kind: str  # "tỉnh", "thành phố trung ương", "xã", "phường", "đặc khu"
    codename: str


def _province_code(value: int | str) -> str:
    return f"{int(value):02d}"


@lru_cache(maxsize=1)
def provinces() -> tuple[Division, ...]:
    from vietnam_provinces import Province

    items = [Division(_province_code(p.code), p.name, p.division_type.value, p.codename) for p in Province.iter_all()]
    return tuple(sorted(items, key=lambda d: slugify_vi(d.name)))


def province(code: str) -> Division | None:
    return {p.code: p for p in provinces()}.get(_province_code(code)) if str(code).isdigit() else None


@lru_cache(maxsize=64)
def communes(province_code: str) -> tuple[Division, ...]:
    """Communes, wards and special zones of a province (official 5-digit codes)."""
    from vietnam_provinces import Ward

    code = int(province_code)
    items = [Division(f"{int(w.code):05d}", w.name, w.division_type.value, w.codename)
             for w in Ward.iter_all() if int(w.province_code) == code]
    return tuple(sorted(items, key=lambda d: d.code))


def short_name(name: str) -> str:
    """'Thành phố Hải Phòng' -> 'Hải Phòng', 'Tỉnh Lạng Sơn' -> 'Lạng Sơn'."""
    return re.sub(r"^(Thành phố|Tỉnh)\s+", "", name.strip())


def slugify_vi(text: str) -> str:
    """Vietnamese name → sub-domain: diacritics removed, đ→d, words joined without spaces.

    'Thành phố Hải Phòng' → 'haiphong' (with the prefix dropped); 'Đắk Lắk' → 'daklak'.
    """
    text = short_name(text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9-]+", "", text)
    return text.strip("-")
