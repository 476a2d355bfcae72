"""Host → tenant resolution, cached in each process.

django-tenants looks the Domain up in the database on every request. Here each process
keeps what it resolved; a version number in Redis (bumped whenever a Domain or a Tenant
changes) is checked at most every ``CHECK_INTERVAL`` seconds, and the local copy is
dropped as soon as it moves. A change made in this process takes effect at once; in
other processes within ``CHECK_INTERVAL``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from control.tenancy.models import Domain
from control.tenancy.routing_cache import (  # noqa: F401 (clear_local, routing_changed: the cache's API here too)
    CHECK_INTERVAL,
    MAX_ENTRIES,
    _entries,
    _lock,
    _remote_version,
    _state,
    clear_local,
    routing_changed,
)


@dataclass(frozen=True)
class PublicSite:
    """The platform domain: the control plane, in the public schema."""

    schema_name: str = "public"
    name: str = "Nền tảng Một cửa điện tử"
    status: str = "active"
    is_open: bool = True
    is_public: bool = True


PUBLIC = PublicSite()

def _lookup(hostname: str) -> object | None:
    base = settings.BASE_DOMAIN
    if hostname in (base, f"www.{base}"):
        return PUBLIC
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
