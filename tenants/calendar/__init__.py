"""Working-time calendar (pure Python): due dates, office time used, pauses."""

from tenants.calendar.vn_holidays import (
    CalendarDataMissing,
    official_makeup_days,
    package_years,
    public_holiday_names,
    public_holidays,
)
from tenants.calendar.workingtime import (
    DEFAULT_SESSIONS,
    DEFAULT_WEEKEND,
    TZ,
    Duration,
    DurationUnit,
    WorkingCalendar,
)

__all__ = [
    "DEFAULT_SESSIONS",
    "DEFAULT_WEEKEND",
    "TZ",
    "CalendarDataMissing",
    "Duration",
    "DurationUnit",
    "WorkingCalendar",
    "official_makeup_days",
    "package_years",
    "public_holiday_names",
    "public_holidays",
]
