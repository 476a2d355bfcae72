"""Fast upgrades: every schema's pending migrations found in one query (``tenants_migrate``)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from control.catalogue.services import catalogue_load_starter
from control.tenancy.models import Tenant
from control.tenancy.upgrade import pending_by_schema, tenant_schemas
from onboarding import services
from onboarding.provisioning import provisioning_run
from tests.onboarding.helpers import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    catalogue_load_starter()
    app = services.application_approve(application=sign_up("24", "bacninh"), actor="operator")
    provisioning_run(application_id=app.pk)
    return Tenant.objects.get(slug="bacninh")


def test_pending_migrations_are_found_in_one_query(province):
    schemas = tenant_schemas()
    assert "tenant_template" in schemas and province.schema_name in schemas
    assert province.schema_name not in pending_by_schema(schemas)
    with schema_context(province.schema_name):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE app = 'procedures' AND name LIKE '0002%%'")
    pending = pending_by_schema(schemas)
    assert list(pending) == [province.schema_name]
    assert ("procedures", "0002_procedure_declined_master_hash") in pending[province.schema_name]
