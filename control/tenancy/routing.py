"""Host → tenant resolution, cached in each process.

django-tenants looks the Domain up in the database on every request. Here each process
keeps what it resolved; a version number in Redis (bumped whenever a Domain or a Tenant
changes) is checked at most every ``CHECK_INTERVAL`` seconds, and the local copy is
dropped as soon as it moves. A change made in this process takes effect at once; in
other processes within ``CHECK_INTERVAL``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

CHECK_INTERVAL = 1.0
MAX_ENTRIES = 10_000
VERSION_KEY = "tenancy:routing-version"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublicSite:
    """The platform domain: the control plane, in the public schema."""

    schema_name: str = "public"
    name: str = "Nền tảng Một cửa điện tử"
    status: str = "active"
    is_open: bool = True
    is_public: bool = True


PUBLIC = PublicSite()

_lock = threading.Lock()
_entries: dict[str, object] = {}
_state = {"version": None, "checked_at": 0.0}


def _remote_version() -> object:
    try:
        return caches["platform"].get(VERSION_KEY, 0)
    except Exception:  # Redis down: keep serving from what we know, re-check soon
        return _state["version"]


def _bump() -> None:
    try:
        cache = caches["platform"]
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:  # Redis down: other processes catch up once it is back
        logger.warning("routing version not bumped: Redis unavailable", exc_info=True)


def routing_changed() -> None:
    """Forget cached resolutions here now, and in every process after commit."""
    clear_local()
    transaction.on_commit(_bump)
    transaction.on_commit(clear_local)


def clear_local() -> None:
    with _lock:
        _entries.clear()
        _state["checked_at"] = 0.0


def _lookup(hostname: str) -> object | None:
    base = settings.BASE_DOMAIN
    if hostname in (base, f"www.{base}"):
        return PUBLIC
    from control.tenancy.models import Domain

    connection.set_schema_to_public()
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    return domain.tenant if domain else None


def resolve(hostname: str) -> object | None:
    """The tenant (or ``PUBLIC``) serving ``hostname``, or None for an unknown host."""
    now = time.monotonic()
    if now - _state["checked_at"] > CHECK_INTERVAL:
        version = _remote_version()
        with _lock:
            if version != _state["version"]:
                _entries.clear()
                _state["version"] = version
            _state["checked_at"] = now
    try:
        return _entries[hostname]
    except KeyError:
        pass
    tenant = _lookup(hostname)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[hostname] = tenant
    return tenant
