"""Stuck work, across tenants, for the operator: what should have finished by now and has not.

The apps that own the work fill the registry at start-up (their ``AppConfig.ready()``): a source gives its
stuck items, older than a threshold, as plain ``StuckItem``s. A *platform* source reads the public schema
once; a *tenant* source is asked inside each open tenant's schema (one short read per tenant and source,
capped), so this module imports no app and reads no tenant table itself. Read-only and cheap: meant for a
page an operator opens, not for a probe polled every second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

PER_SOURCE_LIMIT = 50  # items listed per source and tenant, the newest first (the count says how many more)


@dataclass(frozen=True)
class StuckItem:
    ref: str  # what it is (a job, a message, a payment...) and its id, as the operator searches it
    state: str  # where it stands, in words
    since: datetime | None  # when it last moved
    detail: str = ""


@dataclass(frozen=True)
class StuckList:
    """What a source returns: up to a limit of items, and how many there are in all."""

    items: list[StuckItem]
    total: int


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    scope: str  # "platform" or "tenant"
    read: Callable[[datetime, int], StuckList]  # (older than, limit) -> stuck items


@dataclass
class StuckGroup:
    key: str
    label: str
    tenant: str  # tenant's name ("" for the platform)
    schema: str
    items: list[StuckItem] = field(default_factory=list)
    total: int = 0


_SOURCES: dict[str, Source] = {}


def register(*, key: str, label: str, scope: str, read: Callable[[datetime, int], StuckList]) -> None:
    if scope not in ("platform", "tenant"):
        raise ValueError(f"scope {scope!r}")
    _SOURCES[key] = Source(key=key, label=label, scope=scope, read=read)


def sources() -> list[Source]:
    return list(_SOURCES.values())


def stuck_items(*, older_than_minutes: int, now: datetime | None = None,
                limit: int = PER_SOURCE_LIMIT) -> list[StuckGroup]:
    """Every registered source's stuck items older than the threshold, platform first, then each open tenant."""
    from control.tenancy.interface import tenants_all

    cutoff = (now or timezone.now()) - timedelta(minutes=older_than_minutes)
    groups: list[StuckGroup] = []
    connection.set_schema_to_public()
    for source in _SOURCES.values():
        if source.scope == "platform":
            found = source.read(cutoff, limit)
            if found.total:
                groups.append(StuckGroup(source.key, source.label, "", "public", found.items, found.total))
    tenant_sources = [s for s in _SOURCES.values() if s.scope == "tenant"]
    for tenant in tenants_all():
        if tenant.schema_name == "public" or tenant.status == "offboarded":
            continue
        with schema_context(tenant.schema_name):
            for source in tenant_sources:
                found = source.read(cutoff, limit)
                if found.total:
                    groups.append(StuckGroup(source.key, source.label, tenant.name, tenant.schema_name,
                                             found.items, found.total))
    connection.set_schema_to_public()
    return groups
