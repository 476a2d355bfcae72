"""Shared fixtures: two tenants (alpha, beta) created once per test session by cloning the
template schema, each with an administrator; an operator in the public schema.

Tests run on real PostgreSQL and Redis (the configured ones, else the embedded ones).
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test import Client

from tests.support import PASSWORD, force_login_passes_second_factor

# force_login skips the second factor as it skips the password (tests.support).
user_logged_in.connect(force_login_passes_second_factor, dispatch_uid="tests-force-login-otp")

TENANTS = {"alpha": "Tỉnh Alpha", "beta": "Tỉnh Beta"}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    from django.test.utils import setup_databases, teardown_databases

    from control.tenancy import services
    from control.tenancy.models import Tenant

    own = None
    if not connection.settings_dict["NAME"].startswith("test_"):
        # Only tests against committed servers were chosen (e2e, no django_db marker): pytest-django
        # set up no test database for them, and they must not write to the developer's one.
        with django_db_blocker.unblock():
            own = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    with django_db_blocker.unblock():
        services.template_schema_ensure()
        for slug, name in TENANTS.items():
            tenant = Tenant.objects.filter(slug=slug).first() or services.tenant_create(
                name=name, slug=slug, status=Tenant.Status.ACTIVE
            )
            services.tenant_admin_ensure(tenant=tenant, username=f"admin-{slug}", password=PASSWORD)
        services.operator_ensure(username="operator", password=PASSWORD)
        connection.set_schema_to_public()
    yield
    # Servers and workers of this session are gone; cut what is left of their connections so
    # that pytest-django can drop the test database.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    if own is not None:
        with django_db_blocker.unblock():
            teardown_databases(own, verbosity=0)


@pytest.fixture(autouse=True)
def _back_to_public():
    from control.tenancy import routing

    yield
    connection.set_schema_to_public()
    routing.clear_local()  # a rolled-back test must not leave its tenants in the routing cache
    from tenants.calendar.selectors import calendar_changed

    calendar_changed("*")  # nor its calendar rows in the calendar cache


@pytest.fixture
def tenant_a(db):  # noqa: ANN001, ANN201
    from control.tenancy.models import Tenant

    return Tenant.objects.get(slug="alpha")


@pytest.fixture
def tenant_b(db):  # noqa: ANN001, ANN201
    from control.tenancy.models import Tenant

    return Tenant.objects.get(slug="beta")


def host_of(tenant) -> str:  # noqa: ANN001
    from django.conf import settings

    return f"{tenant.slug}.{settings.BASE_DOMAIN}"


@pytest.fixture
def client_a(tenant_a) -> Client:  # noqa: ANN001
    return Client(HTTP_HOST=host_of(tenant_a))


@pytest.fixture
def client_b(tenant_b) -> Client:  # noqa: ANN001
    return Client(HTTP_HOST=host_of(tenant_b))


@pytest.fixture
def platform_client(db) -> Client:  # noqa: ANN001
    from django.conf import settings

    return Client(HTTP_HOST=settings.BASE_DOMAIN)


@pytest.fixture(scope="session")
def celery_queue_name() -> str:
    """This test session's own Celery queue: tests, the live server and the worker all use it."""
    from config.celery import app

    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    return queue


@pytest.fixture(scope="session")
def celery_queue(django_db_setup, celery_queue_name) -> str:  # noqa: ANN001
    """A real Celery worker on this session's queue, against the test database."""
    from tests.support import celery_worker

    with celery_worker(celery_queue_name):
        yield celery_queue_name


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, celery_queue_name) -> str:  # noqa: ANN001
    """gunicorn (the production server) serving the test database over real HTTP.

    Tasks it enqueues go to this session's queue (add the ``celery_queue`` fixture to run them).
    """
    from tests.support import gunicorn

    with gunicorn(workers=1, threads=4, log_name="live", extra_env={"CELERY_QUEUE": celery_queue_name}) as (url, _port):
        yield url
