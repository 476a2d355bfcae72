"""Back-office pages of dossiers: worklists, search, reception, one dossier with its actions, PDFs, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import staff_required
from core.accounts.models import User
from tenants.dossiers import pdf, selectors, services
from tenants.dossiers.errors import DossierError, InvalidInput
from tenants.dossiers.export import dossiers_xlsx
from tenants.dossiers.forms import ReceptionForm, SearchForm
from tenants.dossiers.models import Dossier
from tenants.dossiers.states import Action
from tenants.dossiers.transitions import allowed_actions
from tenants.organization.models import StaffRole, Unit
from tenants.organization.permissions import roles_by_unit, units_with_role
from tenants.procedures.models import Procedure

R = StaffRole.Role


def _int(value: object, default: int = 1) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _files(request: HttpRequest, name: str = "files") -> list[tuple[object, int | None]]:
    return [(f, None) for f in request.FILES.getlist(name)]


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Worklist (``?ds=<key>``) or search (``?q=...`` and filters)."""
    roles = roles_by_unit(request.user)
    if not roles:
        raise PermissionDenied("Bạn chưa được phân vai trò tại đơn vị nào.")
    key = request.GET.get("ds", "")
    form = SearchForm(request.GET or None)
    if key in selectors.WORKLISTS:
        qs = selectors.worklist(request.user, key)
        title = selectors.WORKLISTS[key].label
    else:
        params = form.cleaned_data if form.is_valid() else {}
        qs = selectors.search(request.user, **{k: v for k, v in params.items() if v})
        title = "Tra cứu hồ sơ"
    if request.GET.get("xuat") == "excel":
        response = HttpResponse(dossiers_xlsx(qs.iterator(chunk_size=2000)),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="ho-so.xlsx"'
        return response
    number = _int(request.GET.get("trang"))
    rows, has_next = selectors.page(qs, number)
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "dossiers/list.html", {
        "rows": rows, "has_next": has_next, "number": number, "title": title, "key": key, "form": form,
        "counts": selectors.menu_counts(request.user), "worklists": selectors.WORKLISTS,
        "query": query.urlencode(), "procedures": Procedure.objects.filter(enabled=True).only("id", "code", "name"),
        "units": Unit.objects.filter(pk__in=list(roles)).only("id", "name"),
        "can_receive": bool(units_with_role(request.user, R.RECEIVER)),
    })


@staff_required
def receive(request: HttpRequest) -> HttpResponse:
    desks = Unit.objects.filter(pk__in=units_with_role(request.user, R.RECEIVER))
    if not desks:
        raise PermissionDenied("Chỉ cán bộ tiếp nhận được tiếp nhận hồ sơ.")
    procedures = Procedure.objects.filter(enabled=True).prefetch_related("documents")
    form = ReceptionForm(request.POST or None)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedure = procedures.filter(pk=data["procedure"]).first()
        desk = desks.filter(pk=data["receiving_unit"]).first()
        if procedure is None or desk is None:
            errors["procedure"] = "Vui lòng chọn thủ tục và bộ phận tiếp nhận."
        else:
            files = _files(request)
            checked = [_int(x, 0) for x in request.POST.getlist("documents")]
            try:
                dossier = services.dossier_receive(actor=request.user, procedure=procedure, receiving_unit=desk,
                                                   applicant=data, documents_checked=checked, files=files)
            except InvalidInput as exc:
                errors = exc.errors
            except DossierError as exc:
                errors["__all__"] = exc.message
            else:
                messages.success(request, f"Đã tiếp nhận hồ sơ {dossier.code}, hẹn trả "
                                          f"{dossier.due_at.astimezone().strftime('%H:%M %d/%m/%Y')}.")
                return redirect("dossiers:detail", dossier_id=dossier.pk)
    return render(request, "dossiers/receive.html", {"form": form, "errors": errors, "desks": desks,
                                                     "procedures": procedures}, status=400 if errors else 200)


def _detail(request: HttpRequest, d: Dossier, *, error: str = "", status: int = 200) -> HttpResponse:
    events = selectors.events_of(d)
    forms_ready = [f for f in ("01", "02", "03", "04", "kiem-soat") if pdf.form_available(d, f)]
    return render(request, "dossiers/detail.html", {
        "d": d, "events": events, "actions": allowed_actions(request.user, d), "files": list(d.files.all()),
        "forms_ready": forms_ready, "Action": Action, "return_methods": Dossier.ReturnMethod.choices,
        "documents": d.received_documents(),
        "error": error,
    }, status=status)


