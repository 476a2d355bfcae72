"""Reads: worklists per role and unit, menu counts, search, one dossier for a user."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.lookups import In
from django.db.models.sql.where import AND
from django.utils import timezone

from core.accounts.models import User
from tenants.calendar.workingtime import TZ
from tenants.dossiers import deadlines
from tenants.dossiers.errors import DossierError
from tenants.dossiers.models import Dossier, DossierNameKey, OfficeSettings
from tenants.dossiers.states import ACTIVE, CLOCK_STOPPED, Status
from tenants.dossiers.validation import normalise_name
from tenants.organization.models import StaffRole
from tenants.organization.permissions import roles_by_unit

R = StaffRole.Role
S = Status


@dataclass(frozen=True)
class Worklist:
    key: str
    label: str
    role: str | None
    statuses: tuple[str, ...]


WORKLISTS = {
    w.key: w for w in (
        Worklist("tiep-nhan", "Chờ tiếp nhận", R.RECEIVER, (S.SUBMITTED,)),
        Worklist("thu-ly", "Chờ thụ lý", R.PROCESSOR, (S.PROCESSING,)),
        Worklist("phe-duyet", "Chờ phê duyệt", R.APPROVER, (S.PROCESSING,)),
        Worklist("tra-ket-qua", "Chờ trả kết quả", R.RETURNER, (S.AWAITING_RESULT, S.RESULT_READY)),
        Worklist("cho-bo-sung", "Chờ bổ sung, tạm dừng, chờ nộp phí", None, tuple(CLOCK_STOPPED)),
        Worklist("sap-den-han", "Sắp đến hạn", None, tuple(ACTIVE)),
        Worklist("qua-han", "Quá hạn", None, tuple(ACTIVE)),
    )
}
PAGE_SIZE = 50


def _scope(user: User, role: str | None = None) -> Q:
    """Dossiers sitting in a unit where the user holds the role of their current step."""
    q = Q(pk__in=[])
    for unit_id, roles in roles_by_unit(user).items():
        for r in roles:
            if r != R.ADMINISTRATOR and (role is None or r == role):
                q |= Q(current_unit_id=unit_id, current_role=r)
    return q


def visible_q(user: User) -> Q:
    """Dossiers a staff member may open: any role in the receiving, handling or current unit."""
    units = list(roles_by_unit(user))
    return Q(receiving_unit_id__in=units) | Q(handling_unit_id__in=units) | Q(current_unit_id__in=units)


def near_due_threshold(now: dt.datetime) -> dt.datetime:
    cfg = OfficeSettings.objects.order_by("pk").first() or OfficeSettings()
    try:
        return deadlines.near_due_threshold(now, cfg.near_due_duration())
    except DossierError:
        return now


def worklist(user: User, key: str, *, now: dt.datetime | None = None) -> QuerySet[Dossier]:
    wl = WORKLISTS[key]
    now = now or timezone.now()
    qs = Dossier.objects.filter(_scope(user, wl.role), status__in=list(wl.statuses))
    if key == "sap-den-han":
        qs = qs.filter(due_at__gte=now, due_at__lt=near_due_threshold(now))
    elif key == "qua-han":
        qs = qs.filter(due_at__lt=now)
    order = ("submitted_at", "id") if key == "tiep-nhan" else ("due_at", "id")
    return qs.select_related("procedure").order_by(*order)


COUNT_CAP = 1000  # menus show "1000+" beyond: a count never scans more than this many index entries (+1)


def menu_counts(user: User, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Counts of every worklist, capped at ``COUNT_CAP + 1`` (shown "1000+") so they stay fast with millions."""
    now = now or timezone.now()
    threshold = near_due_threshold(now)
    pairs = [(u, r) for u, roles in roles_by_unit(user).items() for r in roles if r != R.ADMINISTRATOR]
    if not pairs:
        return dict.fromkeys(WORKLISTS, 0)
    scope = Q(pk__in=[])
    for unit_id, r in pairs:
        scope |= Q(current_unit_id=unit_id, current_role=r)
    out = {}
    for key, wl in WORKLISTS.items():
        qs = Dossier.objects.filter(scope, status__in=list(wl.statuses))
        if wl.role:
            qs = qs.filter(current_role=wl.role)
        if key == "sap-den-han":
            qs = qs.filter(due_at__gte=now, due_at__lt=threshold)
        elif key == "qua-han":
            qs = qs.filter(due_at__lt=now)
        out[key] = qs.order_by()[:COUNT_CAP + 1].count()  # COUNT_CAP + 1 means "more than COUNT_CAP"
    return out


CODE_RE = re.compile(r"^[\w.]+-[\w.-]+$")


