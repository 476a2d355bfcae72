"""Fixtures of the gateway tests: a sandbox of their own per module (tests flip its global
switches) and a merchant that receives its IPNs, both over real HTTP on loopback."""

from __future__ import annotations

import pytest

from billing.gateways.vnpay_sandbox import run_in_thread
from tests.billing.gateways.vnpay_fixtures import MerchantReceiver


@pytest.fixture(scope="module")
def sandbox():
    server = run_in_thread("127.0.0.1", 0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def receiver():
    rec = MerchantReceiver().start()
    yield rec
    rec.stop()
