"""The per-process cache of host → tenant resolutions and the version number in Redis that invalidates it.

Kept apart from ``routing`` (which reads the models) so that the models can announce their changes here
(``routing_changed``) without importing the code that reads them.
"""

from __future__ import annotations

import logging
import threading

from django.core.cache import caches
from django.db import transaction

CHECK_INTERVAL = 1.0
MAX_ENTRIES = 10_000
VERSION_KEY = "tenancy:routing-version"
logger = logging.getLogger(__name__)

_lock = threading.Lock()
_entries: dict[str, object] = {}
_state = {"version": None, "checked_at": 0.0}


def _remote_version() -> object:
    try:
        return caches["platform"].get(VERSION_KEY, 0)
    except Exception:  # Redis down: keep serving from what we know, re-check soon
        return _state["version"]


def version_bump() -> None:
    """Tell every process that a Domain or a Tenant changed (they drop their cache at their next check)."""
    try:
        cache = caches["platform"]
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:  # Redis down: other processes catch up once it is back
        logger.warning("routing version not bumped: Redis unavailable", exc_info=True)


def routing_changed() -> None:
    """Forget cached resolutions here now, and in every process after commit."""
    clear_local()
    transaction.on_commit(version_bump)
    transaction.on_commit(clear_local)


def clear_local() -> None:
    with _lock:
        _entries.clear()
        _state["checked_at"] = 0.0


def recheck_next_request() -> None:
    """Make this process compare the version in Redis at its next resolution (not within CHECK_INTERVAL)."""
    with _lock:
        _state["checked_at"] = 0.0
