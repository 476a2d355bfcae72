"""Writes on a tenant's working calendar (setup wizard, tenant administrators).

Saved through the models, whose ``save()``/``delete()`` clear this process's cached
calendar at once (other processes re-check within a few seconds, see ``selectors``).
Every refusal is a ``ValidationError`` with a Vietnamese message; nothing is half-saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit.actor import record
from core.audit.models import ConfigChange
from tenants.calendar.models import CalendarException, CalendarSettings
from tenants.calendar.vn_holidays import CalendarDataMissing, official_makeup_days, package_years, public_holidays
from tenants.calendar.workingtime import TZ

CAL = ConfigChange.Area.CALENDAR

WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def _today() -> dt.date:
    return timezone.now().astimezone(TZ).date()


def _vi(day: dt.date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]} {day:%d/%m/%Y}"


def _parse_hhmm(value: str | dt.time) -> dt.time:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({"sessions": f"Giờ “{value}” không hợp lệ (dạng GG:PP, ví dụ 07:30)."}) from None


def _clean_sessions(sessions: list[tuple[str | dt.time, str | dt.time]]) -> list[list[str]]:
    spans = sorted((_parse_hhmm(a), _parse_hhmm(b)) for a, b in sessions)
    if not spans:
        raise ValidationError({"sessions": "Cần ít nhất một ca làm việc."})
    for start, end in spans:
        if start >= end:
            raise ValidationError({"sessions": f"Ca {start:%H:%M}–{end:%H:%M}: giờ kết thúc phải sau giờ bắt đầu."})
    for (a1, b1), (a2, b2) in zip(spans, spans[1:], strict=False):
        if a2 < b1:
            raise ValidationError({"sessions": f"Ca {a1:%H:%M}–{b1:%H:%M} và ca {a2:%H:%M}–{b2:%H:%M} "
                                               "chồng lên nhau."})
    return [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in spans]


def _clean_years(first: int | None, last: int | None) -> tuple[int | None, int | None]:
    if first is None and last is None:
        return None, None
    if first is None or last is None:
        raise ValidationError({"confirmed_from_year": "Hãy nhập cả năm bắt đầu và năm kết thúc "
                                                      "(hoặc để trống cả hai)."})
    if first > last:
        raise ValidationError({"confirmed_from_year": "Năm bắt đầu phải trước hoặc bằng năm kết thúc."})
    this_year = _today().year
    if last < this_year:
        raise ValidationError({"confirmed_to_year": f"Khoảng năm đã xác nhận phải kéo dài đến ít nhất năm {this_year}; "
                                                    "các năm đã qua không thể là toàn bộ lịch."})
    known = package_years()
    if first < known[0] or last > known[-1]:
        raise ValidationError({"confirmed_to_year": f"Dữ liệu ngày lễ chỉ có cho các năm {known[0]}–{known[-1]}."})
    return first, last


@transaction.atomic
def calendar_settings_update(*, sessions: list[tuple[str | dt.time, str | dt.time]], weekend: list[int],
                             confirmed_from_year: int | None, confirmed_to_year: int | None) -> CalendarSettings:
    """Office hours (sorted, non-overlapping sessions), weekly days off, confirmed years."""
    clean_sessions = _clean_sessions(sessions)
    days = sorted({int(d) for d in weekend})
    if any(d not in range(7) for d in days):
        raise ValidationError({"weekend": "Ngày nghỉ hằng tuần không hợp lệ."})
    if len(days) == 7:
        raise ValidationError({"weekend": "Phải có ít nhất một ngày làm việc trong tuần."})
    first, last = _clean_years(confirmed_from_year, confirmed_to_year)
    cfg = CalendarSettings.objects.select_for_update().order_by("pk").first() or CalendarSettings()
    cfg.sessions = clean_sessions
    cfg.weekend = days
    cfg.confirmed_from_year, cfg.confirmed_to_year = first, last
    cfg.save()
    record(CAL, "Sửa giờ làm việc, ngày nghỉ hằng tuần, các năm đã xác nhận lịch", sessions=clean_sessions,
           weekend=days, confirmed=[first, last])
    return cfg


def _weekend() -> set[int]:
    cfg = CalendarSettings.objects.order_by("pk").first()
    return set(cfg.weekend) if cfg else {5, 6}


@transaction.atomic
def calendar_exception_add(*, date: dt.date, kind: str, reason: str) -> CalendarException:
    """A day off announced by the tenant, or a make-up working day (weekend worked)."""
    reason = (reason or "").strip()
    if kind not in CalendarException.Kind.values:
        raise ValidationError({"kind": "Loại ngày không hợp lệ."})
    if not reason:
        raise ValidationError({"reason": "Hãy nhập lý do (ví dụ: số quyết định, văn bản thông báo)."})
    if date.year < _today().year:
        raise ValidationError({"date": f"Không sửa được lịch của năm đã qua ({date.year})."})
    try:
        holidays_of_year = public_holidays(date.year)
        makeups_of_year = official_makeup_days(date.year)
    except CalendarDataMissing as exc:
        raise ValidationError({"date": exc.message_vi}) from exc
    existing = CalendarException.objects.filter(date=date).first()
    if existing is not None:
        if existing.kind != kind:
            raise ValidationError({"date": f"{_vi(date)} đã là {existing.get_kind_display().lower()}; một ngày không "
                                           "thể vừa là ngày nghỉ vừa là ngày làm bù."})
        raise ValidationError({"date": f"{_vi(date)} đã có trong lịch ({existing.get_kind_display().lower()})."})
    off_by_law = date in holidays_of_year
    weekend = date.weekday() in _weekend() and date not in makeups_of_year
    if kind == CalendarException.Kind.DAY_OFF and (off_by_law or weekend):
        why = "ngày nghỉ lễ" if off_by_law else "ngày nghỉ hằng tuần"
        raise ValidationError({"date": f"{_vi(date)} đã là {why}."})
    if kind == CalendarException.Kind.MAKEUP:
        if off_by_law:
            raise ValidationError({"date": f"{_vi(date)} là ngày nghỉ lễ theo quy định; không làm bù vào ngày này."})
        if not weekend:
            raise ValidationError({"date": f"{_vi(date)} đã là ngày làm việc; "
                                           "ngày làm bù phải là ngày nghỉ hằng tuần."})
    try:
        with transaction.atomic():
            made = CalendarException.objects.create(date=date, kind=kind, reason=reason[:255])
            record(CAL, f"Thêm {made.get_kind_display().lower()} {_vi(date)}: {made.reason}", date=date.isoformat(),
                   kind=kind)
            return made
    except IntegrityError as exc:  # the same day added meanwhile
        raise ValidationError({"date": f"{_vi(date)} đã có trong lịch."}) from exc


@transaction.atomic
def calendar_exception_remove(*, exception: CalendarException) -> None:
    if exception.date.year < _today().year:
        raise ValidationError(f"Không sửa được lịch của năm đã qua ({exception.date.year}).")
    record(CAL, f"Bỏ {exception.get_kind_display().lower()} {_vi(exception.date)}",
           date=exception.date.isoformat(), kind=exception.kind)
    exception.delete()
