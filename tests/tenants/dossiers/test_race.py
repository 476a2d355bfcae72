"""A real race: two staff act on the same dossier at once, each on its own connection, committed.

Exactly one wins; the other gets "Hồ sơ đã thay đổi, vui lòng tải lại".
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django_tenants.utils import schema_context

from tenants.dossiers import services as s
from tenants.dossiers.errors import DossierChanged, DossierError
from tests.tenants.dossiers.helpers import receive


def _race(tenant, calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, fn):
        try:
            with schema_context(tenant.schema_name):
                barrier.wait(timeout=10)
                results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.parametrize("round_", range(3))
def test_two_processors_hand_over_at_once_exactly_one_wins(committed_office, round_):
    tenant, o = committed_office
    d = receive(o)
    version = d.version
    results = _race(tenant, [
        lambda: s.dossier_hand_over(dossier_id=d.pk, actor=o.processor, expected_version=version),
        lambda: s.dossier_request_supplement(dossier_id=d.pk, actor=o.processor, note="Bổ sung giấy tờ",
                                             expected_version=version),
    ])
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], DossierChanged)
    assert losers[0].message == "Hồ sơ đã thay đổi, vui lòng tải lại."
    d.refresh_from_db()
    assert d.version == version + 1
    assert d.events.count() == 2  # reception + the winner only


def test_concurrent_receptions_get_unique_gap_free_codes(committed_office):
    tenant, o = committed_office
    results = _race(tenant, [lambda: [receive(o).code for _ in range(5)] for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(c for r in results for c in r)
    assert len(set(codes)) == 20
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    assert numbers == list(range(numbers[0], numbers[0] + 20))  # no gap (the counter may be shared)


def test_approve_races_send_back(committed_office):
    tenant, o = committed_office
    d = s.dossier_hand_over(dossier_id=receive(o).pk, actor=o.processor)
    results = _race(tenant, [
        lambda: s.dossier_approve(dossier_id=d.pk, actor=o.approver, expected_version=d.version),
        lambda: s.dossier_send_back(dossier_id=d.pk, actor=o.approver, note="Xem lại", expected_version=d.version),
    ])
    assert sum(isinstance(r, DossierChanged) for r in results) == 1
    assert sum(not isinstance(r, DossierError) for r in results) == 1


@pytest.mark.django_db
def test_stale_version_is_refused_in_vietnamese(tenant_a):
    # Also makes pytest-django set up the test database when this module runs alone.
    assert str(DossierChanged()) == "Hồ sơ đã thay đổi, vui lòng tải lại."
