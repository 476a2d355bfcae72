"""The notification interface: ``notify()`` queues a message in the outbox; it is sent after commit, once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.notifications.models import OutboxMessage
from tenants.notifications.sms import sms_backend

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


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
    from tenants.notifications.tasks import outbox_deliver

    try:
        outbox_deliver.delay(message_id)
    except Exception:  # broker down: the row stays pending, outbox_flush picks it up
        log.warning("outbox %s: could not enqueue, left pending", message_id, exc_info=True)


def outbox_send(*, message_id: int) -> str:
    """Send one pending message (idempotent: a sent message is never sent again). Returns its status."""
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status=OutboxMessage.Status.PENDING).first())
        if message is None:
            return "skipped"
        message.attempts += 1
        try:
            if message.channel == OutboxMessage.Channel.EMAIL:
                send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
                message.backend = settings.EMAIL_BACKEND.rsplit(".", 1)[-1]
            else:
                backend = sms_backend()
                backend.send(message.recipient, message.body)
                message.backend = backend.name
        except Exception as exc:  # the provider failed: keep the error, retry later
            message.error = str(exc)[:1000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            message.save(update_fields=["attempts", "error", "status"])
            return message.status
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.error = ""
        message.save(update_fields=["attempts", "error", "status", "sent_at", "backend"])
        return message.status


def outbox_flush(*, limit: int = 200) -> int:
    """Send what is still pending (a message whose enqueue failed). Returns how many were sent."""
    ids = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
               .order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if outbox_send(message_id=pk) == OutboxMessage.Status.SENT)
