"""The deadline watch: marks near-due and overdue dossiers and tells the responsible staff, once."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.dossiers import deadlines
from tenants.dossiers.errors import DossierError
from tenants.dossiers.models import Dossier, DossierAlert, OfficeSettings
from tenants.dossiers.notices import fmt
from tenants.dossiers.states import ACTIVE
from tenants.notifications.models import OutboxMessage
from tenants.notifications.services import notify
from tenants.organization.models import StaffRole
from tenants.organization.permissions import holders

Flag = Dossier.DeadlineFlag


def deadline_watch_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Idempotent: an alert exists once per (dossier, kind, due date); running twice sends nothing twice."""
    now = now or timezone.now()
    cfg = OfficeSettings.objects.order_by("pk").first() or OfficeSettings()
    try:
        threshold = deadlines.near_due_threshold(now, cfg.near_due_duration())
    except DossierError:
        threshold = now
    counts = {"near_due": 0, "overdue": 0, "alerts": 0}
    rows = (Dossier.objects.filter(status__in=list(ACTIVE), due_at__lt=threshold)
            .select_related("procedure").order_by("due_at"))
    for d in rows.iterator(chunk_size=500):
        kind = Flag.OVERDUE if d.due_at <= now else Flag.NEAR_DUE
        counts[kind] += 1
        if d.deadline_flag != kind:
            Dossier.objects.filter(pk=d.pk, due_at=d.due_at).update(deadline_flag=kind)
        try:
            with transaction.atomic():
                DossierAlert.objects.create(dossier=d, kind=kind, due_at=d.due_at)
        except IntegrityError:
            continue  # already alerted for this due date
        counts["alerts"] += 1
        _alert_staff(d, kind)
    return counts


def _alert_staff(d: Dossier, kind: str) -> None:
    people = {u.pk: u for u in holders(d.current_unit_id, d.current_role)} if d.current_unit_id else {}
    if d.current_unit_id:
        people.update({u.pk: u for u in holders(d.current_unit_id, StaffRole.Role.APPROVER)})
    what = "đã quá hạn" if kind == Flag.OVERDUE else "sắp đến hạn"
    body = (f"Hồ sơ {d.code} ({d.procedure.name[:80]}) {what}: hạn trả kết quả {fmt(d.due_at)}. "
            "Vui lòng xử lý hoặc lập phiếu xin lỗi, hẹn lại.")
    stamp = int(d.due_at.timestamp())
    for user in people.values():
        base = f"deadline:{kind}:{d.pk}:{stamp}:{user.pk}"
        if user.email:
            notify(key=f"{base}:email", channel=OutboxMessage.Channel.EMAIL, to=user.email,
                   subject=f"Hồ sơ {d.code} {what}", body=body, dossier_id=d.pk)
        if user.phone:
            notify(key=f"{base}:sms", channel=OutboxMessage.Channel.SMS, to=user.phone, body=body, dossier_id=d.pk)
