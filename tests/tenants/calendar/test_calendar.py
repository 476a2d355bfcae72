"""The working calendar page of the setup wizard: owner, colleague, outsider; validation; due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from core.accounts.models import User
from tenants.calendar import services
from tenants.calendar.models import CalendarException, CalendarSettings
from tenants.calendar.selectors import tenant_calendar
from tenants.calendar.vn_holidays import public_holidays
from tenants.calendar.workingtime import TZ, Duration
from tests.conftest import host_of
from tests.support import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
URL = "/staff/setup/lich-lam-viec/"
NEXT_YEAR = timezone.now().astimezone(TZ).year + 1


def _login(tenant, username: str) -> Client:  # noqa: ANN001
    client = Client(HTTP_HOST=host_of(tenant))
    assert sign_in(client, username).status_code == 302
    return client


@pytest.fixture
def people(tenant_a):  # noqa: ANN001, ANN201
    """In alpha: 'quantri' holds the administrator role of a unit, 'canbo' is a receiver only."""
    from tenants.organization.models import StaffRole, Unit

    with schema_context(tenant_a.schema_name):
        unit = Unit.objects.create(name="Văn phòng UBND", kind=Unit.Kind.PEOPLES_COMMITTEE)
        owner = User.objects.create_user(username="quantri", password=PASSWORD, kind=User.Kind.STAFF)
        StaffRole.objects.create(user=owner, unit=unit, role=StaffRole.Role.ADMINISTRATOR)
        colleague = User.objects.create_user(username="canbo", password=PASSWORD, kind=User.Kind.STAFF)
        StaffRole.objects.create(user=colleague, unit=unit, role=StaffRole.Role.RECEIVER)
    return {"owner": _login(tenant_a, "quantri"), "colleague": _login(tenant_a, "canbo")}


def _working_day(calendar, day: dt.date) -> dt.date:  # noqa: ANN001
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def test_owner_edits_hours_weekend_and_years(people, tenant_a):
    owner = people["owner"]
    page = owner.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tết Dương lịch" in html or "Tết" in html  # the year's public holidays, for reference
    assert owner.get("/staff/setup/calendar/").status_code == 200
    response = owner.post(f"{URL}luu/", {"start_1": "07:00", "end_1": "11:00", "start_2": "13:00", "end_2": "16:30",
                                         "weekend": ["6"], "confirmed_from_year": "2025",
                                         "confirmed_to_year": str(NEXT_YEAR)}, follow=True)
    assert "Đã lưu giờ làm việc" in response.content.decode()
    with schema_context(tenant_a.schema_name):
        cfg = CalendarSettings.objects.get()
        assert cfg.sessions == [["07:00", "11:00"], ["13:00", "16:30"]]
        assert cfg.weekend == [6] and (cfg.confirmed_from_year, cfg.confirmed_to_year) == (2025, NEXT_YEAR)
        calendar = tenant_calendar()
        assert calendar.weekend == frozenset({6}) and calendar.day_seconds == (4 * 60 + 210) * 60


@pytest.mark.parametrize(("data", "message"), [
    ({"start_1": "07:30", "end_1": "11:30", "start_2": "11:00", "end_2": "17:00"}, "chồng lên nhau"),
    ({"start_1": "11:30", "end_1": "07:30"}, "giờ kết thúc phải sau giờ bắt đầu"),
    ({"start_1": "07:30"}, "hãy nhập cả giờ bắt đầu và giờ kết thúc"),
    ({}, "Cần ít nhất một ca làm việc"),
    ({"start_1": "07:30", "end_1": "11:30", "weekend": [str(d) for d in range(7)]}, "ít nhất một ngày làm việc"),
    ({"start_1": "07:30", "end_1": "11:30", "confirmed_from_year": "2020", "confirmed_to_year": "2021"},
     "các năm đã qua"),
    ({"start_1": "07:30", "end_1": "11:30", "confirmed_from_year": "2027", "confirmed_to_year": "2026"},
     "Năm bắt đầu phải trước"),
])
def test_bad_settings_are_refused_in_vietnamese_and_nothing_changes(people, tenant_a, data, message):
    response = people["owner"].post(f"{URL}luu/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    with schema_context(tenant_a.schema_name):
        cfg = CalendarSettings.objects.order_by("pk").first()
        assert cfg is None or cfg.sessions == [["07:30", "11:30"], ["13:30", "17:00"]]


def test_a_day_off_added_by_the_owner_moves_the_due_date(people, tenant_a):
    with schema_context(tenant_a.schema_name):
        calendar = tenant_calendar()
        first = _working_day(calendar, dt.date(NEXT_YEAR, 3, 10))
        start = dt.datetime.combine(first, dt.time(8, 0), tzinfo=TZ)
        due_before = calendar.add(start, Duration.working_days(1))
    day_off = due_before.date()
    assert day_off > first
    response = people["owner"].post(f"{URL}them/", {"date": day_off.isoformat(), "kind": "day_off",
                                                    "reason": "Quyết định 12/QĐ-UBND"}, follow=True)
    assert "Đã thêm ngày nghỉ" in response.content.decode()
    assert "Quyết định 12/QĐ-UBND" in people["owner"].get(f"{URL}?nam={NEXT_YEAR}").content.decode()
    with schema_context(tenant_a.schema_name):
        due_after = tenant_calendar().add(start, Duration.working_days(1))
        assert not tenant_calendar().is_working_day(day_off)
    assert due_after > due_before and due_after.date() != day_off

    # removing it gives the working day back
    with schema_context(tenant_a.schema_name):
        pk = CalendarException.objects.get(date=day_off).pk
    people["owner"].post(f"{URL}{pk}/xoa/")
    with schema_context(tenant_a.schema_name):
        assert tenant_calendar().add(start, Duration.working_days(1)) == due_before


def test_make_up_day_on_a_weekend_counts_as_working(people, tenant_a):
    saturday = dt.date(NEXT_YEAR, 5, 1)
    while saturday.weekday() != 5 or saturday in public_holidays(NEXT_YEAR):
        saturday += dt.timedelta(days=1)
    response = people["owner"].post(f"{URL}them/", {"date": saturday.isoformat(), "kind": "makeup",
                                                    "reason": "Làm bù cho ngày nghỉ 30/4"}, follow=True)
    assert "Đã thêm ngày làm bù" in response.content.decode()
    with schema_context(tenant_a.schema_name):
        assert tenant_calendar().is_working_day(saturday)


def test_bad_days_are_refused(people, tenant_a):
    with schema_context(tenant_a.schema_name):
        calendar = tenant_calendar()
        workday = _working_day(calendar, dt.date(NEXT_YEAR, 6, 2))
        services.calendar_exception_add(date=workday, kind="day_off", reason="Nghỉ bù")
        new_year = dt.date(NEXT_YEAR, 1, 1)
        sunday = dt.date(NEXT_YEAR, 6, 1)
        while sunday.weekday() != 6 or sunday in public_holidays(NEXT_YEAR):
            sunday += dt.timedelta(days=1)
        cases = [
            ({"date": workday, "kind": "makeup", "reason": "x"}, "vừa là ngày nghỉ vừa là ngày làm bù"),
            ({"date": workday, "kind": "day_off", "reason": "x"}, "đã có trong lịch"),
            ({"date": new_year, "kind": "day_off", "reason": "x"}, "đã là ngày nghỉ lễ"),
            ({"date": sunday, "kind": "day_off", "reason": "x"}, "đã là ngày nghỉ hằng tuần"),
            ({"date": _working_day(calendar, dt.date(NEXT_YEAR, 7, 1)), "kind": "makeup", "reason": "x"},
             "đã là ngày làm việc"),
            ({"date": dt.date(2020, 6, 2), "kind": "day_off", "reason": "x"}, "năm đã qua"),
            ({"date": _working_day(calendar, dt.date(NEXT_YEAR, 8, 3)), "kind": "day_off", "reason": " "},
             "Hãy nhập lý do"),
        ]
        for kwargs, message in cases:
            with pytest.raises(ValidationError) as info:
                services.calendar_exception_add(**kwargs)
            assert message in " ".join(info.value.messages), kwargs
        assert CalendarException.objects.count() == 1
    # the page says it too
    response = people["owner"].post(f"{URL}them/", {"date": workday.isoformat(), "kind": "makeup", "reason": "x"})
    assert response.status_code == 400 and "vừa là ngày nghỉ vừa là ngày làm bù" in response.content.decode()


def test_colleague_without_the_administrator_role_gets_403(people, tenant_a):
    colleague = people["colleague"]
    assert colleague.get(URL).status_code == 403
    assert colleague.post(f"{URL}luu/", {"start_1": "07:00", "end_1": "11:00"}).status_code == 403
    day = dt.date(NEXT_YEAR, 6, 2)
    assert colleague.post(f"{URL}them/", {"date": day.isoformat(), "kind": "day_off",
                                          "reason": "x"}).status_code == 403
    with schema_context(tenant_a.schema_name):
        exception = CalendarException.objects.create(date=day, kind="day_off", reason="giữ nguyên")
    assert colleague.post(f"{URL}{exception.pk}/xoa/").status_code == 403
    with schema_context(tenant_a.schema_name):
        assert CalendarException.objects.filter(pk=exception.pk).exists()
        assert not CalendarSettings.objects.filter(sessions=[["07:00", "11:00"]]).exists()


def test_outsider_from_beta_can_neither_see_nor_change_alphas_calendar(people, tenant_a, tenant_b, client_b):
    with schema_context(tenant_a.schema_name):
        secret = CalendarException.objects.create(date=dt.date(NEXT_YEAR, 6, 2), kind="day_off",
                                                  reason="Riêng của Alpha")
    response = sign_in(client_b, "admin-beta")
    outsider = Client(HTTP_HOST=host_of(tenant_a))
    outsider.cookies["sessionid"] = response.cookies["sessionid"].value
    assert outsider.get(URL).status_code == 302  # not signed in on alpha
    assert outsider.post(f"{URL}them/", {"date": f"{NEXT_YEAR}-06-03", "kind": "day_off",
                                         "reason": "x"}).status_code == 302
    assert outsider.post(f"{URL}{secret.pk}/xoa/").status_code == 302
    own = client_b.get(f"{URL}?nam={NEXT_YEAR}")  # beta's own page shows beta's calendar only
    assert own.status_code == 200 and "Riêng của Alpha" not in own.content.decode()
    assert client_b.post(f"{URL}{secret.pk}/xoa/").status_code == 404  # alpha's row is not beta's
    with schema_context(tenant_a.schema_name):
        assert CalendarException.objects.filter(pk=secret.pk).exists()
        assert CalendarException.objects.count() == 1