def search(user: User, *, q: str = "", procedure: int | None = None, unit: int | None = None,
           status: str | None = None, received_from: dt.date | None = None, received_to: dt.date | None = None
           ) -> QuerySet[Dossier]:
    """Search by code, ID number or applicant name (accent-insensitive, from the start of any of its words:
    "huong" and "thi huong" find "Đặng Thị Hương"), with filters; newest first."""
    qs = Dossier.objects.filter(visible_q(user))
    name = ""
    q = " ".join((q or "").split())
    if q:
        digits = re.sub(r"\s", "", q)
        if digits.isdigit() and 9 <= len(digits) <= 13:
            qs = qs.filter(id_number=digits)
        elif CODE_RE.match(q):
            qs = qs.filter(code__iexact=q)  # UPPER(code) index
        else:
            name = normalise_name(q)[:DossierNameKey.KEY_LENGTH]
            qs = qs.filter(pk__in=name_keys(name))
    if procedure:
        qs = qs.filter(procedure_id=procedure)
    if unit:
        qs = qs.filter(Q(handling_unit_id=unit) | Q(receiving_unit_id=unit))
    if status in S.values:
        qs = qs.filter(status=status)
    if received_from:
        qs = qs.filter(received_at__gte=dt.datetime.combine(received_from, dt.time.min, TZ))
    if received_to:
        qs = qs.filter(received_at__lt=dt.datetime.combine(received_to + dt.timedelta(days=1), dt.time.min, TZ))
    qs = qs.select_related("procedure").order_by(*NEWEST_FIRST)
    if name:
        qs = WindowedQuerySet.of(qs, name)
    return qs


def name_keys(name: str, *, since: dt.datetime | None = None) -> QuerySet:
    """Ids of dossiers whose normalised name has a word starting ``name`` (received ``since``, if given)."""
    keys = DossierNameKey.objects.filter(key__startswith=name)
    if since is not None:
        keys = keys.filter(received_at__gte=since)  # not-yet-received: year 9999, always inside
    return keys.values("dossier_id")


NEWEST_FIRST = ("-received_at", "-id")
#: Time windows (days back from now) a newest-first search is tried in before the whole table.
WINDOWS_DAYS = (1, 7, 30, 365)


class WindowedQuerySet(QuerySet):
    """A newest-first name search, whose matches may be many: ``page`` reads it in growing time windows.

    Sorting every match to show the newest 50 costs in proportion to the number of matches (a common name
    matches thousands of dossiers among millions). The newest rows of the whole result are the newest rows of
    the window "received in the last N days" as soon as that window holds enough rows for the page, so
    ``page`` asks the windows of 1, 7, 30, 365 days, then the whole table, and stops at the first that holds
    ``offset + size + 1`` rows (or covers every dossier). The window is applied to the name keys (their index
    holds the reception time), so a window reads only its own matches. Dossiers not yet received sort first
    in ``received_at DESC`` and their keys hold year 9999: every window includes them. The name survives
    chaining; the windows are used only while the order stays newest-first (``page`` checks it).
    """

    _name: str = ""

    @classmethod
    def of(cls, qs: QuerySet[Dossier], name: str) -> WindowedQuerySet:
        out = cls(model=qs.model, query=qs.query.chain(), using=qs._db, hints=qs._hints)
        out._prefetch_related_lookups = qs._prefetch_related_lookups
        out._name = name
        return out

    def _clone(self) -> WindowedQuerySet:
        c = super()._clone()
        c._name = self._name
        return c


def _is_name_filter(node: object) -> bool:
    return isinstance(node, In) and getattr(node.rhs, "model", None) is DossierNameKey


def _in_window(qs: WindowedQuerySet, since: dt.datetime) -> QuerySet[Dossier]:
    """``qs`` with its name filter narrowed to keys received ``since``: the name filter is swapped, not
    doubled, so the query reads only the window's keys (a doubled filter would read every match)."""
    out = qs._chain()
    windowed = Dossier.objects.filter(pk__in=name_keys(qs._name, since=since)).query.where.children[0]
    where = out.query.where
    if where.connector == AND and not where.negated:
        for i, child in enumerate(where.children):
            if _is_name_filter(child):
                where.children[i] = windowed
                return out
    return out.filter(pk__in=name_keys(qs._name, since=since))  # no name filter at the top level: add one


def _windowed_rows(qs: WindowedQuerySet, start: int, stop: int, now: dt.datetime) -> list[Dossier]:
    oldest: dt.datetime | None = None
    oldest_known = False
    for days in WINDOWS_DAYS:
        cutoff = now - dt.timedelta(days=days)
        rows = list(_in_window(qs, cutoff)[start:stop])
        if len(rows) >= stop - start:
            return rows  # the window holds the page and the row after it: the same rows as the whole table
        if not oldest_known:  # one index probe: does this window already cover every dossier?
            oldest = (Dossier.objects.filter(received_at__isnull=False).order_by("received_at")
                      .values_list("received_at", flat=True).first())
            oldest_known = True
        if oldest is None or oldest >= cutoff:
            return rows
    return list(qs[start:stop])


def page(qs: QuerySet[Dossier], number: int, size: int = PAGE_SIZE, *, now: dt.datetime | None = None
         ) -> tuple[list[Dossier], bool]:
    """One page without COUNT(*) (fast on millions of rows): rows and whether a next page exists."""
    number = max(1, number)
    start, stop = (number - 1) * size, number * size + 1
    if (isinstance(qs, WindowedQuerySet) and qs._name and tuple(qs.query.order_by) == NEWEST_FIRST
            and not qs.query.is_sliced):
        rows = _windowed_rows(qs, start, stop, now or timezone.now())
    else:
        rows = list(qs[start:stop])
    return rows[:size], len(rows) > size


def dossier_for(user: User, dossier_id: int) -> Dossier | None:
    return (Dossier.objects.filter(visible_q(user), pk=dossier_id)
            .select_related("procedure", "receiving_unit", "handling_unit", "current_unit", "current_step",
                            "received_by", "process_version").first())


def events_of(dossier: Dossier) -> list:
    return list(dossier.events.select_related("actor").order_by("at", "id"))
