"""The go-live checklist a tenant cannot skip, the purge of test data, and going live.

Test data: the tables of ``ONBOARDING_PURGE_MODELS`` (dossiers, citizens' payments, the
outbox) and every table that references them (TRUNCATE ... CASCADE). Configuration
(units, staff, procedures, process steps, merchant terminals) is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import schema_context

from control.console.models import record
from control.tenancy.lifecycle import transition
from control.tenancy.models import Tenant

DEFAULT_PURGE_MODELS = (
    "dossiers.Dossier",
    "fees.PaymentRequest",
    "fees.Payment",
    "notifications.OutboxMessage",
)


def purge_models() -> list:
    out = []
    for label in getattr(settings, "ONBOARDING_PURGE_MODELS", DEFAULT_PURGE_MODELS):
        try:
            out.append(apps.get_model(label))
        except (LookupError, ValueError):
            continue  # a feature not installed (yet)
    return out


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ok: bool
    detail: str


def checklist() -> list[CheckItem]:
    """The checks of the current tenant's schema."""
    from tenants.organization.models import Unit
    from tenants.organization.selectors import one_stop_desks_without_receiver
    from tenants.procedures.models import Procedure

    leftover = [(m._meta.verbose_name, m.objects.count()) for m in purge_models()]
    leftover = [(name, n) for name, n in leftover if n]
    enabled = Procedure.objects.filter(enabled=True)
    no_unit = list(enabled.filter(handling_units__isnull=True).values_list("code", flat=True)[:10])
    desks = Unit.objects.filter(kind=Unit.Kind.ONE_STOP, is_active=True).count()
    lonely = one_stop_desks_without_receiver()
    return [
        CheckItem("test_data", "Đã xoá dữ liệu và hồ sơ thử nghiệm", not leftover,
                  "; ".join(f"còn {n} {name}" for name, n in leftover) or "Không còn dữ liệu thử nghiệm."),
        CheckItem("procedures", "Có thủ tục được áp dụng", enabled.exists(),
                  f"{enabled.count()} thủ tục đang áp dụng." if enabled.exists() else "Chưa áp dụng thủ tục nào."),
        CheckItem("handling_units", "Mọi thủ tục áp dụng đều có đơn vị giải quyết", not no_unit,
                  ("Thiếu đơn vị giải quyết: " + ", ".join(no_unit)) if no_unit else "Đầy đủ."),
        CheckItem("receivers", "Mọi Bộ phận Một cửa đều có cán bộ tiếp nhận", desks > 0 and not lonely,
                  "Chưa có Bộ phận Một cửa." if not desks else
                  ("Chưa có cán bộ tiếp nhận: " + ", ".join(u.name for u in lonely)) if lonely else "Đầy đủ."),
    ]


@transaction.atomic
def test_data_purge(*, tenant: Tenant, actor: str) -> int:
    """Empty the test-data tables (and what references them) of ``tenant``. Returns rows removed."""
    if tenant.status == Tenant.Status.ACTIVE:
        raise ValidationError("Đơn vị đã vận hành chính thức: không xoá dữ liệu được nữa.")
    removed = 0
    with schema_context(tenant.schema_name):
        models = purge_models()
        removed = sum(m.objects.count() for m in models)
        if models:
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {tables} CASCADE")
    record(actor=actor, action="purge_test_data", target=tenant.name, tenant_id=tenant.pk,
           detail=f"{removed} dòng")
    return removed


@transaction.atomic
def tenant_go_live(*, tenant: Tenant, actor: str) -> Tenant:
    if tenant.status != Tenant.Status.TRIAL:
        raise ValidationError(f"Chỉ đơn vị đang dùng thử mới chuyển sang vận hành chính thức "
                              f"(hiện tại: {tenant.get_status_display()}).")
    with schema_context(tenant.schema_name):
        failed = [c for c in checklist() if not c.ok]
    if failed:
        raise ValidationError([f"{c.label}: {c.detail}" for c in failed])
    tenant = transition(tenant_id=tenant.pk, to=Tenant.Status.ACTIVE, by=actor, reason="Vận hành chính thức")
    record(actor=actor, action="go_live", target=tenant.name, tenant_id=tenant.pk)
    return tenant
