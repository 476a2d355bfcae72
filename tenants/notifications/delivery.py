"""Delivery of outbox messages: one message (``outbox_send``) or what is still pending (``outbox_flush``).

Called by the tasks; ``services.notify`` queues messages and enqueues their delivery task.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tenants.notifications.models import OutboxMessage
from tenants.notifications.sms import sms_backend

MAX_ATTEMPTS = 5


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


def outbox_flush(*, limit: int = 200, settled_s: float = 0) -> int:
    """Send what is still pending: a message whose enqueue failed, or whose task the broker lost (a Redis
    restart without persistence, a worker killed before its ack). ``settled_s`` leaves alone the messages
    younger than that, whose own task is probably running now (sending them too would be harmless: a row
    is sent under its lock, once). Returns how many were sent."""
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    if settled_s:
        pending = pending.filter(created_at__lt=timezone.now() - dt.timedelta(seconds=settled_s))
    ids = list(pending.order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if outbox_send(message_id=pk) == OutboxMessage.Status.SENT)


def outbox_stuck(cutoff, limit: int):  # noqa: ANN001, ANN201
    """Messages that failed every attempt, or still pending since before ``cutoff`` (this tenant's schema).
    For the stuck list of the operator console (control/health)."""
    from django.db.models import Q

    from control.health.interface import StuckItem, StuckList

    qs = OutboxMessage.objects.filter(Q(status=OutboxMessage.Status.FAILED) |
                                      Q(status=OutboxMessage.Status.PENDING, created_at__lt=cutoff)
                                      ).order_by("-created_at")
    items = [StuckItem(ref=f"thong-bao:{m.pk}", state=f"{m.get_status_display()} · {m.attempts} lần thử",
                       since=m.created_at, detail=f"{m.get_channel_display()}"
                       + (f" · lỗi: {m.error[:200]}" if m.error else ""))
             for m in qs[:limit]]
    return StuckList(items=items, total=len(items) if len(items) < limit else qs.count())
