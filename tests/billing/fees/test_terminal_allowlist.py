"""The terminal form takes only the gateway hosts this environment allows (issue 10, item 2): the URL a
tenant administrator types cannot make the server call an address of our network."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from billing.fees.models import MerchantTerminal

DEVELOPMENT = {"vnpay": ["http://127.0.0.1:8765", "https://sandbox.vnpayment.vn"]}
PRODUCTION = {"vnpay": ["https://sandbox.vnpayment.vn", "https://pay.vnpay.vn", "https://merchant.vnpay.vn"]}


@pytest.fixture
def admin_a(client_a, tenant_a):
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        client_a.force_login(User.objects.get(username="admin-alpha"))
        MerchantTerminal.objects.filter(provider="vnpay").delete()
    return client_a


def _save(client, **urls):  # noqa: ANN001, ANN003, ANN202
    return client.post("/staff/billing/terminal/", {"tmn_code": "ALPHA777", "hash_secret": "SieuBiMat-123456789",
                                                     "is_active": "1", **urls})


def _terminal(tenant):  # noqa: ANN001, ANN202
    with schema_context(tenant.schema_name):
        return MerchantTerminal.objects.filter(provider="vnpay").first()


def test_the_issue_example_is_refused_with_a_vietnamese_error(admin_a, tenant_a, settings):
    settings.GATEWAY_URL_ALLOWLIST = DEVELOPMENT  # as on `make demo`
    r = _save(admin_a, api_url="http://127.0.0.1:18999/")
    text = r.content.decode()
    assert r.status_code == 400
    assert "không thuộc danh sách địa chỉ cổng thanh toán được phép" in text and "127.0.0.1:18999" in text
    assert _terminal(tenant_a) is None  # nothing saved
    r = _save(admin_a, pay_url="http://127.0.0.1:18999/paymentv2/vpcpay.html")
    assert r.status_code == 400 and _terminal(tenant_a) is None


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/merchant_webapi/api/transaction",
    "http://192.168.1.1/",
    "http://localhost:5432/",
    "http://[::1]:6379/",
    "http://evil.example/merchant_webapi/api/transaction",
    "http://sandbox.vnpayment.vn/merchant_webapi/api/transaction",  # the right host, the wrong scheme
    "https://sandbox.vnpayment.vn.evil.example/",
    "https://user:pass@sandbox.vnpayment.vn/",
    "https://sandbox.vnpayment.vn:8443/",
    "ftp://sandbox.vnpayment.vn/",
    "https://sandbox.vnpayment.vn/" + "a" * 300,
], ids=lambda u: u[:40])
def test_addresses_off_the_list_are_refused(admin_a, tenant_a, url, settings):
    settings.GATEWAY_URL_ALLOWLIST = PRODUCTION
    for field in ("api_url", "pay_url"):
        r = _save(admin_a, **{field: url})
        assert r.status_code == 400, (field, url)
        assert "Địa chỉ" in r.content.decode()
    assert _terminal(tenant_a) is None


def test_listed_hosts_are_taken(admin_a, tenant_a, settings):
    settings.GATEWAY_URL_ALLOWLIST = PRODUCTION
    r = _save(admin_a, pay_url="https://pay.vnpay.vn/vpcpay.html",
              api_url="https://merchant.vnpay.vn/merchant_webapi/api/transaction")
    assert r.status_code == 302
    saved = _terminal(tenant_a)
    assert (saved.pay_url, saved.api_url) == ("https://pay.vnpay.vn/vpcpay.html",
                                              "https://merchant.vnpay.vn/merchant_webapi/api/transaction")
    page = admin_a.get("/staff/billing/terminal/").content.decode()
    assert "https://merchant.vnpay.vn:443" in page  # the form says what it accepts
    # Empty: the platform's own configuration.
    assert _save(admin_a, pay_url="", api_url="").status_code == 302


def test_the_test_environment_lists_its_loopback_sandboxes_only(admin_a, tenant_a):
    """The default list here: the sandboxes tests start on free loopback ports, and the public sandbox."""
    assert _save(admin_a, api_url="http://127.0.0.1:8765").status_code == 302
    for url in ("http://169.254.169.254/", "http://10.0.0.5/", "http://evil.example/", "http://127.0.0.2:8765/"):
        assert _save(admin_a, api_url=url).status_code == 400, url
