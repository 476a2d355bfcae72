"""The browser of the end-to-end tests: Debian's chromium driven by Playwright, never a downloaded one."""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.tenants.dossiers.helpers import build_office

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Debian chromium is missing: .ci/run must install it")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            # Without the networking flags chromium keeps calling out of this closed network.
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def office(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """An office (units, staff, a procedure) committed in tenant alpha, for a server in another process."""
    from control.tenancy.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        with schema_context(tenant.schema_name):
            yield build_office()
        connection.set_schema_to_public()
        connection.close()  # a committed-data test leaves no session open on the test database
