"""Processing times (thời hạn giải quyết) written as Vietnamese text.

A time written as text is read as the whole time, never as its first number:

- a stated total ("Tổng thời gian ... 15 ngày làm việc") is the time;
- steps ("Thời gian thu hồi ... 25 ngày làm việc. Thời gian cấp lại ... 23 ngày làm việc",
  "Bước 1: ...", or several times on separate lines) are added up;
- cases ("a) ... 05 ngày đối với ...; b) ... 10 ngày đối với trường hợp ...") are
  alternatives: the longest one is the time a dossier may take;
- extensions ("... thì được tăng thêm không quá 10 ngày làm việc" for mountain communes),
  breakdowns in brackets ("(trong đó ... 20 ngày ...)") and clock times ("sau 15 giờ")
  are not part of it;
- parts that cannot be added up (working days plus calendar days, or a time plus "thời
  gian ... theo quy định" with no number) are refused rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from control.catalogue.records import problem
from core.text import fold, nfc

_UNIT_WORDS = r"ngay\s+lam\s+viec|ngay|gio\s+lam\s+viec|gio|tieng|thang|nam|tuan|phut"
_DURATION_RE = re.compile(rf"(?<![\d/.,])(\d+\s*/\s*\d+|\d+(?:[.,]\d+)?)\s*(?:\([^)]*\)\s*)?({_UNIT_WORDS})\b")
_UNIT_NAMES = {
    "working_day": {"ngay lam viec", "ngay lv", "working_day", "working day", "working days", "workingday"},
    "calendar_day": {"ngay", "ngay lich", "calendar_day", "calendar day", "calendar days", "day", "days"},
    "hour": {"gio", "gio lam viec", "tieng", "hour", "hours", "h"},
}
_UNSUPPORTED_UNITS = {"thang": "tháng", "nam": "năm", "tuan": "tuần", "phut": "phút"}
# Where one part of a time ends and the next begins: ';', new lines, tabs, the end of a
# sentence, a bullet ("- ", "+ ", "a) ").
_SEGMENT_RE = re.compile(r"[;\n\t]|\.\s+|\s[-+•]\s|(?:^|\s)[a-hđ]\)\s|^\s*[-+•]\s")
# A bracket that is not the spelled-out number of "03 (ba) ngày": a breakdown or a note.
_ASIDE_RE = re.compile(r"(?<!\d)(?<!\d )\([^()]*\)")
# "sau 15 giờ" is a clock time, "ngày 01 tháng 7 năm 2004" a date: neither is a duration.
_CLOCK_RE = re.compile(r"\b(sau|truoc|luc|den|ngay|thang)\s*$")
_EXTENSION_RE = re.compile(r"\b(tang them|keo dai|cong them|gia han)\b")
_STEP_RE = re.compile(r"^(?:trong )?(?:thoi gian|thoi han|buoc)\b")
_CASE_RE = re.compile(r"\b(truong hop|doi voi)\b")
_UNSTATED_PART_RE = re.compile(r"\+\s*(?:cac\s+)?thoi gian|cong (?:voi|them) thoi gian")


def _unit_of(word: str) -> str:
    w = " ".join(word.split())
    for unit, names in _UNIT_NAMES.items():
        if w in names:
            return unit
    if w in _UNSUPPORTED_UNITS:
        raise problem("unsupported_unit", _UNSUPPORTED_UNITS[w])
    raise problem("bad_unit", word)


def parse_unit(text: str) -> str:
    """DonViThoiGian cell -> working_day / calendar_day / hour."""
    return _unit_of(fold(text).strip(" ."))


def _number(text: str) -> Decimal:
    if "/" in text:
        a, b = (Decimal(x.strip()) for x in text.split("/", 1))
        if b == 0:
            raise problem("bad_time", text)
        return _plain((a / b).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    return _plain(Decimal(text.replace(",", ".")))


def _plain(value: Decimal) -> Decimal:
    """Normalised without an exponent: 10 stays Decimal("10"), not Decimal("1E+1")."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value


@dataclass(frozen=True)
class _Mention:
    start: int
    amount: Decimal
    unit: str
    role: str  # "total", "step", "case" or "plain"
    segment: str


