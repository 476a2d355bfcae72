"""Reads of the backups: which tenants to back up, and each tenant's archives for the operator page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django_tenants.utils import schema_context

from control.backups.models import Backup
from control.tenancy.models import Tenant

OPEN = (Tenant.Status.TRIAL, Tenant.Status.ACTIVE)


def open_tenant_slugs() -> list[str]:
    """Slugs of the tenants the nightly run backs up (trial or active)."""
    with schema_context("public"):
        return list(Tenant.objects.filter(status__in=OPEN).order_by("slug").values_list("slug", flat=True))


def age_label(age: dt.timedelta) -> str:
    """An age in Vietnamese, to the two largest units: "5 phút", "3 giờ 10 phút", "2 ngày 4 giờ"."""
    minutes = max(0, int(age.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "ngày"), (hours, "giờ"), (minutes, "phút")) if n]
    return " ".join(parts[:2]) or "vừa xong"


@dataclass
class Aged:
    backup: Backup
    age: str


@dataclass
class TenantBackups:
    tenant: Tenant
    backups: list[Aged] = field(default_factory=list)
    latest: Aged | None = None  # the newest verified archive
    latest_age: dt.timedelta | None = None
    stale: bool = True  # no verified backup younger than twice the interval


def backups_by_tenant(*, now: dt.datetime | None = None) -> list[TenantBackups]:
    """Every tenant (offboarded ones only when they have archives) with its archives, newest first."""
    now = now or timezone.now()
    limit = dt.timedelta(hours=2 * settings.BACKUP_EVERY_HOURS)
    with schema_context("public"):
        tenants = Tenant.objects.order_by("name").prefetch_related(
            Prefetch("backups", queryset=Backup.objects.order_by("-created_at", "-id")))
        rows = []
        for tenant in tenants:
            backups = list(tenant.backups.all())
            if not backups and tenant.status not in OPEN:
                continue
            verified = [b for b in backups if b.verified]
            age = now - verified[0].created_at if verified else None
            aged = [Aged(backup=b, age=age_label(now - b.created_at)) for b in backups]
            latest = next((a for a in aged if a.backup.verified), None)
            rows.append(TenantBackups(tenant=tenant, backups=aged, latest=latest, latest_age=age,
                                      stale=age is None or age > limit))
    return rows
