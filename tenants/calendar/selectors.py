"""The current tenant's ``WorkingCalendar``, built from its settings and exceptions."""

from __future__ import annotations

import threading

from django.db import connection

from tenants.calendar.workingtime import WorkingCalendar

_cache: dict[str, tuple[tuple, WorkingCalendar]] = {}
_lock = threading.Lock()


def tenant_calendar() -> WorkingCalendar:
    """Cached per schema; rebuilt when the tenant's calendar rows change."""
    from tenants.calendar.models import CalendarException, CalendarSettings

    cfg = CalendarSettings.objects.order_by("pk").first()
    exceptions = list(CalendarException.objects.values_list("date", "kind", "created_at"))
    stamp = (cfg.updated_at if cfg else None, len(exceptions), max((e[2] for e in exceptions), default=None))
    schema = connection.schema_name
    with _lock:
        hit = _cache.get(schema)
        if hit and hit[0] == stamp:
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
        _cache[schema] = (stamp, calendar)
    return calendar