def _mentions(f: str) -> list[_Mention]:
    """The times written in folded text ``f`` that count towards the whole time."""
    text = _ASIDE_RE.sub(lambda m: " " * len(m.group()), f)
    breakdown = re.search(r"\btrong do\b", text)
    if breakdown:  # "15 ngày, trong đó: cấp xã 5 ngày; ..." breaks down the time before it
        text = text[: breakdown.start()]
    out: list[_Mention] = []
    bounds = [0, *(m.end() for m in _SEGMENT_RE.finditer(text)), len(text)]
    for seg_start, seg_end in zip(bounds, bounds[1:], strict=False):
        segment = text[seg_start:seg_end]
        head = segment.strip(" -+•.:")
        for m in _DURATION_RE.finditer(segment):
            before = segment[: m.start()]
            if _CLOCK_RE.search(before) or _EXTENSION_RE.search(before):
                continue
            if re.search(r"\btong\b", before):
                role = "total"
            elif _STEP_RE.match(head):
                role = "step"
            elif _CASE_RE.search(segment):
                role = "case"
            else:
                role = "plain"
            unit = _unit_of(m.group(2))
            out.append(_Mention(seg_start + m.start(), _number(m.group(1)), unit, role, " ".join(head.split())))
    return out


def _one_unit(parts: list[_Mention], raw: str) -> str:
    units = {p.unit for p in parts}
    if len(units) > 1:
        raise problem("mixed_units", raw[:80])
    return units.pop()


def _whole(mentions: list[_Mention], raw: str) -> tuple[Decimal, str, bool]:
    """(amount, unit, several parts combined?) of the time the mentions describe."""
    totals = [m for m in mentions if m.role == "total"]
    if totals:
        return totals[0].amount, totals[0].unit, False
    distinct: list[_Mention] = []
    for m in mentions:  # the same sentence written twice counts once
        if not any((d.amount, d.unit, d.segment) == (m.amount, m.unit, m.segment) for d in distinct):
            distinct.append(m)
    steps = [m for m in distinct if m.role == "step"]
    cases = [m for m in distinct if m.role == "case"]
    plain = [m for m in distinct if m.role == "plain"]
    if steps:  # steps add up; cases within a step are alternatives (the longest counts)
        added, alternatives = steps + plain, cases
    elif cases:  # "Không quá 10 ngày; trường hợp ... thì 20 ngày": alternatives
        added, alternatives = [], cases + plain
    else:  # several times on separate lines, none of them a case: the steps of the procedure
        added, alternatives = plain, []
    parts = added + alternatives
    unit = _one_unit(parts, raw)
    amount = sum((m.amount for m in added), Decimal(0))
    if alternatives:
        amount += max(m.amount for m in alternatives)
    return _plain(amount), unit, len(parts) > 1


def parse_duration(text: Any, unit_hint: str = "") -> tuple[Decimal, str, bool]:
    """Processing time: "15 ngày làm việc", "03 ngày", "8 giờ", "1/2 ngày làm việc",
    "Trong ngày", "Không quá 15 ngày kể từ ...", or a description of steps and cases
    (read as the whole time, see the module's docstring). "ngày" alone means calendar
    days. ``unit_hint`` is the DonViThoiGian cell, needed when the time is a bare number.
    Returns (amount, unit, several parts combined?); raises FieldError."""
    raw = nfc(str(text if text is not None else "")).strip()
    if not raw:
        raise problem("missing_time")
    f = fold(raw)
    hint = parse_unit(unit_hint) if unit_hint and unit_hint.strip() else None
    if re.fullmatch(r"\d+(?:[.,]\d+)?|\d+\s*/\s*\d+", f):
        if hint is None:
            raise problem("time_without_unit", raw)
        amount, unit, several = _number(f), hint, False
    else:
        if _UNSTATED_PART_RE.search(f):
            raise problem("time_not_whole", raw[:80])
        # "Trong ngày", "Thực hiện trong ngày làm việc ...; sau 15 giờ thì ..." -> 1 working day
        same_day = re.search(r"\btrong (ngay|ngay lam viec)\b(?! (thu|ke|tiep))", f)
        mentions = _mentions(f)
        if same_day and (not mentions or same_day.start() < mentions[0].start):
            return Decimal(1), hint or "working_day", False
        if not mentions:
            raise problem("bad_time", raw[:80])
        amount, unit, several = _whole(mentions, raw)
        if hint and hint != unit:
            raise problem("unit_conflict", raw[:40])
    if amount <= 0:
        raise problem("time_not_positive", raw[:40])
    return amount, unit, several
