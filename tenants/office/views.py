"""Back-office pages of a tenant (staff only)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import is_tenant_admin, staff_required
from core.accounts.models import User


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Staff home: the menu of worklists with their counts, for the roles the user holds."""
    from tenants.dossiers import selectors
    from tenants.organization.models import StaffRole, Unit
    from tenants.organization.permissions import roles_by_unit

    roles = roles_by_unit(request.user)
    labels = dict(StaffRole.Role.choices)
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in=list(roles))}
    my_roles = sorted((units.get(uid, ""), labels.get(r, r)) for uid, rs in roles.items() for r in rs)
    all_roles = {r for rs in roles.values() for r in rs}
    return render(request, "office/home.html", {
        "counts": selectors.menu_counts(request.user) if roles else {}, "worklists": selectors.WORKLISTS,
        "my_roles": my_roles, "can_receive": StaffRole.Role.RECEIVER in all_roles,
        "can_outbox": bool(all_roles & {StaffRole.Role.RECEIVER, StaffRole.Role.ADMINISTRATOR}),
        "can_configure": is_tenant_admin(request.user),
    })


@staff_required
def config_log(request: HttpRequest) -> HttpResponse:
    """The tenant's configuration changes, newest first (administrators), filtered by area."""
    from django.core.exceptions import PermissionDenied
    from django.core.paginator import Paginator

    from core.audit.models import ConfigChange

    if not is_tenant_admin(request.user):
        raise PermissionDenied("Chỉ quản trị của đơn vị mới xem được nhật ký cấu hình.")
    area = request.GET.get("nd", "")
    rows = ConfigChange.objects.all()
    if area in ConfigChange.Area.values:
        rows = rows.filter(area=area)
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    return render(request, "office/config_log.html", {"page": page, "area": area,
                                                      "areas": ConfigChange.Area.choices})


def _may_open_dossier_file(user: User, path: str) -> bool:
    """A dossier's files only for staff who may open that dossier."""
    from tenants.dossiers.models import DossierFile
    from tenants.dossiers.selectors import visible_q

    row = DossierFile.objects.filter(file=path).values_list("dossier_id", flat=True).first()
    if row is None:
        return False
    from tenants.dossiers.models import Dossier

    return Dossier.objects.filter(visible_q(user), pk=row).exists()


@staff_required
def media(request: HttpRequest, path: str) -> FileResponse:
    """Serve a stored file of *this* tenant only.

    The storage is rooted at MEDIA_ROOT/<current schema>, so a path from another tenant
    simply does not exist here; ``..`` and absolute paths are refused outright.
    """
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("..", "") for p in parts) or path.startswith("/"):
        raise Http404
    if parts[0] == "dossiers" and not _may_open_dossier_file(request.user, path):
        raise Http404
    try:
        handle = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, ValueError) as exc:
        raise Http404 from exc
    except Exception as exc:  # SuspiciousFileOperation and the like
        raise Http404 from exc
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
