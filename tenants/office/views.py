"""Back-office pages of a tenant (staff only)."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import user_passes_test
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from control.accounts.models import User


def is_staff_member(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.kind == User.Kind.STAFF


staff_required = user_passes_test(is_staff_member)


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "office/home.html")


@staff_required
def media(request: HttpRequest, path: str) -> FileResponse:
    """Serve a stored file of *this* tenant only.

    The storage is rooted at MEDIA_ROOT/<current schema>, so a path from another tenant
    simply does not exist here; ``..`` and absolute paths are refused outright.
    """
    parts = PurePosixPath(path).parts
    if not parts or any(p in ("..", "") for p in parts) or path.startswith("/"):
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
