"""Outbox delivery (tenant-aware, idempotent: a sent message is skipped)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import TenantOnlyTask
from tenants.notifications.delivery import outbox_flush, outbox_send
from tenants.notifications.models import OutboxMessage


@shared_task(base=TenantOnlyTask, bind=True, max_retries=5, acks_late=True)
def outbox_deliver(self, message_id: int) -> str:  # noqa: ANN001
    status = outbox_send(message_id=message_id)
    if status == OutboxMessage.Status.PENDING:
        raise self.retry(countdown=30 * (self.request.retries + 1))
    return status


@shared_task(base=TenantOnlyTask, name="tenants.notifications.tasks.outbox_flush_task")
def outbox_flush_task(settled_s: float = 0) -> int:
    return outbox_flush(settled_s=settled_s)
