"""The outbox page: messages sent (or to send) by this tenant, for administrators and receivers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import staff_required
from tenants.notifications.models import OutboxMessage
from tenants.organization.models import StaffRole
from tenants.organization.permissions import roles_by_unit

ALLOWED = {StaffRole.Role.ADMINISTRATOR, StaffRole.Role.RECEIVER}


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    if not any(roles & ALLOWED for roles in roles_by_unit(request.user).values()):
        raise PermissionDenied("Chỉ quản trị và cán bộ tiếp nhận xem được hộp thư đi.")
    qs = OutboxMessage.objects.all()
    channel = request.GET.get("kenh")
    if channel in OutboxMessage.Channel.values:
        qs = qs.filter(channel=channel)
    page = Paginator(qs, 50).get_page(request.GET.get("trang"))
    return render(request, "notifications/outbox.html", {"page": page, "channel": channel})
