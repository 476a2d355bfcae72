"""Each process's cache of the tenants' working calendars (filled by ``selectors.tenant_calendar``).

Apart from the selectors so that the models can clear it when a calendar row is saved, without
importing the code that reads them.
"""

from __future__ import annotations

import threading

from django.db import connection

from tenants.calendar.workingtime import WorkingCalendar

_cache: dict[str, tuple[tuple, WorkingCalendar, float]] = {}
_lock = threading.Lock()


def calendar_changed(schema: str | None = None) -> None:
    """Forget the cached calendar of ``schema`` (default: the current one), or of all with ``"*"``."""
    with _lock:
        if schema == "*":
            _cache.clear()
        else:
            _cache.pop(schema or connection.schema_name, None)
