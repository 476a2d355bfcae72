"""Vietnamese public holidays and official make-up working days (``holidays`` package).

Pure Python, cached per year. The package knows the lunar holidays (Tết, Hùng Kings'
day), the observed/substitute days and the government-announced swaps for the public
sector (e.g. 2026: day off Mon 31 Aug, worked Sat 22 Aug).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

__all__ = [
    "COUNTRY",
    "FIRST_DST_FREE_YEAR",
    "CalendarDataMissing",
    "official_makeup_days",
    "package_years",
    "public_holiday_names",
    "public_holidays",
]

COUNTRY = "VN"
#: Asia/Ho_Chi_Minh is UTC+7 without DST or offset change since 13 June 1975; the
#: working-time arithmetic relies on that, so earlier years are never supported.
FIRST_DST_FREE_YEAR = 1976


class CalendarDataMissing(LookupError):
    """Holiday data for ``year`` is not known to be reliable; refuse to compute a deadline."""

    def __init__(self, year: int, supported: range | None = None) -> None:
        self.year = year
        self.supported = supported
        window_vi = window_en = ""
        if supported is not None and len(supported):
            first, last = supported[0], supported[-1]
            window_vi = f" (lịch hiện chỉ được xác nhận cho các năm {first}–{last})"
            window_en = f" (the calendar is only confirmed for {first}–{last})"
        self.message_vi = (
            f"Chưa có dữ liệu ngày nghỉ lễ của năm {year}{window_vi}; "
            "hãy cập nhật lịch làm việc trước khi tính hạn."
        )
        self.message_en = (
            f"No public-holiday data for {year}{window_en}; "
            "update the working calendar before computing due dates."
        )
        super().__init__(self.message_vi)

    def __reduce__(self) -> tuple[type[CalendarDataMissing], tuple[int, range | None]]:
        return type(self), (self.year, self.supported)

    def message(self, language: str = "vi") -> str:
        """Message in ``"vi"`` (default) or ``"en"``."""
        return self.message_en if language.lower().startswith("en") else self.message_vi


@lru_cache(maxsize=1)
def package_years() -> range:
    """Years the ``holidays`` package covers for Vietnam (clipped to the DST-free era)."""
    vn = holidays.country_holidays(COUNTRY)
    return range(max(vn.start_year, FIRST_DST_FREE_YEAR), vn.end_year + 1)


@lru_cache(maxsize=512)
def public_holidays(year: int) -> frozenset[dt.date]:
    """Days off in ``year``: public holidays, observed and substitute days."""
    if year not in package_years():
        raise CalendarDataMissing(year, supported=package_years())
    return frozenset(
        d for d in holidays.country_holidays(COUNTRY, years=year) if d.year == year
    )


@lru_cache(maxsize=512)
def official_makeup_days(year: int) -> frozenset[dt.date]:
    """Weekend days of ``year`` that the government made working days (swaps)."""
    if year not in package_years():
        raise CalendarDataMissing(year, supported=package_years())
    # A swap announced with next year's holidays may put the make-up day in this year.
    years = [y for y in (year, year + 1) if y in package_years()]
    vn = holidays.country_holidays(COUNTRY, years=years)
    return frozenset(d for d in vn.weekend_workdays if d.year == year)


def public_holiday_names(year: int, language: str = "vi") -> dict[dt.date, str]:
    """Holiday names of ``year`` (``"vi"`` or ``"en_US"``), for display."""
    return dict(_holiday_names(year, language))


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> tuple[tuple[dt.date, str], ...]:
    if year not in package_years():
        raise CalendarDataMissing(year, supported=package_years())
    vn = holidays.country_holidays(COUNTRY, years=year, language=language)
    return tuple((d, name) for d, name in sorted(vn.items()) if d.year == year)
