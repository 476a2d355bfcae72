"""Due dates in working time, from the tenant's calendar (office hours, holidays, make-up days, pauses)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from tenants.calendar.selectors import tenant_calendar
from tenants.calendar.vn_holidays import CalendarDataMissing
from tenants.calendar.workingtime import Duration, WorkingCalendar
from tenants.dossiers.errors import DossierError

T = TypeVar("T")


def calendar() -> WorkingCalendar:
    return tenant_calendar()  # cached per schema by the calendar app, rebuilt when its rows change


def _guard(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except CalendarDataMissing as exc:
        raise DossierError(exc.message("vi")) from exc


def due_date(start: dt.datetime, duration: Duration, cal: WorkingCalendar | None = None) -> dt.datetime:
    """Due date counted from ``start`` (after hours: from the next working morning)."""
    cal = cal or calendar()
    return _guard(lambda: cal.add(start, duration))


def step_due(start: dt.datetime, duration: Duration, cal: WorkingCalendar | None = None) -> dt.datetime | None:
    if duration.amount == Decimal(0):
        return None
    return due_date(start, duration, cal)


def due_after_pause(due: dt.datetime | None, paused_at: dt.datetime, resumed_at: dt.datetime,
                    cal: WorkingCalendar | None = None) -> dt.datetime | None:
    """The due date moved by a pause: office time during the pause is not used."""
    if due is None:
        return None
    cal = cal or calendar()
    return _guard(lambda: cal.due_after_pause(due, paused_at, resumed_at))


def working_seconds(a: dt.datetime | None, b: dt.datetime, cal: WorkingCalendar | None = None) -> int | None:
    if a is None:
        return None
    cal = cal or calendar()
    return _guard(lambda: cal.working_seconds_between(a, b))


def near_due_threshold(now: dt.datetime, threshold: Decimal | Duration, cal: WorkingCalendar | None = None
                       ) -> dt.datetime:
    """``now`` plus the near-due threshold (a Duration, or a number of working days)."""
    cal = cal or calendar()
    duration = threshold if isinstance(threshold, Duration) else Duration.working_days(threshold)
    return _guard(lambda: cal.add(now, duration))
