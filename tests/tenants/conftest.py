"""Fixtures of the tenant apps' tests: an office (units, staff with roles, an enabled procedure) inside tenant alpha."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from core.accounts.models import User
from tests.tenants.dossiers.helpers import build_office


@pytest.fixture
def committed_office(django_db_setup, django_db_blocker):
    """An office in tenant alpha whose data is committed (for tests of concurrency and of commits)."""
    from control.tenancy.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        with schema_context(tenant.schema_name):
            yield tenant, build_office()
        connection.set_schema_to_public()
        connection.close()  # a committed-data test leaves no session open on the test database


@pytest.fixture
def office(tenant_a):
    with schema_context(tenant_a.schema_name):
        yield build_office()


@pytest.fixture
def login(client_a):
    def _login(user: User):
        client_a.force_login(user)
        return client_a

    return _login

