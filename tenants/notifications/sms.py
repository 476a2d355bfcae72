"""SMS through an adapter: one small interface, a backend per provider.

The development backend sends nothing: the outbox row (visible at /staff/outbox/) is the message.
A provider's backend implements ``send(to, body) -> provider message id`` and raises ``SmsError``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(RuntimeError):
    pass


class SmsBackend:
    name = "base"

    def send(self, to: str, body: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class OutboxSmsBackend(SmsBackend):
    """Development backend: the message stays in the outbox table, marked sent."""

    name = "outbox"

    def send(self, to: str, body: str) -> str:
        if not to:
            raise SmsError("Thiếu số điện thoại người nhận.")
        return "outbox"


def sms_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "tenants.notifications.sms.OutboxSmsBackend")
    return import_string(path)()
