"""sentry-sdk set up so that no personal data (ID numbers, phones, e-mails, cookies) leaves us."""

from __future__ import annotations

from typing import Any

from core.pii import scrub


def before_send(event: dict, hint: dict) -> dict:
    """Every string of the event masked (message, exception, frames' variables, request, breadcrumbs)."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
    return scrub(event)


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    return scrub(crumb)


def init_sentry(dsn: str, *, environment: str, transport: Any = None) -> None:  # noqa: ANN401
    """``transport``: sentry-sdk's own by default; a test gives a local one (no network)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # no user, cookies, SQL or queue payloads; the rest is masked by before_send
        data_collection={"user_info": False, "cookies": {"mode": "off"}, "database_query_data": False,
                         "queues": False},
        before_send=before_send,
        before_breadcrumb=before_breadcrumb,
        traces_sample_rate=0.0,
        transport=transport,
    )
