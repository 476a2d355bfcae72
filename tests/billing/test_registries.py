"""Billing calls the dossiers app back only through what that app registered when it started."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from billing.fees import subjects
from billing.leasing import usage

pytestmark = pytest.mark.django_db


def test_the_dossiers_app_registered_its_fee_handlers_and_its_usage_counter():
    from tenants.dossiers.services import dossier_fee_paid, dossier_fee_refunded

    handlers = subjects.REGISTRY["dossier"]
    assert (handlers.paid, handlers.refunded, handlers.id_kwarg) == (dossier_fee_paid, dossier_fee_refunded,
                                                                     "dossier_id")
    assert "dossiers" in usage.COUNTERS


def test_the_invoice_usage_counts_the_periods_dossiers_through_the_counter(tenant_a):
    from tenants.dossiers.models import Dossier
    from tests.tenants.dossiers.helpers import build_office, receive

    today = timezone.localdate()
    with schema_context(tenant_a.schema_name):
        receive(build_office())
        expected = Dossier.objects.filter(created_at__date=today).count()
    got = usage.tenant_usage(tenant_a, period_start=today, period_end=today)
    assert got["dossiers"] == expected >= 1
    assert {"staff_accounts", "storage_bytes", "storage_mb"} <= set(got)


def test_a_subject_nobody_registered_is_skipped():
    subjects.notify_paid(subject_type="nobody-registered-this", subject_id=1, payment_id=1)  # logs, never raises
