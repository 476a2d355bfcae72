"""Due dates through the reception service with the tenant's real calendar (holidays package + tenant days)."""

from __future__ import annotations

import datetime as dt

import pytest

from tenants.calendar.models import CalendarException, CalendarSettings
from tenants.dossiers.errors import DossierError
from tenants.dossiers.models import CodeCounter, Dossier
from tests.tenants.dossiers.helpers import at, build_office, receive

pytestmark = pytest.mark.django_db


def test_tet_2026_is_skipped(office):
    # Fri 13 Feb 09:00 + 5 working days: 16-20 Feb is Tết, weekends off -> Fri 27 Feb 09:00.
    assert receive(office, when=at(2026, 2, 13, 9)).due_at == at(2026, 2, 27, 9)


def test_tet_plus_a_day_the_tenant_adds(office):
    CalendarException.objects.create(date=dt.date(2026, 2, 23), kind=CalendarException.Kind.DAY_OFF,
                                     reason="Nghỉ bù Tết theo thông báo của tỉnh")
    assert receive(office, when=at(2026, 2, 13, 9)).due_at == at(2026, 3, 2, 9)


def test_hung_kings_day_observed(office):
    # Fri 24 Apr + 2 working days: Mon 27 Apr is off (Hùng Kings' day observed) -> Wed 29 Apr.
    office.procedure.processing_amount = 2
    office.procedure.save()
    assert receive(office, when=at(2026, 4, 24, 9)).due_at == at(2026, 4, 29, 9)


def test_weekend_and_make_up_saturday(office):
    office.procedure.processing_amount = 1
    office.procedure.save()
    # An ordinary Friday: + 1 working day lands on Monday.
    assert receive(office, when=at(2026, 3, 13, 9)).due_at == at(2026, 3, 16, 9)
    # Sat 22 Aug 2026 is an official make-up working day.
    assert receive(office, when=at(2026, 8, 21, 9)).due_at == at(2026, 8, 22, 9)


def test_tenant_make_up_saturday(office):
    CalendarException.objects.create(date=dt.date(2026, 3, 14), kind=CalendarException.Kind.MAKEUP)
    office.procedure.processing_amount = 1
    office.procedure.save()
    assert receive(office, when=at(2026, 3, 13, 9)).due_at == at(2026, 3, 14, 9)


def test_half_day_processing_time(tenant_a):
    from django_tenants.utils import schema_context

    with schema_context(tenant_a.schema_name):
        o = build_office(amount="0.5")
        # 3 h 45 of office time from 09:00: 2 h 30 before lunch, 1 h 15 after 13:30 -> 14:45.
        assert receive(o, when=at(2026, 3, 9, 9)).due_at == at(2026, 3, 9, 14, 45)


def test_hours_processing_time(tenant_a):
    from django_tenants.utils import schema_context

    with schema_context(tenant_a.schema_name):
        o = build_office(amount="4", unit="hour")
        assert receive(o, when=at(2026, 3, 9, 16)).due_at == at(2026, 3, 10, 10, 30)


def test_after_hours_reception_counts_from_next_morning(office):
    office.procedure.processing_amount = 1
    office.procedure.save()
    assert receive(office, when=at(2026, 3, 9, 18)).due_at == at(2026, 3, 10, 17)
    # Saturday reception counts from Monday morning.
    assert receive(office, when=at(2026, 3, 7, 10)).due_at == at(2026, 3, 9, 17)


def test_year_without_holiday_data_is_refused_and_nothing_saved(office):
    CalendarSettings.objects.create(confirmed_from_year=2026, confirmed_to_year=2026)
    office.procedure.processing_amount = 10
    office.procedure.save()
    with pytest.raises(DossierError, match="Chưa có dữ liệu ngày nghỉ lễ của năm 2027"):
        receive(office, when=at(2026, 12, 28, 9))
    assert not Dossier.objects.filter(procedure=office.procedure).exists()
    assert not CodeCounter.objects.filter(key__endswith=f":{office.one_stop.pk}").exists()
