"""Staff pages of the life events (/staff/procedures/su-kien/): the tenant's administrator groups procedures
by moments of life for the citizen portal; every change goes to the configuration log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import admin_required
from tenants.procedures import services
from tenants.procedures.models import LifeEvent


def _codes(raw: str) -> list[str]:
    return [c for c in raw.replace(",", "\n").split() if c][:2000]


def _save(request: HttpRequest, event: LifeEvent | None) -> LifeEvent | None:
    post = request.POST
    try:
        position = int(post.get("position") or 0) if len(post.get("position", "")) < 6 else 0
    except ValueError:
        position = 0
    try:
        if any("\x00" in post.get(k, "") for k in ("name", "slug", "description", "procedures")):
            raise ValidationError(_("Nội dung có ký tự không hợp lệ."))
        saved = services.life_event_save(event=event, name=post.get("name", "")[:300],
                                         slug=post.get("slug", "")[:100], description=post.get("description", ""),
                                         position=position, procedure_codes=_codes(post.get("procedures", "")))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return None
    messages.success(request, _("Đã lưu sự kiện “%(name)s”.") % {"name": saved.name})
    return saved


@admin_required
def event_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        saved = _save(request, None)
        if saved is not None:
            return redirect("life-event-edit", pk=saved.pk)
    events = LifeEvent.objects.prefetch_related("procedures").order_by("position", "name")
    return render(request, "procedures/events.html", {"events": events})


@admin_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(LifeEvent, pk=pk)
    if request.method == "POST" and _save(request, event) is not None:
        return redirect("life-event-edit", pk=event.pk)
    procedures = event.procedures.order_by("code")
    return render(request, "procedures/event_edit.html", {
        "event": event, "procedures": procedures,
        "codes": "\n".join(procedures.values_list("code", flat=True)),
    })


@admin_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(LifeEvent, pk=pk)
    services.life_event_delete(event=event)
    messages.success(request, _("Đã xóa sự kiện “%(name)s”.") % {"name": event.name})
    return redirect("life-events")
