"""sentry-sdk set up so that no personal data (ID numbers, phones, e-mails, cookies) leaves us."""

from __future__ import annotations

import re
from typing import Any

_SENSITIVE_KEYS = re.compile(r"pass|secret|token|cookie|session|csrf|cccd|id_number|phone|email|hash", re.I)
_ID_OR_PHONE = re.compile(r"\b\d{9,12}\b")


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("[lọc]" if _SENSITIVE_KEYS.search(str(k)) else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str):
        return _ID_OR_PHONE.sub("[lọc]", value)
    return value


def before_send(event: dict, hint: dict) -> dict:
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "headers", "query_string"):
            if key in request:
                request[key] = _scrub(request[key])
    return _scrub(event)


def init_sentry(dsn: str, *, environment: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=before_send,
        traces_sample_rate=0.0,
    )
