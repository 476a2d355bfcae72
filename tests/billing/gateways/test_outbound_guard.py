"""Outbound calls go only where they belong, over real sockets: a loopback listener that the allow-list
does not name never sees a connection, whether the URL names it by address, by a name that resolves to
it, or by a redirect; private and link-local addresses are refused before any connection is tried; a
named local sandbox still works; the product's VNPay client refuses a terminal URL off the list even
when the row was saved before the form checked it."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from billing.gateways.outbound import DestinationRefused, OutboundPolicy, guarded_client
from billing.gateways.vnpay import DestinationRefusedError, InvalidRequestError
from tests.billing.gateways.vnpay_fixtures import make_client, new_ref, register_terminal


class Listener:
    """A real TCP listener on loopback that counts the connections it accepts (and answers HTTP 200)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            try:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                             b"Connection: close\r\n\r\n{}")
            finally:
                conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture
def redirector(listener):
    """A named (allowed) loopback server whose every answer is a redirect to the unnamed listener."""
    target = listener.url + "/internal"

    class Handler(BaseHTTPRequestHandler):
        def _redirect(self) -> None:
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _redirect

        def log_message(self, *args) -> None:  # noqa: ANN002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _refused_fast(call) -> DestinationRefused:  # noqa: ANN001
    started = time.monotonic()
    with pytest.raises(DestinationRefused) as exc:
        call()
    assert time.monotonic() - started < 2.0  # refused, not timed out
    return exc.value


def test_loopback_not_named_is_refused_and_never_connected(listener, sandbox):
    policy = OutboundPolicy(allowed=(sandbox.url,))  # another loopback origin is named, not this one
    with guarded_client(policy, timeout=3) as http:
        refused = _refused_fast(lambda: http.post(listener.url + "/merchant_webapi/api/transaction", json={}))
        assert "nội bộ" in refused.message and "127.0.0.1" in refused.message
        # By a name that resolves to loopback (tests resolve *.localhost to 127.0.0.1, as browsers do).
        _refused_fast(lambda: http.get(f"http://rebind.localhost:{listener.port}/"))
        _refused_fast(lambda: http.get(f"http://localhost:{listener.port}/"))
        # Another spelling of loopback.
        _refused_fast(lambda: http.get(f"http://127.1:{listener.port}/"))
        # The named sandbox is reachable.
        assert http.get(sandbox.url + "/sandbox/terminals").status_code < 500
    assert listener.accepted == 0


@pytest.mark.parametrize("url", [
    "http://10.255.255.1/merchant_webapi/api/transaction",  # private
    "http://192.168.0.1/",  # private
    "http://172.16.0.1/",  # private
    "http://100.64.0.1/",  # shared (CGNAT)
    "http://169.254.169.254/latest/meta-data/",  # link-local: the cloud metadata service
    "http://[fe80::1]/",  # link-local IPv6
    "http://[::1]/",  # loopback IPv6
    "http://[::ffff:127.0.0.1]/",  # loopback, IPv4-mapped
    "http://0.0.0.0/",  # unspecified
], ids=lambda u: u.split("/")[2])
def test_private_and_link_local_are_refused_before_connecting(url):
    with guarded_client(OutboundPolicy(), timeout=10) as http:
        _refused_fast(lambda: http.get(url))


def test_a_redirect_is_never_followed_to_an_unnamed_address(listener, redirector):
    policy = OutboundPolicy(allowed=(redirector,), only_allowed=True)
    with guarded_client(policy, timeout=3) as http:
        first = http.post(redirector + "/merchant_webapi/api/transaction", json={})
        assert first.status_code == 302 and first.headers["Location"].startswith(listener.url)
        # Even asked to follow, the next hop is checked like the first and refused.
        _refused_fast(lambda: http.get(redirector + "/", follow_redirects=True))
    assert listener.accepted == 0


def test_only_allowed_refuses_a_public_origin_not_named():
    with guarded_client(OutboundPolicy(allowed=("https://sandbox.vnpayment.vn",), only_allowed=True)) as http:
        refused = _refused_fast(lambda: http.get("https://evil.example/"))
        assert "danh sách" in refused.message
        _refused_fast(lambda: http.get("http://sandbox.vnpayment.vn/"))  # another scheme: another origin
        _refused_fast(lambda: http.get("https://sandbox.vnpayment.vn:8443/"))  # another port


def test_vnpay_client_refuses_an_unnamed_loopback_api_at_once_without_retrying(listener, sandbox):
    tmn, secret = register_terminal(sandbox.url, None)
    client = make_client(sandbox.url, tmn, secret, api_url=listener.url, max_retries=3)
    with pytest.raises(DestinationRefusedError):
        client.payment_intents.retrieve(new_ref(), transaction_date="20260101120000")
    client.close()
    assert listener.accepted == 0
    # The same client pointed at the named sandbox talks to it.
    named = make_client(sandbox.url, tmn, secret)
    with pytest.raises(InvalidRequestError) as exc:  # unknown reference: the sandbox answered
        named.payment_intents.retrieve(new_ref(), transaction_date="20260101120000")
    assert exc.value.code == "transaction_not_found"
    named.close()


def test_product_gateway_refuses_a_saved_terminal_url_off_the_list(db, tenant_a, listener, settings):
    """A terminal row with an arbitrary API URL (saved before the form checked it): the citizen gets a
    clear refusal and the listener sees nothing."""
    from django_tenants.utils import schema_context

    from billing.fees.gateway import gateway_for
    from billing.fees.models import MerchantTerminal
    from billing.gateways.types import GatewayRejected
    from core import crypto

    settings.GATEWAY_URL_ALLOWLIST = {"vnpay": ["http://127.0.0.1:8765", "https://sandbox.vnpayment.vn"]}
    with schema_context(tenant_a.schema_name):
        MerchantTerminal.objects.filter(provider="vnpay").delete()
        terminal = MerchantTerminal.objects.create(provider="vnpay", tmn_code="SSRF0001",
                                                   hash_secret_encrypted=crypto.encrypt("ssrf-secret-123456"),
                                                   api_url=listener.url + "/merchant_webapi/api/transaction")
        with pytest.raises(GatewayRejected) as exc:
            gateway_for(terminal, interactive=True).preflight("SSRFREF0001")
    assert "danh sách được phép" in exc.value.message
    assert listener.accepted == 0


def test_httpx_default_client_would_have_connected(listener):
    """The control: the same listener is reachable by a plain client (the refusals above are the guard's)."""
    assert httpx.get(listener.url + "/", timeout=3).status_code == 200
    assert listener.accepted == 1
