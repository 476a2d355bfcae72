"""Public tracking page (/tra-cuu/): status and dates of a dossier by its code; never personal data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from tenants.dossiers.models import Dossier


def mask_name(name: str) -> str:
    """'Nguyễn Văn Ánh' -> 'N*** V*** Á***' (initials only, length hidden)."""
    return " ".join(w[0] + "***" for w in name.split() if w)


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    code = " ".join(request.GET.get("ma", "").split())[:80]
    dossier = None
    if code:
        dossier = (Dossier.objects.filter(code=code).select_related("procedure", "handling_unit")
                   .only("code", "status", "received_at", "due_at", "returned_at", "finished_at", "applicant_name",
                         "procedure__name", "handling_unit__name").first())
    return render(request, "dossiers/track.html", {
        "code": code, "d": dossier, "masked": mask_name(dossier.applicant_name) if dossier else "",
        "fee": _fee_request(dossier) if dossier else None,
    }, status=200 if dossier or not code else 404)


def _fee_request(dossier: Dossier) -> object | None:
    """The dossier's payment request (to pay online, or to see it paid), if billing has one."""
    try:
        from billing.fees.selectors import request_for_subject
    except ImportError:
        return None
    return request_for_subject(subject_type="dossier", subject_id=dossier.pk)
