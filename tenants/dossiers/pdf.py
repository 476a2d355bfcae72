"""The printed forms (weasyprint, bundled Vietnamese font): 01 receipt with QR, 02, 03, 04, control sheet, register."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from core.pdf import qr_svg_data_uri, render_pdf
from tenants.dossiers.models import Dossier, DossierEvent, OfficeSettings
from tenants.dossiers.notices import tracking_url
from tenants.dossiers.states import Action

FORMS = {
    "01": ("dossiers/pdf/receipt.html", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "02": ("dossiers/pdf/supplement.html", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "03": ("dossiers/pdf/refusal.html", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "04": ("dossiers/pdf/apology.html", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    "kiem-soat": ("dossiers/pdf/control_sheet.html", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
}


def _base(dossier: Dossier | None = None) -> dict:
    tenant = getattr(connection, "tenant", None)
    cfg = OfficeSettings.objects.order_by("pk").first() or OfficeSettings()
    return {"tenant_name": getattr(tenant, "name", ""), "now": timezone.localtime(), "cfg": cfg, "d": dossier}


def form_available(dossier: Dossier, form: str) -> bool:
    if form == "01":
        return bool(dossier.code)
    if form == "02":
        return dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).exists()
    if form == "03":
        return dossier.events.filter(action=Action.REFUSE).exists()
    if form == "04":
        return dossier.events.filter(action=Action.EXTEND).exists()
    return form == "kiem-soat"


def dossier_form_pdf(dossier: Dossier, form: str, *, base_url: str | None = None) -> bytes:
    template, title = FORMS[form]
    ctx = _base(dossier)
    ctx["title"] = title
    if form == "kiem-soat":
        ctx["title"] = f"{title} (Mẫu số {ctx['cfg'].control_sheet_form_no})"
    events = list(dossier.events.select_related("actor").order_by("at", "id"))
    ctx["events"] = events
    ctx["documents"] = dossier.received_documents()
    last = {e.action: e for e in events}
    ctx["supplement"] = last.get(Action.REQUEST_SUPPLEMENT)
    ctx["refusal"] = last.get(Action.REFUSE)
    ctx["extension"] = last.get(Action.EXTEND)
    if dossier.code:
        url = tracking_url(dossier.code, base_url)
        ctx["tracking_url"] = url
        ctx["qr"] = qr_svg_data_uri(url)
    ctx["control_rows"] = [e for e in events if e.to_step_name or e.action in (
        Action.RECEIVE, Action.ISSUE_RESULT, Action.RETURN_RESULT, Action.REFUSE)]
    return render_pdf(template, ctx)


def register_pdf(dossiers: list[Dossier], *, title_period: str) -> bytes:
    ctx = _base()
    ctx.update(dossiers=dossiers, period=title_period,
               title=f"SỔ THEO DÕI HỒ SƠ (Mẫu số {ctx['cfg'].register_form_no})")
    return render_pdf("dossiers/pdf/register.html", ctx, extra_css="@page { size: A4 landscape; } "
                                                                    "html { font-size: 9pt; }")


def event_on_time(event: DossierEvent) -> str:
    ok = event.on_time
    return "" if ok is None else ("Đúng hạn" if ok else "Trễ hạn")
