"""Beat task: reconcile fee payments left pending (a dropped IPN still completes)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from billing.fees.confirm import payment_reconcile, pending_to_reconcile
from billing.gateways.types import ProviderError
from core.tasks import TenantOnlyTask

logger = logging.getLogger(__name__)


@shared_task(base=TenantOnlyTask, name="billing.fees.tasks.reconcile_pending")
def reconcile_pending(older_than_minutes: int | None = None) -> dict[str, int]:
    """Idempotent: each pending payment older than the threshold is asked about with querydr."""
    minutes = settings.FEES_RECONCILE_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    counts = {"checked": 0, "settled": 0, "errors": 0}
    for payment_id in pending_to_reconcile(older_than_minutes=minutes):
        counts["checked"] += 1
        try:
            payment = payment_reconcile(payment_id=payment_id)
        except ProviderError as exc:
            counts["errors"] += 1
            logger.warning("reconcile %s: %s", payment_id, exc.message)
            continue
        if payment.status != "pending":
            counts["settled"] += 1
    return counts
