"""The current tenant's ``WorkingCalendar``, built from its settings and exceptions.

Cached per schema in each process. A change saved through the models clears this process's
copy at once; other processes re-check the rows at most every ``RECHECK_S`` seconds, so a
reception does not pay two calendar queries.
"""

from __future__ import annotations

import time

from django.db import connection

from tenants.calendar.cache import _cache, _lock, calendar_changed  # noqa: F401 (calendar_changed: API)
from tenants.calendar.models import CalendarException, CalendarSettings
from tenants.calendar.workingtime import WorkingCalendar

RECHECK_S = 5.0

def tenant_calendar() -> WorkingCalendar:
    schema = connection.schema_name
    now = time.monotonic()
    with _lock:
        hit = _cache.get(schema)
    if hit and now - hit[2] < RECHECK_S:
        return hit[1]
    cfg = CalendarSettings.objects.order_by("pk").first()
    exceptions = list(CalendarException.objects.values_list("date", "kind", "created_at"))
    stamp = (cfg.updated_at if cfg else None, len(exceptions), max((e[2] for e in exceptions), default=None))
    if hit and hit[0] == stamp:
        with _lock:
            _cache[schema] = (stamp, hit[1], now)
        return hit[1]
    kwargs: dict = {
        "days_off": frozenset(d for d, k, _ in exceptions if k == CalendarException.Kind.DAY_OFF),
        "makeup_days": frozenset(d for d, k, _ in exceptions if k == CalendarException.Kind.MAKEUP),
    }
    if cfg:
        kwargs["sessions"] = [tuple(s) for s in cfg.sessions]
        kwargs["weekend"] = frozenset(cfg.weekend)
        if cfg.confirmed_from_year and cfg.confirmed_to_year:
            kwargs["confirmed_years"] = (cfg.confirmed_from_year, cfg.confirmed_to_year)
    calendar = WorkingCalendar(**kwargs)
    with _lock:
        _cache[schema] = (stamp, calendar, now)
    return calendar


def calendar_page(year: int) -> dict:
    """What the calendar page shows: settings, the tenant's days, the year's public holidays."""
    from tenants.calendar.models import CalendarException, CalendarSettings
    from tenants.calendar.vn_holidays import (
        CalendarDataMissing,
        official_makeup_days,
        package_years,
        public_holiday_names,
    )

    try:
        holidays = sorted(public_holiday_names(year).items())
        makeups = sorted(official_makeup_days(year))
        missing = ""
    except CalendarDataMissing as exc:
        holidays, makeups, missing = [], [], exc.message_vi
    return {
        "settings": CalendarSettings.objects.order_by("pk").first(),
        "exceptions": list(CalendarException.objects.order_by("-date")),
        "year": year,
        "holidays": holidays,
        "official_makeups": makeups,
        "holidays_missing": missing,
        "years": [y for y in (year - 1, year, year + 1) if y in package_years()],
    }
