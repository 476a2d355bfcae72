"""A tiny per-process cache for configuration read on every reception (calendar, process, codes).

Entries live a few seconds and are keyed by schema, so a change (a new day off, a new process version,
which also touches the procedure's ``updated_at``) is seen within ``TTL`` seconds at most.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")
TTL = 5.0
_store: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def cached(key: Hashable, loader: Callable[[], T], ttl: float = TTL) -> T:
    full = (connection.schema_name, key)
    now = time.monotonic()
    hit = _store.get(full)
    if hit is not None and hit[0] > now:
        return hit[1]  # type: ignore[return-value]
    value = loader()
    with _lock:
        if len(_store) > 5000:
            _store.clear()
        _store[full] = (now + ttl, value)
    return value


def clear() -> None:
    with _lock:
        _store.clear()
