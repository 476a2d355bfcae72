"""Who and what of a procedure, read from Vietnamese text: levels (cấp thực hiện), the
executing agency (cơ quan thực hiện), the online level (mức độ), applicants (đối tượng),
required documents (thành phần hồ sơ) and dates.

A document is optional only when "(nếu có)" qualifies the document as a whole ("Văn bản
ủy quyền (nếu có)"), not when it qualifies one item inside it ("Bản vẽ hoàn công (nếu
có) hoặc bản vẽ thiết kế ...", "...; Báo cáo thẩm tra (nếu có)"): see
:func:`document_is_optional`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from control.catalogue.cells import split_items
from control.catalogue.records import RequiredDocument, problem
from core.text import fold, nfc

_LEVEL_TOKENS = {
    "province": {"tinh", "thanh pho truc thuoc trung uong", "tp truc thuoc tw", "province", "provincial"},
    "district": {"huyen", "quan", "thi xa", "thanh pho thuoc tinh", "district"},
    "commune": {"xa", "phuong", "thi tran", "dac khu", "commune", "ward"},
}


def parse_levels(text: str) -> set[str]:
    """CapThucHien: "Cấp tỉnh", "Cấp Tỉnh, Cấp Huyện, Cấp Xã", "Tỉnh; Xã", "province"..."""
    levels: set[str] = set()
    unknown: list[str] = []
    for raw in re.split(r"[,;/+&\n]|\bvà\b", nfc(text)):
        tok = re.sub(r"^(cap|ubnd( cap)?|uy ban nhan dan( cap)?)\s+", "", fold(raw).strip(" ."))
        found = [lvl for lvl, names in _LEVEL_TOKENS.items() if tok in names]
        if found:
            levels.add(found[0])
        elif tok:
            unknown.append(f"'{raw.strip()}'")
    if unknown:
        raise problem("unknown_level", ", ".join(unknown))
    if not levels:
        raise problem("missing_levels")
    return levels


def _classify_part(f: str) -> tuple[str | None, set[str]]:
    if re.match(r"(bo|cuc|tong cuc)\s(?!phan\b)", f) or "co quan dai dien" in f or "bo ngoai giao" in f:
        return "co_quan_trung_uong", set()
    if "cong an" in f:
        if re.search(r"\b(cap )?(xa|phuong|thi tran)\b", f):
            return "cong_an", {"commune"}
        return "cong_an", {"district"} if re.search(r"\b(cap )?(huyen|quan)\b", f) else {"province"}
    if "van phong dang ky dat dai" in f:
        return "van_phong_dang_ky_dat_dai", {"province"}
    if re.match(r"(chi cuc )?thue\b", f):
        return "thue", {"province"}
    if "bao hiem xa hoi" in f:
        return "bhxh", {"province"}
    if re.match(r"(co quan chuyen mon|co quan quan ly|phong)\b", f):
        if "cap tinh" in f:
            return "so_ban_nganh", {"province"} | ({"commune"} if "cap xa" in f else set())
        if "cap huyen" in f:
            return "phong_chuyen_mon", {"district"}
        if "cap xa" in f or re.match(r"phong (kinh te|van hoa)", f):  # commune offices since 07/2025
            return "phong_chuyen_mon", {"commune"}
        return "phong_chuyen_mon", {"district"}
    if re.match(r"so\s", f) or f.startswith("ban quan ly"):
        return "so_ban_nganh", {"province"}
    m = re.search(r"(?:uy ban nhan dan|ubnd)\s+(?:cap\s+)?(\w+(?: \w+)?)", f)
    if m:
        word = m.group(1)
        if re.match(r"(xa|phuong|thi tran|dac khu)\b", word):
            return "ubnd_xa", {"commune"}
        if re.match(r"(huyen|quan|thi xa)\b", word):
            return "ubnd_huyen", {"district"}
        if re.match(r"(tinh|thanh pho)\b", word):
            return "ubnd_tinh", {"province"}
    return None, set()


def classify_agency(text: str | None) -> tuple[str | None, set[str]]:
    """Agency kind and levels from a free-text agency ("Ủy ban nhân dân cấp xã",
    "Sở Tư pháp", "Chi nhánh Văn phòng đăng ký đất đai", "Công an cấp Xã"...).

    Several agencies separated by ';' give the kind of the first recognised one and the
    union of levels. Central bodies only (ministries, embassies) give
    ("co_quan_trung_uong", set()); unrecognised text gives (None, set()).
    """
    kind: str | None = None
    levels: set[str] = set()
    central = False
    for part in split_items(text or ""):
        k, lv = _classify_part(fold(part))
        central = central or k == "co_quan_trung_uong"
        if k and k != "co_quan_trung_uong":
            kind = kind or k
            levels |= lv
    if kind is None and central:
        return "co_quan_trung_uong", set()
    return kind, levels


def parse_online_level(text: str) -> str:
    """MucDo: "Toàn trình"/"Mức độ 4" -> full; "Một phần"/"Mức độ 3" -> partial;
    "Mức độ 2"/"Cung cấp thông tin" -> none."""
    f = fold(text).strip(" .")
    if not f:
        raise problem("missing_online_level")
    m = re.fullmatch(r"(?:muc(?: do)?|md)?\s*([1-4])", f)
    if m:
        return {"4": "full", "3": "partial"}.get(m.group(1), "none")
    if "toan trinh" in f or f == "full":
        return "full"
    if "mot phan" in f or f == "partial":
        return "partial"
    if "thong tin" in f or f in {"none", "khong", "truc tiep"}:
        return "none"
    raise problem("bad_online_level", text)


_COMPANY_WORDS = ("doanh nghiep", "to chuc", "hop tac xa", "htx", "cong ty", "ho kinh doanh", "co so ", "don vi",
                  "co quan", "company", "organi", "business", "chi nhanh", "van phong dai dien")  # fmt: skip
_CITIZEN_WORDS = ("cong dan", "ca nhan", "nguoi", "ho gia dinh", "can bo", "cong chuc", "vien chuc", "citizen",
                  "individual", "person", "tre em", "hoc sinh", "sinh vien")  # fmt: skip


def applicant_kind(text: str) -> str | None:
    """ "Doanh nghiệp", "Tổ chức ..." -> company; "Công dân Việt Nam", "Người nước ngoài" -> citizen."""
    f = fold(text)
    if any(w in f for w in _COMPANY_WORDS):
        return "company"
    return "citizen" if any(w in f for w in _CITIZEN_WORDS) else None


def parse_applicants(text: str) -> tuple[set[str], list[str]]:
    """DoiTuong -> (subset of {"citizen", "company"}, unrecognised items)."""
    kinds: set[str] = set()
    unknown: list[str] = []
    for item in (p.strip() for p in re.split(r"[;,\n](?![^(]*\))", nfc(text))):
        if not item:
            continue
        kind = applicant_kind(item)
        if kind:
            kinds.add(kind)
        else:
            unknown.append(item)
    return kinds, unknown


_ORIGINALS_RE = re.compile(r"(\d+)\s*ban\s*chinh")
_COPIES_RE = re.compile(r"(\d+)\s*ban\s*(?:sao|chup)")
_FORM_RE = re.compile(r"\bmẫu(?:\s+số)?\s+([A-Za-zĐđ]*[0-9][\w./\-]*)", re.IGNORECASE)


# "(nếu có)", "(nếu có yêu cầu)", "(nếu có" cut off, ", nếu có"
_IF_ANY_RE = re.compile(r"(?:\(|,)\s*neu co\b[^()]*\)?")
# What may follow it and still leave it qualifying the whole document: a condition.
_CONDITION_RE = re.compile(r"(?:doi voi|trong truong hop|truong hop|theo quy dinh)\b[^;]*")
# Separators of a list of items (or sentences) inside one document's text.
_LIST_RE = re.compile(r";|\.\s+\S|\s[-+•]\s|:\s")


def document_is_optional(name: str) -> bool:
    """True when "(nếu có)" qualifies the document as a whole: it closes the text (or is
    followed only by a condition, "(nếu có) đối với trường hợp ..."), and the text is one
    item, not a list whose last item it qualifies. "Văn bản ủy quyền (nếu có)" -> True;
    "Bản vẽ hoàn công (nếu có) hoặc bản vẽ thiết kế ..." -> False; "Quyết định phê duyệt
    dự án; ...; báo cáo thẩm tra (nếu có)" -> False."""
    f = fold(name).rstrip(" .;,:")
    found = list(_IF_ANY_RE.finditer(f))
    if not found:
        return False
    last = found[-1]
    tail = f[last.end() :].strip()
    if tail and not _CONDITION_RE.fullmatch(tail):
        return False
    return _LIST_RE.search(f[: last.start()]) is None


