"""Reads of the operator console: tenants with counts (one query for a page), applications, jobs."""

from __future__ import annotations

from django.db import connection

from control.tenancy.models import Tenant
from onboarding.models import Application, Provisioning
from onboarding.provisioning import STEP_LABELS


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tenant_counts(schemas: list[str]) -> dict[str, dict[str, int]]:
    """units, staff, enabled/total procedures of each schema, in one UNION ALL query."""
    if not schemas:
        return {}
    parts = [
        f"""SELECT %s, (SELECT count(*) FROM {_q(s)}.organization_unit),
                   (SELECT count(*) FROM {_q(s)}.accounts_user WHERE kind = 'staff'),
                   (SELECT count(*) FROM {_q(s)}.procedures_procedure WHERE enabled),
                   (SELECT count(*) FROM {_q(s)}.procedures_procedure)"""
        for s in schemas
    ]
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), schemas)
        return {row[0]: {"units": row[1], "staff": row[2], "enabled": row[3], "procedures": row[4]}
                for row in cursor.fetchall()}


def tenants_page(*, offset: int = 0, limit: int = 50) -> list[dict]:
    tenants = list(Tenant.objects.exclude(schema_name="public").select_related("application")
                   .prefetch_related("domains").order_by("name")[offset:offset + limit])
    counts = tenant_counts([t.schema_name for t in tenants])
    out = []
    for t in tenants:
        app = getattr(t, "application", None)
        out.append({"tenant": t, "plan": app.get_plan_display() if app else "—",
                    "counts": counts.get(t.schema_name, {})})
    return out


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
