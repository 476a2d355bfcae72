"""Outbox delivery (tenant-aware, idempotent: a sent message is skipped)."""

from __future__ import annotations

from config.celery import TenantOnlyTask, app
from tenants.notifications.models import OutboxMessage
from tenants.notifications.services import outbox_flush, outbox_send


@app.task(base=TenantOnlyTask, bind=True, max_retries=5, acks_late=True)
def outbox_deliver(self, message_id: int) -> str:  # noqa: ANN001
    status = outbox_send(message_id=message_id)
    if status == OutboxMessage.Status.PENDING:
        raise self.retry(countdown=30 * (self.request.retries + 1))
    return status


@app.task(base=TenantOnlyTask)
def outbox_flush_task() -> int:
    return outbox_flush()
