"""Citizen pages of the tenant's portal: home, find a procedure (search, by field, by life event), its page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tenants.portal.apply import apply_view
from tenants.procedures import selectors
from tenants.procedures.models import Field, LifeEvent, Procedure
from tenants.procedures.search import clean_query

PER_PAGE = 20


def _param(request: HttpRequest, name: str, limit: int = 60) -> str:
    """A short identifier from the query string: a hostile one (NUL, huge) is simply no identifier."""
    value = request.GET.get(name, "")
    return value if len(value) <= limit and value.isprintable() else ""


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"events": selectors.life_events_public()[:8]})


def procedure_find(request: HttpRequest) -> HttpResponse:
    q = clean_query(request.GET.get("q", ""))
    field = Field.objects.filter(code=f).first() if (f := _param(request, "linh-vuc")) else None
    event = LifeEvent.objects.filter(slug=e).first() if (e := _param(request, "su-kien")) else None
    page = None
    if q or field or event:
        results = selectors.procedure_search(q=q, enabled=True, field_id=field.pk if field else None,
                                             event_id=event.pk if event else None).select_related("field")
        page = Paginator(results, PER_PAGE).get_page(_param(request, "trang", 12) or 1)
    return render(request, "portal/find.html", {
        "q": q, "field": field, "event": event, "page": page,
        "fields": selectors.fields_public() if page is None else [],
        "events": selectors.life_events_public() if page is None else [],
    })


def _procedure_or_404(code: str) -> Procedure:
    procedure = selectors.procedure_public(code=code) if len(code) <= 50 and code.isprintable() else None
    if procedure is None:
        raise Http404(_("Không có thủ tục này."))
    return procedure


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(code)
    online = procedure.online_level != Procedure.OnlineLevel.NONE
    return render(request, "portal/procedure.html", {
        "p": procedure, "online": online, "documents": procedure.documents.all(), "fees": procedure.fees.all(),
        "units": procedure.handling_units.all(),
    })


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Online application: the registered view (tenants.portal.apply) when there is one, else a page saying it
    is coming for this procedure and how to apply at the counter meanwhile."""
    procedure = _procedure_or_404(code)
    view = apply_view()
    if view is not None and procedure.online_level != Procedure.OnlineLevel.NONE:
        return view(request, procedure)
    return render(request, "portal/apply_soon.html", {"p": procedure,
                                                      "units": procedure.handling_units.all()})
