"""Helpers of the billing tests: a citizen's browser (httpx) against our app and the sandbox."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from django_tenants.utils import schema_context

from billing.gateways.vnpay import signed_query
from billing.gateways.vnpay_sandbox import TEST_BANK, TEST_CARD_HOLDER, TEST_CARD_ISSUE, TEST_CARD_NUMBER, TEST_OTP

SID_RE = re.compile(r'name="sid" value="([^"]+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="key" value="([^"]+)"')
TEST_SUBJECT = "billing-test"


@dataclass
class LiveTenant:
    tenant: Any
    tmn_code: str
    secret: str
    base: str  # http://alpha.localhost:<port>
    sandbox_url: str

    def schema(self):  # noqa: ANN201
        return schema_context(self.tenant.schema_name)

    def switches(self, **values: Any) -> None:
        r = httpx.post(f"{self.sandbox_url}/sandbox/switches", json={"tmn_code": self.tmn_code, "clear": True,
                                                                     **values})
        r.raise_for_status()

    def ipn_log(self, txn_ref: str) -> list[dict]:
        r = httpx.get(f"{self.sandbox_url}/sandbox/ipn-log", params={"tmn_code": self.tmn_code, "txn_ref": txn_ref})
        return r.json()["entries"]

    def request(self, amount_vnd: int = 150_000):  # noqa: ANN201
        from billing.fees.services import payment_request_create

        with self.schema():
            return payment_request_create(
                subject_type=TEST_SUBJECT, subject_id=secrets.randbelow(2**40), reference=f"HS-{secrets.token_hex(4)}",
                amount_vnd=amount_vnd, description="Lệ phí cấp giấy phép xây dựng",
                procedure_name="Cấp giấy phép xây dựng", unit_name="Sở Xây dựng",
            )

    def signed_ipn(self, txn_ref: str, amount_vnd: int, *, secret: str | None = None, code: str = "00") -> dict:
        params = {
            "vnp_TmnCode": self.tmn_code, "vnp_Amount": str(amount_vnd * 100), "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP1", "vnp_CardType": "ATM", "vnp_PayDate": "20260101120000",
            "vnp_OrderInfo": "Thanh toan", "vnp_TransactionNo": "14999999", "vnp_ResponseCode": code,
            "vnp_TransactionStatus": "00" if code == "00" else "02", "vnp_TxnRef": txn_ref,
        }
        return dict(httpx.QueryParams(signed_query(params, secret or self.secret)))


def citizen() -> httpx.Client:
    return httpx.Client(timeout=30, follow_redirects=False)


def start_checkout(browser: httpx.Client, live: LiveTenant, token: str) -> httpx.Response:
    """Open the pay page and press "Thanh toán qua VNPay" (returns our response: 302 to the gateway or a page)."""
    page = browser.get(f"{live.base}/thanh-toan/{token}/")
    assert page.status_code == 200, page.text[:500]
    csrf = CSRF_RE.search(page.text).group(1)
    key = KEY_RE.search(page.text).group(1)
    return browser.post(f"{live.base}/thanh-toan/{token}/", data={"csrfmiddlewaretoken": csrf, "key": key},
                        headers={"Referer": f"{live.base}/thanh-toan/{token}/"})


def pay_at_gateway(browser: httpx.Client, pay_url: str, *, action: str = "pay") -> str:
    """Act as the payer on the sandbox's pages; returns the signed return URL we are sent back to."""
    page = browser.get(pay_url)
    assert page.status_code == 200, page.text[:500]
    sid = SID_RE.search(page.text).group(1)
    base = pay_url.split("/paymentv2/")[0]
    if action != "pay":
        r = browser.post(f"{base}/paymentv2/action", data={"sid": sid, "action": action})
    else:
        r = browser.post(f"{base}/paymentv2/card", data={"sid": sid, "bank_code": TEST_BANK,
                                                         "card_number": TEST_CARD_NUMBER,
                                                         "card_holder": TEST_CARD_HOLDER,
                                                         "issue_date": TEST_CARD_ISSUE})
        assert r.status_code == 200, r.text[:500]
        r = browser.post(f"{base}/paymentv2/otp", data={"sid": sid, "otp": TEST_OTP})
    assert r.status_code == 302, r.text[:500]
    return r.headers["Location"]


def wait_for(predicate: Callable[[], Any], *, timeout: float = 20.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
