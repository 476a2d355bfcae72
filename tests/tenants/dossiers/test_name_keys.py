"""Name search keys: kept by the database trigger on every path that writes a dossier, matched from the start of
any word of the name, windowed by reception time inside the keys' index, never across tenants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import ProgrammingError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.dossiers import selectors
from tests.tenants.dossiers.helpers import receive

pytestmark = pytest.mark.django_db


def _keys(dossier_id: int) -> dict[str, dt.datetime]:
    from tenants.dossiers.models import DossierNameKey

    return dict(DossierNameKey.objects.filter(dossier_id=dossier_id).values_list("key", "received_at"))


def _found(user, q: str) -> list[int]:
    return [d.pk for d in selectors.page(selectors.search(user, q=q), 1)[0]]


def test_reception_writes_one_key_per_word_with_the_reception_time(office):
    d = receive(office, applicant={"applicant_name": f"Đặng  Thị Hương {office.sfx}"})
    keys = _keys(d.pk)
    sfx = office.sfx.lower()
    assert sorted(keys) == sorted([f"dang thi huong {sfx}", f"thi huong {sfx}", f"huong {sfx}", sfx])
    assert set(keys.values()) == {d.received_at}


def test_a_search_matches_from_the_start_of_any_word_accents_and_case_ignored(office):
    d = receive(office, applicant={"applicant_name": f"Đặng Thị Hương Qa{office.sfx}"})
    other = receive(office, applicant={"applicant_name": f"Trương Văn Thường Qa{office.sfx}"})
    tail = f"qa{office.sfx}"
    assert _found(office.processor, f"ĐẶNG THỊ HƯƠNG {tail}") == [d.pk]
    assert _found(office.processor, f"thi huong {tail}") == [d.pk]
    assert _found(office.processor, f"Hương {tail}") == [d.pk]
    assert set(_found(office.processor, tail)) == {d.pk, other.pk}
    # Inside a word is not a word start: "uong" begins no word of either name.
    assert _found(office.processor, f"uong {tail}") == []
    # LIKE's wildcards typed by a user are plain characters.
    assert _found(office.processor, "%") == [] and _found(office.processor, "_") == []


def test_online_submission_is_found_before_and_after_reception(office):
    from tenants.dossiers.models import DossierNameKey
    from tenants.dossiers.services import dossier_receive_online, dossier_submit

    name = f"Hoàng Minh Khôi Qb{office.sfx}"
    d = dossier_submit(procedure=office.procedure, receiving_unit=office.one_stop,
                       applicant={"applicant_name": name, "id_number": "031234567891", "address": "Hải Phòng"})
    assert set(_keys(d.pk).values()) == {DossierNameKey.NOT_RECEIVED}  # until received: inside every window
    assert _found(office.receiver, name) == [d.pk]
    received = dossier_receive_online(dossier_id=d.pk, actor=office.receiver)
    assert set(_keys(d.pk).values()) == {received.received_at}
    assert _found(office.processor, name) == [d.pk]


def test_a_renamed_dossier_is_found_by_its_new_name_only(office):
    from tenants.dossiers.models import Dossier

    d = receive(office, applicant={"applicant_name": f"Lê Văn Cũ Qc{office.sfx}"})
    Dossier.objects.filter(pk=d.pk).update(applicant_name=f"Lê Văn Mới Qc{office.sfx}",
                                           applicant_name_norm=f"le van moi qc{office.sfx}".lower())
    assert _found(office.processor, f"van cu qc{office.sfx}") == []
    assert _found(office.processor, f"van moi qc{office.sfx}") == [d.pk]
    # An update of other columns leaves the keys alone.
    before = _keys(d.pk)
    Dossier.objects.filter(pk=d.pk).update(address="Khác")
    assert _keys(d.pk) == before


def test_a_window_reads_only_its_own_keys(office):
    """The name filter is swapped for the window's, not doubled (a doubled one would read every match)."""
    from tenants.dossiers.models import Dossier

    name = f"Phan Thị Mai Qd{office.sfx}"
    first = receive(office, applicant={"applicant_name": name})
    Dossier.objects.filter(pk=first.pk).update(received_at=timezone.now() - dt.timedelta(days=3))
    for _ in range(3):
        receive(office, applicant={"applicant_name": name})
    qs = selectors.search(office.processor, q=name)
    with CaptureQueriesContext(connection) as ctx:
        rows, has_next = selectors.page(qs, 1, 2)
    assert len(rows) == 2 and has_next and len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert sql.count("dossiers_dossiernamekey") == 1 and '"received_at" >=' in sql
    # The dossier moved back three days is found by the 7-day window, last.
    assert selectors.page(qs, 1, 10)[0][-1].pk == first.pk


def test_keys_never_cross_tenants(office, tenant_a, tenant_b):
    from core.accounts.models import User
    from tenants.dossiers.models import DossierNameKey

    d = receive(office, applicant={"applicant_name": f"Vũ Thị Riêng Qe{office.sfx}"})
    with schema_context(tenant_b.schema_name):
        assert not DossierNameKey.objects.filter(dossier_id=d.pk, key__startswith="vu thi rieng").exists()
        beta = User.objects.get(username="admin-beta")
        assert _found(beta, f"vu thi rieng qe{office.sfx}") == []
    # Written from another schema's search_path, the trigger refuses instead of writing keys elsewhere.
    sql = f'UPDATE "{tenant_a.schema_name}".dossiers_dossier SET applicant_name_norm = %s WHERE id = %s'
    with schema_context(tenant_b.schema_name), pytest.raises(ProgrammingError, match="not the current schema"):
        with connection.cursor() as cursor:
            cursor.execute(sql, ["ke gian", d.pk])

