"""Billing fixtures: the local VNPay sandbox (thread), our app under gunicorn, tenants' terminals.

Live tests write committed rows (the gunicorn process and the Celery worker only see those), so they
use ``live_db`` (no test transaction) instead of ``db``; their references are unique per test.
"""

from __future__ import annotations

import secrets
import socket

import httpx
import pytest
from django_tenants.utils import schema_context

from tests.billing.helpers import LiveTenant

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    # RFC 6761: *.localhost is loopback. Browsers do it; glibc here does not, so the sandbox's IPN
    # (sent from this process) reaches http://alpha.localhost:<port>/ like a browser would.
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def _localhost_subdomains():
    socket.getaddrinfo = _getaddrinfo
    yield
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(scope="session")
def sandbox():
    from billing.gateways.vnpay_sandbox import run_in_thread

    server = run_in_thread("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fee_server(django_db_setup):  # noqa: ANN001
    """Our Django app under gunicorn (2 workers), with a short gateway timeout for the slow-gateway test."""
    from tests.support import gunicorn

    with gunicorn(workers=2, threads=4, log_name="fees", extra_env={"VNPAY_TIMEOUT_S": "2"}) as (_url, port):
        yield port


@pytest.fixture
def live_db(django_db_blocker):  # noqa: ANN001
    with django_db_blocker.unblock():
        yield


def _live_tenant(slug: str, sandbox, port: int) -> LiveTenant:  # noqa: ANN001
    from billing.fees.services import terminal_save
    from control.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=slug)
    tmn = slug[:4].upper() + f"{secrets.randbelow(10**4):04d}"
    secret = secrets.token_hex(16)
    with schema_context(tenant.schema_name):
        terminal_save(tmn_code=tmn, hash_secret=secret, pay_url=sandbox.url, api_url=sandbox.url, actor="test")
    base = f"http://{slug}.localhost:{port}"
    r = httpx.post(f"{sandbox.url}/sandbox/terminals",
                   json={"tmn_code": tmn, "hash_secret": secret, "ipn_url": f"{base}/thanh-toan/vnpay/ipn"})
    r.raise_for_status()
    return LiveTenant(tenant=tenant, tmn_code=tmn, secret=secret, base=base, sandbox_url=sandbox.url)


@pytest.fixture
def alpha(live_db, sandbox, fee_server) -> LiveTenant:  # noqa: ANN001
    return _live_tenant("alpha", sandbox, fee_server)


@pytest.fixture
def beta(live_db, sandbox, fee_server) -> LiveTenant:  # noqa: ANN001
    return _live_tenant("beta", sandbox, fee_server)
