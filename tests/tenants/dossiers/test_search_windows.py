"""Name search newest-first in growing time windows: exactly the rows of the unwindowed query, page after page;
menu counts beyond the cap show "1000+"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.dossiers import selectors
from tenants.dossiers.validation import normalise_name
from tests.tenants.dossiers.helpers import receive

pytestmark = pytest.mark.django_db

#: Hours back of the matching dossiers: inside 1 day, 1-7 days, 7-30, 30-365, older than a year; ties included.
MATCH_HOURS = ([1, 2, 2, 2, 5, 23] + [30 + 7 * i for i in range(20)] + [24 * 8 + 13 * i for i in range(25)]
               + [24 * 31 + 97 * i for i in range(30)] + [24 * 400 + 500 * i for i in range(8)] + [24 * 8] * 3)


def _spread(o, name: str, hours: list[int], *, null_received: int = 0) -> None:
    """Copies of one received dossier with the given name, received ``hours`` ago (and some never received)."""
    from tenants.dossiers.models import Dossier

    base = receive(o, applicant={"applicant_name": "Mẫu Gốc"})
    now = timezone.now()
    rows = []
    for i, h in enumerate(hours + [None] * null_received):
        d = Dossier.objects.get(pk=base.pk)
        d.pk, d.code = None, f"W-{o.sfx}-{i}"
        d.applicant_name = name if i % 2 == 0 else name.upper()
        d.applicant_name_norm = normalise_name(d.applicant_name)
        d.received_at = None if h is None else now - dt.timedelta(hours=h)
        d.status = "submitted" if h is None else d.status
        rows.append(d)
    # Names that do not match, interleaved in time.
    for i, h in enumerate(hours):
        d = Dossier.objects.get(pk=base.pk)
        d.pk, d.code = None, f"X-{o.sfx}-{i}"
        d.applicant_name, d.applicant_name_norm = "Lê Văn Khác", "le van khac"
        d.received_at = now - dt.timedelta(hours=h, minutes=1)
        rows.append(d)
    Dossier.objects.bulk_create(rows)


def _plain(qs):  # the same query without windows
    from django.db.models import QuerySet

    return QuerySet(model=qs.model, query=qs.query.chain())


@pytest.mark.parametrize("size", [5, 7, 20, 50])
def test_windowed_pages_equal_the_unwindowed_query(office, size):
    token = f"Trần Thị Mai Zq{office.sfx}"
    _spread(office, token, MATCH_HOURS, null_received=2)
    for q in (token, normalise_name(token), f"tran thi mai zq{office.sfx}"):
        qs = selectors.search(office.processor, q=q)
        assert isinstance(qs, selectors.WindowedQuerySet)
        expected = list(_plain(qs).values_list("pk", flat=True))
        assert len(expected) == len(MATCH_HOURS) + 2
        number, seen = 1, []
        while True:
            rows, has_next = selectors.page(qs, number, size)
            assert [d.pk for d in rows] == expected[(number - 1) * size: number * size], (q, size, number)
            assert has_next == (number * size < len(expected))
            seen += [d.pk for d in rows]
            if not has_next:
                break
            number += 1
        assert seen == expected
        # Received-never dossiers come first (received_at DESC puts NULLs first), as in the unwindowed query.
        assert all(d.received_at is None for d in selectors.page(qs, 1, 2)[0])
        # Past the end: an empty page.
        assert selectors.page(qs, number + 3, size) == ([], False)


def test_a_full_first_window_costs_one_query_and_a_miss_stays_cheap(office):
    token = f"Phạm Minh Khoa Zr{office.sfx}"
    _spread(office, token, [1] * 8 + [24 * 50] * 5)
    qs = selectors.search(office.processor, q=token)
    with CaptureQueriesContext(connection) as ctx:
        rows, has_next = selectors.page(qs, 1, 5)
    assert len(rows) == 5 and has_next and len(ctx.captured_queries) == 1
    assert '"received_at" >=' in ctx.captured_queries[0]["sql"]
    # Page 2 (rows 6-10) crosses into the 30-365 days window: still the same rows as without windows.
    expected = list(_plain(qs).values_list("pk", flat=True))
    assert [d.pk for d in selectors.page(qs, 2, 5)[0]] == expected[5:10]
    # A name matching nothing: an empty page, no more than the windows and one probe of the oldest dossier.
    nothing = selectors.search(office.processor, q=f"khong ai ten nay {office.sfx}")
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.page(nothing, 1) == ([], False)
        assert selectors.page(nothing, 2) == ([], False)
    assert len(ctx.captured_queries) <= 2 * (len(selectors.WINDOWS_DAYS) + 2)


def test_windows_are_not_used_when_the_order_or_the_query_kind_differs(office):
    token = f"Đỗ Thu Hà Zs{office.sfx}"
    _spread(office, token, [1, 2, 3, 24 * 40, 24 * 400])
    qs = selectors.search(office.processor, q=token)
    by_name = qs.order_by("applicant_name", "id")  # reordered: windows would be wrong, so page() reads it whole
    assert [d.pk for d in selectors.page(by_name, 1, 3)[0]] == list(
        _plain(by_name).values_list("pk", flat=True)[:3])
    code = selectors.search(office.processor, q=f"W-{office.sfx}-1")
    assert not isinstance(code, selectors.WindowedQuerySet)
    assert [d.code for d in selectors.page(code, 1)[0]] == [f"W-{office.sfx}-1"]


def test_search_scope_is_kept_colleague_and_other_tenant(office, tenant_b):
    token = f"Vũ Ngọc Lan Zt{office.sfx}"
    _spread(office, token, [1, 30, 24 * 40])
    assert len(selectors.page(selectors.search(office.processor, q=token), 1)[0]) == 3
    # Staff of a unit that never saw these dossiers find none of them.
    assert selectors.page(selectors.search(office.outsider, q=token), 1) == ([], False)
    from core.accounts.models import User

    with schema_context(tenant_b.schema_name):
        beta = User.objects.get(username="admin-beta")
        assert selectors.page(selectors.search(beta, q=token), 1) == ([], False)


def test_menu_counts_beyond_the_cap_show_1000_plus(office, client_a):
    from tenants.dossiers.models import Dossier

    d = receive(office)  # processing, at the department's processor
    template = Dossier.objects.get(pk=d.pk)
    rows = []
    for i in range(selectors.COUNT_CAP + 5):
        template.pk, template.code = None, f"C-{office.sfx}-{i}"
        rows.append(Dossier(**{f.attname: getattr(template, f.attname) for f in Dossier._meta.concrete_fields}))
    Dossier.objects.bulk_create(rows)
    counts = selectors.menu_counts(office.processor)
    assert counts["thu-ly"] == selectors.COUNT_CAP + 1
    client_a.force_login(office.processor)
    home = client_a.get("/staff/").content.decode()
    assert 'data-count="thu-ly">1000+<' in home
    listing = client_a.get("/staff/dossiers/?ds=thu-ly").content.decode()
    assert "1000+" in listing
    # Below the cap the number itself.
    client_a.force_login(office.approver)
    assert 'data-count="phe-duyet">0<' in client_a.get("/staff/").content.decode()
