"""Personal data out of logs and error reports: a request carrying an ID number, a phone and an e-mail (in
the path, the query string and the form body) fails with a 500; neither the log lines our LOGGING writes
nor the Sentry event (captured by a local transport, not the network) contain any of them."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import quote, urlencode
from wsgiref.util import setup_testing_defaults

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from core.pii import MASK, ScrubPersonalData, scrub_text
from core.sentry import init_sentry

ID_NUMBER = "031234567890"  # CCCD, 12 digits
PHONE = "0912345678"
PHONE_INTL = "+84987654321"
EMAIL = "nguyen.van.anh@example.vn"
SECRETS = (ID_NUMBER, PHONE, PHONE_INTL, "84987654321", "987654321", EMAIL, "nguyen.van.anh",
           quote(EMAIL, safe=""), quote(PHONE_INTL, safe=""))


class LocalTransport(Transport):
    """Keeps every envelope sentry-sdk would send."""

    def __init__(self, options: dict | None = None) -> None:
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [item.payload.json for env in self.envelopes for item in env.items if item.type == "event"]


@pytest.fixture
def sentry():
    transport = LocalTransport()
    init_sentry("https://public@sentry.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.flush()
    sentry_sdk.init(dsn=None, default_integrations=False, auto_enabling_integrations=False)


@pytest.fixture
def log_lines():
    """What the handlers configured by LOGGING write (the console handler), captured."""
    handlers = [h for h in logging.getLogger().handlers if h.name == "console"]
    assert handlers and any(isinstance(f, ScrubPersonalData) for f in handlers[0].filters)
    out = io.StringIO()
    previous = handlers[0].setStream(out)
    yield out
    handlers[0].setStream(previous)


def _wsgi_post(path: str, query: str, form: dict[str, str]) -> tuple[str, bytes]:
    """One request through Django's WSGI handler, as gunicorn makes it (the Sentry integration wraps it)."""
    from django.core.handlers.wsgi import WSGIHandler

    body = urlencode(form).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "localhost",
               "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "203.0.113.9",
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
               "HTTP_REFERER": f"http://localhost/tra-cuu/?email={quote(EMAIL)}&sdt={PHONE}",
               "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO()}
    setup_testing_defaults(environ)
    status = []
    chunks = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    return status[0], b"".join(chunks)


def test_an_error_with_personal_data_leaves_none_in_logs_or_sentry(django_db_setup, django_db_blocker, settings,
                                                                   sentry, log_lines):
    settings.PUBLIC_SCHEMA_URLCONF = "tests.core.pii_urls"
    with django_db_blocker.unblock():
        form = {"thu": EMAIL, "id_number": ID_NUMBER, "ghi_chu": f"gọi {PHONE_INTL} hoặc {EMAIL}"}
        status, content = _wsgi_post(f"/loi/{ID_NUMBER}/", f"sdt={PHONE}&lien_he={quote(PHONE_INTL)}&ma={ID_NUMBER}",
                                     form)
    assert status.startswith("500")
    for value in SECRETS:
        assert value not in content.decode()

    logged = log_lines.getvalue()
    assert "Internal Server Error: /loi/" in logged and "tra cứu hồ sơ" in logged  # the lines were written
    assert "Traceback" in logged and "ValueError: không tìm thấy công dân" in logged
    assert logged.count(MASK) >= 6
    for value in SECRETS:
        assert value not in logged, value

    events = sentry.events()
    assert events, "sentry-sdk sent nothing"
    exceptions = [e for e in events if e.get("exception")]
    assert exceptions and exceptions[0]["exception"]["values"][-1]["type"] == "ValueError"
    assert any(f.get("vars") for e in exceptions for v in e["exception"]["values"]
               for f in v.get("stacktrace", {}).get("frames", []))  # frames' variables were sent, masked
    request = exceptions[0]["request"]  # the request was described: path, query string, form, headers...
    assert request["url"].endswith(f"/loi/{MASK}/") and request["method"] == "POST"
    assert request["query_string"].startswith(f"sdt={MASK}") and request["data"]["ghi_chu"].startswith("gọi")
    assert "Referer" in request["headers"] and any(b["category"] == "tenants.dossiers.views"
                                                   for b in exceptions[0]["breadcrumbs"]["values"])
    raw = json.dumps(events, ensure_ascii=False)
    for value in SECRETS:
        assert value not in raw, value  # ... without any of the personal data


@pytest.mark.parametrize("text", [
    f"cccd {ID_NUMBER}", "cmnd 123456789", f"sđt {PHONE}", "gọi 0912 345 678", "gọi 091.234.5678",
    f"gọi {PHONE_INTL}", "gọi +84 912-345-678", "sdt=%2B84912345678", f"thư {EMAIL}", "thu=anh%2Bx%40example.vn",
])
def test_the_scrubber_masks_each_form(text):
    masked = scrub_text(text)
    assert MASK in masked
    for part in ("031234567890", "123456789", "0912", "345", "example.vn", "84912345678"):
        assert part not in masked


def test_the_scrubber_keeps_ordinary_text():
    text = "Hồ sơ 000.00.01.H22-260101-0001 nhận lúc 2026-01-01 09:30:00, 5 ngày, 150000 đồng, trang 2"
    assert scrub_text(text) == text
