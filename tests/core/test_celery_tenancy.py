"""Tasks run in the schema they were enqueued from, on a real worker."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from control.health.tasks import current_schema, ping
from core.tasks import WrongSchemaError

pytestmark = pytest.mark.django_db


def test_each_tenant_task_sees_its_own_schema(celery_queue, tenant_a, tenant_b):
    with schema_context(tenant_a.schema_name):
        from_a = [current_schema.delay(f"a{i}") for i in range(3)]
    with schema_context(tenant_b.schema_name):
        from_b = [current_schema.delay(f"b{i}") for i in range(3)]
    # Other tests may have committed more staff; each tenant's own admin must be there, never the other's.
    for i, result in enumerate(from_a):
        got = result.get(timeout=30)
        assert (got["marker"], got["schema"]) == (f"a{i}", "t_alpha")
        assert "admin-alpha" in got["usernames"] and "admin-beta" not in got["usernames"]
    for i, result in enumerate(from_b):
        got = result.get(timeout=30)
        assert (got["marker"], got["schema"]) == (f"b{i}", "t_beta")
        assert "admin-beta" in got["usernames"] and "admin-alpha" not in got["usernames"]


def test_tenant_task_refuses_to_run_in_public(celery_queue):
    with schema_context("public"):
        result = current_schema.delay("from-public")
    with pytest.raises(WrongSchemaError):
        result.get(timeout=30)


def test_plain_task_runs(celery_queue):
    assert ping.delay().get(timeout=30) == "pong"
