"""The notification interface: ``notify()`` queues a message in the outbox; it is sent after commit, once."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from tenants.notifications.delivery import outbox_flush, outbox_send  # noqa: F401 (the app's API)
from tenants.notifications.models import OutboxMessage
from tenants.notifications.tasks import outbox_deliver

log = logging.getLogger(__name__)


def notify(*, key: str, channel: str, to: str, body: str, subject: str = "", dossier_id: int | None = None
           ) -> OutboxMessage | None:
    """Queue one message. The same ``key`` never produces a second message. Sent after commit."""
    if not to:
        return None
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(key=key[:200], channel=channel, recipient=to[:254],
                                                   subject=subject[:255], body=body, dossier_id=dossier_id)
    except IntegrityError:
        return None  # already queued (or sent) under this key
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id: int) -> None:
    try:
        outbox_deliver.delay(message_id)
    except Exception:  # broker down: the row stays pending, outbox_flush picks it up
        log.warning("outbox %s: could not enqueue, left pending", message_id, exc_info=True)
