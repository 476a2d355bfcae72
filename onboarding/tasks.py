"""Celery tasks of onboarding (public schema). They take ids and are safe to run again."""

from __future__ import annotations

from celery import shared_task

from onboarding.provisioning import AlreadyRunning, ProvisioningFailed, provisioning_run


@shared_task(name="onboarding.provision", acks_late=True, reject_on_worker_lost=True)
def provision_application(application_id: int) -> dict:
    try:
        job = provisioning_run(application_id=application_id)
    except AlreadyRunning:
        return {"application": application_id, "state": "already_running"}
    except ProvisioningFailed as exc:  # recorded on the job; the operator sees step and reason
        return {"application": application_id, "state": "failed", "step": exc.step, "reason": exc.message}
    return {"application": application_id, "state": job.state, "percent": job.percent}
