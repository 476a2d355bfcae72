"""Import the National Public Service Portal export (``national-procedures.jsonl``).

One JSON object a line (see ``data/README.md``; a gzip copy of the portal's 400 records
ships in ``data/national-procedures.jsonl.gz``). The data is real and messy:
free-text agencies, null fields (lĩnh vực), fee values that are 0 while the wording
states amounts, times in working days, calendar days, hours, months or prose, several
provinces' variants of one procedure. :func:`load_national_jsonl` maps what it can onto
:class:`~control.catalogue.records.ProcedureRecord` and reports every record it cannot
take, with the reason, as an :class:`~control.catalogue.records.ImportReport`.

Mapping choices:
- levels and agency kind come from ``executing_agency`` by keywords ("cấp xã", "Sở ...",
  "Văn phòng đăng ký đất đai", "Công an cấp Xã"); when it is missing or unrecognised, the
  record is loaded flagged for review (``needs_review``, with the reason), its agency kind
  "khac" and its levels the usual ones of its field, named as a guess in the reason;
  procedures run only by central bodies or embassies abroad are rejected (not a
  province's business);
- a missing ``category`` is inferred from the name for a few unmistakable words (with a
  warning), otherwise the record is rejected;
- the processing time is the first usable ``processing_cases`` entry (by case code; a
  warning when the cases differ), else the first usable channel time; prose ("Không quá
  15 ngày ...", steps, cases) is read as the whole time (see ``durations``); months and
  unknown units are rejected;
- fees are taken per channel and de-duplicated, each with its own name (its text when
  the text is a label); ``value_vnd`` 0 or null with a wording
  that is not plainly "free" gives an amount of None (see the legal text); positive values
  under 1,000 are not plausible VND (foreign-currency or thousand-VND tables) and are
  dropped to None with a warning;
- documents are the checklist items with at least one original or copy (headings and
  "Lưu ý" notes are left out), optional only when "(nếu có)" qualifies the whole item;
  results and legal basis are de-duplicated;
- online level is "partial" when an ONLINE channel exists, else "none" (the export does
  not say whether a service is fully online).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from control.catalogue.agencies import applicant_kind, classify_agency, document_is_optional
from control.catalogue.durations import parse_duration
from control.catalogue.fees import DEFAULT_FEE_NAMES, fee_name_and_kind, parse_fee_amount
from control.catalogue.records import (
    LEVELS,
    MAX_LENGTHS,
    Fee,
    Field,
    FieldError,
    ImportReport,
    ProcedureRecord,
    RequiredDocument,
    RowError,
    level_sort_key,
    validate_record,
)
from core.text import fold, nfc

NATIONAL_FILE_NAME = "national-procedures.jsonl.gz"
DATA_DIR = Path(__file__).resolve().parent / "data"

_FEE_KINDS = {"FEE": "fee", "SERVICE_FEE": "charge", "PRICE_LEVEL": "price"}
_UNITS = {"WORKING_DAY": "working_day", "DAY": "calendar_day", "HOUR": "hour"}
_UNIT_WORDS = {"WORKING_DAY": "ngày làm việc", "DAY": "ngày", "HOUR": "giờ"}
_CHANNEL_ORDER = {"DIRECT": 0, "ONLINE": 1, "POSTAL": 2}
# Unmistakable words of a name -> field code (codes as the national portal uses them).
_FIELD_BY_NAME: list[tuple[tuple[str, ...], str, str]] = [
    (("khai sinh", "ket hon", "khai tu", "giam ho", "nhan cha", "ho tich", "nuoi con nuoi"), "G15-TP07", "Hộ tịch"),
    (("thuong tru", "tam tru", "luu tru", "tach ho", "noi thuong xuyen dau"), "G01-CA05", "Đăng ký, quản lý cư trú"),
    (("giay phep xay dung", "cong trinh tam", "hoat dong xay dung"), "G17-XD11", "Hoạt động xây dựng"),
    (("quyen su dung dat", "thua dat", "dat dai"), "G13-TN02", "Đất đai"),
]
MIN_PLAUSIBLE_VND = 1000


def default_national_path() -> Path:
    """The national records shipped with the product: ``control/catalogue/data/national-procedures.jsonl.gz``."""
    return DATA_DIR / NATIONAL_FILE_NAME


class _Reject(Exception):
    def __init__(self, column: str, vi: str, en: str, reason: str) -> None:
        super().__init__(en)
        self.column, self.vi, self.en, self.reason = column, vi, en, reason


def _text(value: Any) -> str:
    return nfc(str(value)).strip() if value is not None else ""


def _clean_item(text: str) -> str:
    return re.sub(r"^\s*(?:[-+•*–]+\s*)+", "", _text(text)).strip()


def _infer_field(name: str) -> tuple[str, str] | None:
    f = fold(name)
    for words, code, field_name in _FIELD_BY_NAME:
        if any(w in f for w in words):
            return code, field_name
    return None


def _processing(obj: dict[str, Any], warn: Any) -> tuple[Decimal, str]:
    """(amount, unit), with a warning for what was read from text or chosen among cases; raises _Reject."""
    cases = [c for c in obj.get("processing_cases") or [] if isinstance(c, dict)]
    cases.sort(key=lambda c: str(c.get("case_code") or ""))
    times = {(c.get("qty"), c.get("unit")) for c in cases if c.get("unit") in _UNITS}
    if len(times) > 1:
        shown = ", ".join(f"{q} {_UNIT_WORDS[u]}" for q, u in sorted(times, key=str))
        warn(
            "processing_cases",
            f"Thủ tục có {len(times)} trường hợp với thời hạn khác nhau ({shown}); lấy trường hợp "
            f"{cases[0].get('case_code') or 'đầu tiên'}",
            f"{len(times)} cases with different times ({shown}); the first case is taken",
            "several_cases",
        )
    channels = [c for c in obj.get("channels") or [] if isinstance(c, dict)]
    channels.sort(key=lambda c: _CHANNEL_ORDER.get(str(c.get("method")), 9))
    candidates = cases + [c["processing"] for c in channels if isinstance(c.get("processing"), dict)]
    seen_units: list[str] = []
    for cand in candidates:
        qty, unit = cand.get("qty"), str(cand.get("unit") or "")
        seen_units.append(unit)
        if unit in _UNITS and isinstance(qty, int | float) and not isinstance(qty, bool) and qty > 0:
            return Decimal(str(qty)).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), _UNITS[unit]
        if isinstance(qty, str) and qty.strip():
            try:
                amount, parsed_unit, several = parse_duration(qty, _UNIT_WORDS.get(unit, ""))
            except FieldError:
                continue
            how = " (cộng các bước, lấy trường hợp dài nhất)" if several else ""
            warn(
                "processing",
                f"Thời hạn đọc từ mô tả{how} '{_text(qty)[:60]}'",
                "Processing time read from the description" + (" (steps added, longest case)" if several else ""),
                "time_from_text",
            )
            return amount, parsed_unit
    if "MONTH" in seen_units:
        raise _Reject(
            "processing_cases",
            "Thời hạn tính bằng tháng, chưa được hỗ trợ (chỉ nhận ngày làm việc, ngày, giờ)",
            "Processing time in months is not supported (working days, days, hours only)",
            "unsupported_unit",
        )
    if not candidates:
        raise _Reject("processing_cases", "Không có thời hạn giải quyết", "No processing time", "missing_time")
    shown = ", ".join(sorted({f"{c.get('qty')} {c.get('unit')}" for c in candidates}))[:120]
    raise _Reject(
        "processing_cases",
        f"Không xác định được thời hạn giải quyết ({shown})",
        f"Cannot tell the processing time ({shown})",
        "bad_time",
    )


def _fees(obj: dict[str, Any], warn: Any) -> list[Fee]:
    fees: list[Fee] = []
    for channel in obj.get("channels") or []:
        for raw in (channel or {}).get("fees") or []:
            if not isinstance(raw, dict):
                continue
            kind = _FEE_KINDS.get(str(raw.get("type")), "charge")
            text = _text(raw.get("text"))
            value = raw.get("value_vnd")
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                warn("channels.fees", f"Số tiền không đọc được: {value!r}", f"Unreadable amount {value!r}", "bad_fee")
                value = None
            if value is not None and value < 0:
                raise _Reject(
                    "channels.fees", f"Phí, lệ phí không được âm: {value}", f"Negative fee {value}", "negative_fee"
                )
            amount: int | None
            if value and value >= MIN_PLAUSIBLE_VND:
                amount = value
            elif value:
                amount = None
                warn(
                    "channels.fees",
                    f"Số tiền {value} không hợp lý với đơn vị đồng (có thể là ngoại tệ hoặc nghìn đồng); để trống",
                    f"Amount {value} is not plausible in VND (foreign currency or thousands?); left empty",
                    "implausible_amount",
                )
            elif not text:
                if value is None:
                    continue  # nothing stated at all
                amount = 0
            else:
                try:
                    amount, _ = parse_fee_amount(text)
                except FieldError as exc:
                    raise _Reject("channels.fees", exc.message_vi, exc.message_en, exc.reason) from exc
            name = DEFAULT_FEE_NAMES[kind]
            if text:
                guessed, _ = fee_name_and_kind(text)
                if guessed not in DEFAULT_FEE_NAMES.values():
                    name = guessed
            fee = Fee(name=name, kind=kind, amount_vnd=amount, legal_text=text)
            if fee not in fees:
                fees.append(fee)
    return fees


def _documents(obj: dict[str, Any], warn: Any) -> list[RequiredDocument]:
    docs: list[RequiredDocument] = []
    seen: set[tuple[str, str]] = set()
    limit = MAX_LENGTHS["document_group"]
    for group in obj.get("checklist_raw") or []:
        if not isinstance(group, dict):
            continue
        gname = " ".join(_text(group.get("group")).strip("*: ").split())
        if fold(gname).startswith("luu y"):
            continue
        if len(gname) > limit:
            warn(
                "checklist_raw",
                f"Tên nhóm giấy tờ dài {len(gname)} ký tự, đã rút gọn còn {limit}",
                f"Document group name of {len(gname)} characters shortened to {limit}",
                "group_shortened",
            )
            gname = gname[: limit - 1].rsplit(" ", 1)[0] + "…"
        for item in group.get("items") or []:
            if not isinstance(item, dict) or item.get("is_processing_result"):
                continue
            name = _clean_item(item.get("name") or "")
            originals, copies = item.get("original_qty") or 0, item.get("copy_qty") or 0
            if not name or not isinstance(originals, int) or not isinstance(copies, int):
                continue
            if originals <= 0 and copies <= 0:
                continue  # headings and notes, not documents
            if (gname, name) in seen:
                continue
            seen.add((gname, name))
            docs.append(
                RequiredDocument(
                    name=name,
                    originals=originals,
                    copies=copies,
                    optional=document_is_optional(name),
                    group=gname,
                )
            )
    return docs


def _legal_basis(obj: dict[str, Any]) -> list[str]:
    out: list[str] = []
    seen_codes: set[str] = set()
    for item in obj.get("legal_basis") or []:
        if not isinstance(item, dict):
            continue
        code, name = _text(item.get("code")), " ".join(_text(item.get("name")).split())
        key = fold(code) or fold(name)
        if not key or key in seen_codes:
            continue
        seen_codes.add(key)
        text = name if (code and code in name) or not code else (f"{code}: {name}" if name else code)
        out.append(text)
    return out


def load_national_jsonl(path: str | Path) -> ImportReport:
    """Map the national export onto catalogue records; report what cannot be taken."""
    path = Path(path)
    report = ImportReport(accepted=[], rejected=[], encoding="utf-8", total_rows=0, source=path.name)
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip, whatever the file is called
        data = gzip.decompress(data)
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        report.encoding = "unknown"
        report.rejected.append(RowError(0, "", "", "Tệp không phải UTF-8", "File is not UTF-8", "bad_encoding"))
        return report

    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        report.total_rows += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        if not isinstance(obj, dict):
            report.rejected.append(
                RowError(number, "", "", "Dòng không phải đối tượng JSON hợp lệ", "Not a valid JSON object", "bad_json")
            )
            continue
        parsed.append((number, obj))

    # Pass 1: field names, each field's usual levels/agency kind, duplicate codes, name variants.
    field_names: dict[str, str] = {}
    profile: dict[str, Counter[tuple[str, frozenset[str]]]] = defaultdict(Counter)
    newest: dict[str, tuple[str, int]] = {}
    name_count: Counter[str] = Counter()
    for number, obj in parsed:
        cat = obj.get("category") if isinstance(obj.get("category"), dict) else None
        cat_code = _text(cat.get("code")) if cat else ""
        if cat_code:
            field_names.setdefault(cat_code, _text(cat.get("name")) or cat_code)
            kind, levels = classify_agency(obj.get("executing_agency"))
            if kind and kind != "co_quan_trung_uong" and levels:
                profile[cat_code][(kind, frozenset(levels))] += 1
        code = _text(obj.get("code"))
        stamp = _text((obj.get("source") or {}).get("updated_at")) if isinstance(obj.get("source"), dict) else ""
        if code and (code not in newest or stamp > newest[code][0]):
            newest[code] = (stamp, number)
        name_count[fold(_text(obj.get("name")))] += 1

    for number, obj in parsed:
        code = _text(obj.get("code"))
        warnings: list[RowError] = []

        def warn(
            column: str, vi: str, en: str, reason: str, *, _n: int = number, _c: str = code, _w: list = warnings
        ) -> None:
            _w.append(RowError(_n, _c, column, vi, en, reason))

        try:
            record = _build(obj, code, number, newest, field_names, profile, warn)
        except _Reject as rej:
            report.rejected.append(RowError(number, code, rej.column, rej.vi, rej.en, rej.reason))
            continue
        issues = validate_record(record)
        if issues:
            report.rejected.extend(
                RowError(number, code, i.field, i.message_vi, i.message_en, i.reason) for i in issues
            )
            continue
        variants = name_count[fold(record.name)] - 1
        if variants:
            warn(
                "name",
                f"Cùng tên với {variants} thủ tục khác trong tệp (biến thể của các địa phương)",
                f"Same name as {variants} other procedure(s) in the file (local variants)",
                "name_variant",
            )
        report.warnings.extend(warnings)
        report.accepted.append(record)

    used = {r.field_code for r in report.accepted}
    report.fields = [Field(c, n) for c, n in field_names.items() if c in used]
    return report


def _build(
    obj: dict[str, Any],
    code: str,
    number: int,
    newest: dict[str, tuple[str, int]],
    field_names: dict[str, str],
    profile: dict[str, Counter[tuple[str, frozenset[str]]]],
    warn: Any,
) -> ProcedureRecord:
    name = " ".join(_text(obj.get("name")).split())
    if not code:
        raise _Reject("code", "Thiếu mã thủ tục", "Missing procedure code", "missing_code")
    if newest.get(code, ("", number))[1] != number:
        kept = newest[code][1]
        raise _Reject(
            "code",
            f"Trùng mã với dòng {kept} (giữ bản cập nhật mới hơn)",
            f"Duplicate code (row {kept}, updated more recently, is kept)",
            "duplicate_code",
        )
    if not name:
        raise _Reject("name", "Thiếu tên thủ tục", "Missing procedure name", "missing_name")

    agency = _text(obj.get("executing_agency"))
    kind, levels = classify_agency(agency)
    if kind == "co_quan_trung_uong" and not levels:
        raise _Reject(
            "executing_agency",
            f"Thủ tục do cơ quan trung ương hoặc cơ quan đại diện ở nước ngoài thực hiện ('{agency[:80]}'), "
            "không thuộc cấp tỉnh, huyện, xã",
            f"Performed by a central body or an embassy abroad ('{agency[:80]}'), not by a province",
            "central_agency",
        )

    cat = obj.get("category") if isinstance(obj.get("category"), dict) else None
    field_code = _text(cat.get("code")) if cat else ""
    if not field_code:
        if not agency:
            raise _Reject(
                "category", "Thiếu cả lĩnh vực và cơ quan thực hiện", "Missing both field and agency", "missing_field"
            )
        inferred = _infer_field(name)
        if inferred is None:
            raise _Reject(
                "category",
                "Thiếu lĩnh vực và không suy ra được từ tên thủ tục",
                "Missing field, and none can be inferred from the name",
                "missing_field",
            )
        field_code = inferred[0]
        field_names.setdefault(field_code, inferred[1])
        warn(
            "category",
            f"Thiếu lĩnh vực; suy ra từ tên thủ tục: {field_code} {field_names[field_code]}",
            f"Missing field; inferred from the name: {field_code}",
            "field_inferred",
        )

    review = ""
    if not kind or not levels:
        # Nothing says who performs it: loaded for review, its levels a guess named as one.
        usual = profile.get(field_code)
        levels = set(usual.most_common(1)[0][0][1]) if usual else set(LEVELS)
        kind = "khac"
        shown = ", ".join(LEVELS[lv] for lv in sorted(levels, key=level_sort_key))
        what = f"Không nhận diện được cơ quan thực hiện '{agency[:60]}'" if agency else "Thiếu cơ quan thực hiện"
        guess = "cấp thường gặp của lĩnh vực" if usual else "chưa xác định được, tạm để mọi cấp"
        review = f"{what}; cấp thực hiện ({shown}) là {guess}, cần rà soát"
        warn(
            "executing_agency",
            f"{review}; thủ tục được nạp với đánh dấu cần rà soát",
            "Agency missing or not recognised: loaded flagged for review, levels guessed from the field",
            "levels_inferred",
        )

    amount, unit = _processing(obj, warn)

    applicants: set[str] = set()
    for subject in obj.get("subject_types") or []:
        k = applicant_kind(_text(subject))
        if k:
            applicants.add(k)
    if not applicants:
        raise _Reject(
            "subject_types", "Thiếu đối tượng thực hiện", "No recognisable applicant kind", "missing_applicants"
        )

    results: list[str] = []
    for item in obj.get("results") or []:
        text = _clean_item(item)
        if text and text not in results:
            results.append(text)
    if not results:
        warn("results", "Chưa có kết quả thực hiện", "No result documents given", "no_results")
    legal = _legal_basis(obj)
    if not legal:
        warn("legal_basis", "Chưa có căn cứ pháp lý", "No legal basis given", "no_legal_basis")

    online = "partial" if any((c or {}).get("method") == "ONLINE" for c in obj.get("channels") or []) else "none"
    return ProcedureRecord(
        code=code,
        name=name,
        field_code=field_code,
        levels=levels,
        agency_kind=kind,
        agency_name=agency,
        processing_amount=amount,
        processing_unit=unit,
        fees=_fees(obj, warn),
        documents=_documents(obj, warn),
        results=results,
        legal_basis=legal,
        online_level=online,
        applicant_kinds=applicants,
        needs_review=bool(review),
        review_reason=review,
    )
