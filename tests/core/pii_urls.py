"""A URL conf for the personal-data test: the platform's own URLs plus a view that fails the careless way
(it logs what it was given and raises with it in the message), as a bug in any view would."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger("tenants.dossiers.views")


@csrf_exempt
def careless(request: HttpRequest, code: str) -> HttpResponse:
    id_number, phone, email = code, request.GET.get("sdt", ""), request.POST.get("thu", "")
    log.warning("tra cứu hồ sơ %s của %s (%s), dữ liệu %s", id_number, phone, email, dict(request.POST))
    raise ValueError(f"không tìm thấy công dân {id_number} / {phone} / {email} / {request.get_full_path()}")


urlpatterns = [
    path("loi/<str:code>/", careless),
    path("", include("config.urls_public")),
]