def parse_document(text: str, group: str = "") -> RequiredDocument:
    """One required document: "Tờ khai theo Mẫu CT01 (01 bản chính)", "Bản sao ...",
    "Văn bản ủy quyền (nếu có)". Default: one original, no copy."""
    t = nfc(text).strip()
    f = fold(t)
    orig, copy = _ORIGINALS_RE.search(f), _COPIES_RE.search(f)
    if orig or copy:
        originals, copies = int(orig.group(1)) if orig else 0, int(copy.group(1)) if copy else 0
    else:
        has_copy = re.search(r"ban (sao|chup)", f) is not None
        originals, copies = (1 if "ban chinh" in f or not has_copy else 0), (1 if has_copy else 0)
    form = _FORM_RE.search(t)
    name = re.sub(r"\s*\(\s*\d+\s*bản[^)]*\)", "", t).strip() or t
    return RequiredDocument(
        name=name,
        originals=originals,
        copies=copies,
        form_template_code=form.group(1).rstrip(".,;)") if form else None,
        optional=document_is_optional(name),
        group=group,
    )


def parse_date(value: Any) -> date:
    """A date cell: a date, "2025-07-01", "01/07/2025", "1.7.2025"."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else date.fromisoformat(text[:10])
    except ValueError as exc:
        raise problem("bad_date", text) from exc
