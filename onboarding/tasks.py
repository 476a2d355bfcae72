"""Celery tasks of onboarding (public schema). They take ids and are safe to run again."""

from __future__ import annotations

from celery import shared_task

from onboarding.provisioning import AlreadyRunning, ProvisioningFailed, provisioning_run

# A job found locked is retried, not dropped: the lock may belong to the connection of a worker that was just
# killed (PostgreSQL releases it when it notices, a few seconds later), and the redelivered task would
# otherwise end as "already running" and leave the job running for ever.
LOCKED_RETRY_S = 5
LOCKED_RETRIES = 60


@shared_task(name="onboarding.provision", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=LOCKED_RETRIES)
def provision_application(self, application_id: int) -> dict:  # noqa: ANN001
    try:
        job = provisioning_run(application_id=application_id)
    except AlreadyRunning:
        if self.request.called_directly:
            return {"application": application_id, "state": "already_running"}
        raise self.retry(countdown=LOCKED_RETRY_S) from None
    except ProvisioningFailed as exc:  # recorded on the job; the operator sees step and reason
        return {"application": application_id, "state": "failed", "step": exc.step, "reason": exc.message}
    return {"application": application_id, "state": job.state, "percent": job.percent}
