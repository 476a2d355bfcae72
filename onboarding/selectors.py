"""Reads of onboarding for the operator console: open applications, provisioning progress, plans."""

from __future__ import annotations

from control.console.selectors import tenants_page
from onboarding.models import Application, Provisioning
from onboarding.provisioning import STEP_LABELS


def job_view(job: Provisioning) -> dict:
    return {
        "application": job.application_id,
        "state": job.state,
        "state_label": job.get_state_display(),
        "percent": job.percent,
        "step": job.current_step,
        "step_label": STEP_LABELS.get(job.current_step, ""),
        "steps_done": list(job.steps_done),
        "error_step": STEP_LABELS.get(job.error_step, job.error_step),
        "error": job.error_message,
        "attempts": job.attempts,
        "seconds": round(sum(job.timings.values()), 3) if job.timings else None,
    }


def applications_open() -> list[Application]:
    return list(Application.objects.exclude(status=Application.Status.REJECTED)
                .exclude(status=Application.Status.PROVISIONED, provisioning__state=Provisioning.State.DONE)
                .select_related("provisioning").order_by("created_at"))


def progress_all(ids: list[int] | None = None) -> list[dict]:
    qs = Provisioning.objects.all()
    if ids:
        qs = qs.filter(application_id__in=ids)
    else:
        qs = qs.exclude(state=Provisioning.State.DONE)
    return [job_view(j) for j in qs.order_by("application_id")[:200]]


def tenant_rows(*, offset: int = 0, limit: int = 50) -> list[dict]:
    """The console's page of tenants, each with the plan its application chose."""
    rows = tenants_page(offset=offset, limit=limit)
    plans = dict(Application.objects.filter(tenant_id__in=[r["tenant"].pk for r in rows])
                 .values_list("tenant_id", "plan"))
    labels = dict(Application.Plan.choices)
    return [{**r, "plan": labels.get(plans.get(r["tenant"].pk), "—")} for r in rows]


def provisioning_stuck(cutoff, limit: int):  # noqa: ANN001, ANN201
    """Provisioning jobs not done, started (or created) before ``cutoff``: for the stuck list (control/health)."""
    from django.db.models.functions import Coalesce

    from control.health.interface import StuckItem, StuckList

    qs = (Provisioning.objects.exclude(state=Provisioning.State.DONE)
          .annotate(since=Coalesce("started_at", "updated_at")).filter(since__lt=cutoff)
          .select_related("application").order_by("since"))
    items = [StuckItem(ref=f"khoi-tao:{job.application_id}", since=job.since,
                       state=f"{job.get_state_display()} · {job.percent}%",
                       detail=f"{job.application.name} ({job.application.slug}) · bước "
                              f"{STEP_LABELS.get(job.error_step or job.current_step, '—')}"
                              + (f" · lỗi: {job.error_message[:200]}" if job.error_message else "")
                              + f" · {job.attempts} lần chạy")
             for job in qs[:limit]]
    return StuckList(items=items, total=len(items) if len(items) < limit else qs.count())
