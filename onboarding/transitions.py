"""The state machine of an application (one place): ``TRANSITIONS`` and ``application_transition()``,
a conditional UPDATE that refuses anything else and writes the operator audit row. Every change of
``Application.status`` goes through it (the services' approval and rejection, provisioning's register)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from control.console.models import record
from onboarding.models import Application

S = Application.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED}),
    S.APPROVED: frozenset({S.PROVISIONED}),
    S.PROVISIONED: frozenset(),
    S.REJECTED: frozenset(),
}


def application_transition(*, application: Application, to: str, actor: str, action: str, detail: str = "",
                           **fields: object) -> Application:
    """Move ``application`` to ``to`` (with ``fields`` set in the same UPDATE) if the table allows it and
    nobody moved it meanwhile; refuse anything else."""
    if to not in TRANSITIONS.get(application.status, frozenset()):
        raise ValidationError(f"Không thể chuyển đơn từ “{application.get_status_display()}” sang "
                              f"“{S(to).label}”.", code="transition")
    updated = Application.objects.filter(pk=application.pk, status=application.status).update(status=to, **fields)
    if not updated:
        raise ValidationError("Đơn vừa được người khác xử lý; hãy tải lại trang.", code="race")
    record(actor=actor, action=action, target=application.name, detail=detail, application_id=application.pk)
    application.refresh_from_db()
    return application