@staff_required
def detail(request: HttpRequest, dossier_id: int) -> HttpResponse:
    d = selectors.dossier_for(request.user, dossier_id)
    if d is None:
        raise Http404("Không tìm thấy hồ sơ.")
    return _detail(request, d)


def _run(request: HttpRequest, action: str, *, dossier_id: int, actor: User, version: int) -> Dossier:
    """Call the action's service with the arguments it takes, each read from the action's own form."""
    i, v, note, post = dossier_id, version, request.POST.get("note", ""), request.POST
    match action:
        case Action.RECEIVE:
            return services.dossier_receive_online(dossier_id=i, actor=actor, expected_version=v)
        case Action.HAND_OVER:
            return services.dossier_hand_over(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.APPROVE:
            return services.dossier_approve(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.SEND_BACK:
            return services.dossier_send_back(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.REQUEST_SUPPLEMENT:
            return services.dossier_request_supplement(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.SUPPLY:
            return services.dossier_supply(dossier_id=i, actor=actor, note=note, files=_files(request),
                                           expected_version=v)
        case Action.REFUSE:
            return services.dossier_refuse(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.PAUSE:
            return services.dossier_pause(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.RESUME:
            return services.dossier_resume(dossier_id=i, actor=actor, note=note, expected_version=v)
        case Action.EXTEND:
            return services.dossier_extend(dossier_id=i, actor=actor, note=note,
                                           working_days=post.get("working_days", ""), expected_version=v)
        case Action.ISSUE_RESULT:
            return services.dossier_issue_result(dossier_id=i, actor=actor,
                                                 result_file=request.FILES.get("result_file"),
                                                 result_code=post.get("result_code", ""), note=note,
                                                 expected_version=v)
        case Action.RETURN_RESULT:
            return services.dossier_return_result(dossier_id=i, actor=actor, method=post.get("method", ""), note=note,
                                                  expected_version=v)
        case Action.WITHDRAW:
            return services.dossier_withdraw(dossier_id=i, actor=actor, note=note, expected_version=v)
    raise Http404("Thao tác không tồn tại.")


@staff_required
@require_POST
def act(request: HttpRequest, dossier_id: int, action: str) -> HttpResponse:
    """One action: one service call, which is one transaction (``transitions.transition``)."""
    if selectors.dossier_for(request.user, dossier_id) is None:
        raise Http404("Không tìm thấy hồ sơ.")
    try:
        d = _run(request, action, dossier_id=dossier_id, actor=request.user,
                 version=_int(request.POST.get("version"), 0))
    except DossierError as exc:
        status = 409 if exc.code == "changed" else 403 if exc.code == "forbidden" else 400
        return _detail(request, selectors.dossier_for(request.user, dossier_id), error=exc.message, status=status)
    messages.success(request, f"Đã thực hiện “{Action(action).label}” — hồ sơ {d.code}: {d.get_status_display()}.")
    return redirect("dossiers:detail", dossier_id=dossier_id)


@staff_required
def form_pdf(request: HttpRequest, dossier_id: int, form: str) -> HttpResponse:
    d = selectors.dossier_for(request.user, dossier_id)
    if d is None or form not in pdf.FORMS or not pdf.form_available(d, form):
        raise Http404("Không có phiếu này cho hồ sơ.")
    content = pdf.dossier_form_pdf(d, form, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{d.code or d.pk}-{form}.pdf"'
    return response


@staff_required
def register_pdf(request: HttpRequest) -> HttpResponse:
    """Tracking register (sổ theo dõi) of the search/filters, newest first (up to 2,000 rows)."""
    if not roles_by_unit(request.user):
        raise PermissionDenied
    form = SearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    rows = list(selectors.search(request.user, **{k: v for k, v in params.items() if v})
                .select_related("handling_unit")[:2000])
    period = "Từ ngày {} đến ngày {}".format(params.get("received_from") or "…", params.get("received_to") or "…")
    response = HttpResponse(pdf.register_pdf(rows, title_period=period), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="so-theo-doi-ho-so.pdf"'
    return response
