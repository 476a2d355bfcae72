"""Local VNPay v2.1.0 sandbox: a pure WSGI app speaking the gateway's protocol.

* ``python -m billing.gateways.vnpay_sandbox --host 127.0.0.1 --port 8765``
* ``gunicorn 'billing.gateways.vnpay_sandbox.app:application' --workers 1 --threads 8``
* tests: ``server = run_in_thread("127.0.0.1", 0)``; ``server.url``; ``server.stop()``
"""

from __future__ import annotations

from .app import SandboxApp, create_app
from .server import SandboxServer, make_server, run_in_thread
from .state import (
    DEFAULT_HASH_SECRET,
    DEFAULT_TMN_CODE,
    TEST_BANK,
    TEST_CARD_HOLDER,
    TEST_CARD_ISSUE,
    TEST_CARD_NUMBER,
    TEST_OTP,
    SandboxState,
    Terminal,
)

__all__ = [
    "DEFAULT_HASH_SECRET",
    "DEFAULT_TMN_CODE",
    "TEST_BANK",
    "TEST_CARD_HOLDER",
    "TEST_CARD_ISSUE",
    "TEST_CARD_NUMBER",
    "TEST_OTP",
    "SandboxApp",
    "SandboxServer",
    "SandboxState",
    "Terminal",
    "create_app",
    "make_server",
    "run_in_thread",
]
