"""Messages to citizens and staff about a dossier (run after commit; each sent once by its key)."""

from __future__ import annotations

import os
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tenants.dossiers.models import Dossier
from tenants.notifications.models import OutboxMessage
from tenants.notifications.services import notify

EMAIL, SMS = OutboxMessage.Channel.EMAIL, OutboxMessage.Channel.SMS


def public_base_url() -> str:
    tenant = getattr(connection, "tenant", None)
    domain = ""
    if tenant is not None and hasattr(tenant, "get_primary_domain"):
        primary = tenant.get_primary_domain()
        domain = primary.domain if primary else ""
    domain = domain or settings.BASE_DOMAIN
    if getattr(settings, "PRODUCTION", False):
        return f"https://{domain}"
    port = os.environ.get("PORT", "")
    return f"http://{domain}:{port}" if port else f"http://{domain}"


def tracking_url(code: str, base: str | None = None) -> str:
    return f"{base or public_base_url()}/tra-cuu/?ma={quote(code)}"


def fmt(moment: object) -> str:
    return timezone.localtime(moment).strftime("%H:%M ngày %d/%m/%Y") if moment else "—"


def _send_both(d: Dossier, kind: str, subject: str, body: str) -> None:
    if d.phone:
        notify(key=f"dossier:{d.pk}:{kind}:sms:v{d.version}", channel=SMS, to=d.phone, body=body, dossier_id=d.pk)
    if d.email:
        notify(key=f"dossier:{d.pk}:{kind}:email:v{d.version}", channel=EMAIL, to=d.email, subject=subject,
               body=body, dossier_id=d.pk)


def dossier_received(dossier_id: int) -> None:
    d = Dossier.objects.select_related("procedure").filter(pk=dossier_id).first()
    if d is None or not d.code:
        return
    body = (f"Hồ sơ {d.code} ({d.procedure.name[:80]}) đã được tiếp nhận lúc {fmt(d.received_at)}. "
            f"Hẹn trả kết quả: {fmt(d.due_at)}. Tra cứu: {tracking_url(d.code)}")
    _send_both(d, "received", f"Tiếp nhận hồ sơ {d.code}", body)


def supplement_requested(dossier_id: int) -> None:
    d = Dossier.objects.filter(pk=dossier_id).first()
    if d is None:
        return
    body = (f"Hồ sơ {d.code} cần bổ sung: {d.reason[:300]}. Vui lòng bổ sung tại Bộ phận Một cửa; "
            f"thời hạn giải quyết tạm dừng đến khi nhận đủ hồ sơ.")
    _send_both(d, "supplement", f"Yêu cầu bổ sung hồ sơ {d.code}", body)


def result_ready(dossier_id: int) -> None:
    d = Dossier.objects.filter(pk=dossier_id).first()
    if d is None:
        return
    body = f"Hồ sơ {d.code} đã có kết quả (số {d.result_code}). Mời ông/bà nhận kết quả theo hình thức đã đăng ký."
    _send_both(d, "result", f"Hồ sơ {d.code} đã có kết quả", body)
