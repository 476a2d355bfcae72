"""A procedure's settings page writes in one transaction: its local overrides (processing time, fees) and
whether it is applied by which units are saved together, or not at all."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from core.audit.models import ConfigChange
from tests.conftest import host_of
from tests.support import database_url_for_tests


def _post(client: Client, o, **extra: object):  # noqa: ANN001, ANN202
    fee = o.procedure.fees.get()
    return client.post(f"/staff/procedures/{o.procedure.code}/", {
        "processing_amount": "7", "processing_unit": "working_day", f"fee-{fee.pk}": "30.000", **extra})


def _with_fee(o) -> None:  # noqa: ANN001
    from tenants.procedures.models import Fee

    Fee.objects.create(procedure=o.procedure, name="Lệ phí cấp bản sao", amount_vnd=8_000)


def _state(o) -> tuple:  # noqa: ANN001
    from tenants.procedures.models import Procedure

    p = Procedure.objects.get(pk=o.procedure.pk)
    return (p.enabled, p.processing_amount, list(p.fees.values_list("amount_vnd", flat=True)),
            p.locally_changed, sorted(p.handling_units.values_list("pk", flat=True)))


@pytest.mark.django_db
def test_a_refused_second_half_leaves_nothing_of_the_first(office, client_a):
    _with_fee(office)
    client_a.force_login(office.admin)
    before = _state(office)
    logged = ConfigChange.objects.count()
    # Applied without any handling unit: refused by the second half (after the first checked and wrote).
    response = _post(client_a, office, enabled="on")
    assert response.status_code == 200
    assert "Thủ tục được áp dụng phải có ít nhất một đơn vị giải quyết." in response.content.decode()
    assert _state(office) == before == (True, Decimal(5), [8_000], [], [office.dept.pk])
    assert ConfigChange.objects.count() == logged  # no log of a change that did not happen


@pytest.mark.django_db
def test_one_save_writes_both_halves(office, client_a):
    _with_fee(office)
    client_a.force_login(office.admin)
    response = _post(client_a, office, enabled="on", handling_units=[str(office.other.pk)])
    assert response.status_code == 302
    assert _state(office) == (True, Decimal(7), [30_000], ["processing_amount", "fees"], [office.other.pk])
    summaries = list(ConfigChange.objects.filter(data__procedure=office.procedure.code).order_by("id")
                     .values_list("summary", flat=True))
    assert len(summaries) == 3 and "thời hạn giải quyết" in summaries[0] and "8000 → 30000" in summaries[1]
    assert office.other.name in summaries[2]


def test_nothing_of_a_refused_save_is_committed(committed_office):
    """Without the test's own transaction around it: the first half used to commit on its own."""
    tenant, o = committed_office
    with schema_context(tenant.schema_name):
        _with_fee(o)
    client = Client(HTTP_HOST=host_of(tenant))
    client.force_login(o.admin)
    response = _post(client, o, enabled="on")
    assert response.status_code == 200
    with psycopg.connect(database_url_for_tests()) as other:
        other.execute(f'SET search_path = "{tenant.schema_name}", public')
        amount, fees, changes = other.execute(
            "SELECT p.processing_amount, (SELECT array_agg(amount_vnd) FROM procedures_fee WHERE procedure_id = p.id),"
            f" (SELECT count(*) FROM {ConfigChange._meta.db_table} WHERE data->>'procedure' = p.code)"
            " FROM procedures_procedure p WHERE p.id = %s", [o.procedure.pk]).fetchone()
    assert (amount, fees, changes) == (Decimal(5), [8_000], 0)
