"""Working-time calendar: due dates, office time used, pauses (pure Python, no Django).

Default calendar: sessions 07:30-11:30 and 13:30-17:00 (7.5 h = 27,000 s a day),
weekend Sat+Sun, Vietnamese public holidays from ``holidays`` 0.109. 2026 facts used
below (as the package gives them): Tết Mon 16 - Fri 20 Feb; Hùng Kings' day Sun 26 Apr
(observed Mon 27 Apr); Thu 30 Apr, Fri 1 May; National Day Tue 1 + Wed 2 Sep with a
government swap (Mon 31 Aug off, Sat 22 Aug worked); Thu 1 Jan; Tue 24 Nov.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest

from tenants.calendar import (
    TZ,
    CalendarDataMissing,
    Duration,
    DurationUnit,
    WorkingCalendar,
    official_makeup_days,
    package_years,
    public_holiday_names,
    public_holidays,
)

DAY = 27_000  # seconds of office time in one default working day


def vn(*args: int) -> dt.datetime:
    """Aware datetime in Asia/Ho_Chi_Minh."""
    return dt.datetime(*args, tzinfo=TZ)


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# ----- holiday data --------------------------------------------------------------------


def test_package_gives_tet_2026_on_16_to_20_february() -> None:
    off = public_holidays(2026)
    tet = {dt.date(2026, 2, d) for d in range(16, 21)}  # Mon 16 .. Fri 20
    assert tet <= off
    assert dt.date(2026, 2, 13) not in off and dt.date(2026, 2, 23) not in off
    names = public_holiday_names(2026)
    assert names[dt.date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert names[dt.date(2026, 2, 16)] == "Giao thừa Tết Nguyên Đán"


def test_package_gives_hung_kings_2026_on_sunday_26_april_observed_monday() -> None:
    # 10th day of the 3rd lunar month of 2026 = Sun 26 Apr; observed Mon 27 Apr.
    names = public_holiday_names(2026)
    assert names[dt.date(2026, 4, 26)] == "Ngày Giỗ Tổ Hùng Vương"
    assert names[dt.date(2026, 4, 27)] == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert public_holiday_names(2026, "en_US")[dt.date(2026, 4, 26)] == (
        "Hung Kings' Commemoration Day"
    )


def test_official_swap_2026_makes_saturday_22_august_a_working_day(
    cal: WorkingCalendar,
) -> None:
    assert official_makeup_days(2026) == frozenset({dt.date(2026, 8, 22)})
    assert dt.date(2026, 8, 31) in public_holidays(2026)
    assert cal.is_working_day(dt.date(2026, 8, 22))  # Saturday, worked
    assert not cal.is_working_day(dt.date(2026, 8, 31))  # Monday, off
    assert official_makeup_days(2025) == frozenset({dt.date(2025, 4, 26)})


def test_working_days_in_february_2026(cal: WorkingCalendar) -> None:
    # Feb 2026 = exactly 4 weeks from Sun 1 Feb -> 20 weekdays, minus 5 days of Tết.
    assert cal.working_days_between(dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == 15
    assert cal.next_working_day(dt.date(2026, 2, 13)) == dt.date(2026, 2, 23)


# ----- due dates across holidays -------------------------------------------------------


def test_across_tet_2026(cal: WorkingCalendar) -> None:
    # Fri 13 Feb 16:00: 1 h left that day; Mon 16-Fri 20 Tết, Sat/Sun; Mon 23 Feb:
    # 6.5 h more = 4 h (07:30-11:30) + 2.5 h from 13:30 -> 16:00.
    assert cal.add(vn(2026, 2, 13, 16), Duration.working_days(1)) == vn(2026, 2, 23, 16)
    # Thu 12 Feb 09:00 + 3 WD: Fri 13 09:00 (1), Mon 23 09:00 (2), Tue 24 09:00 (3).
    assert cal.add(vn(2026, 2, 12, 9), Duration.working_days(3)) == vn(2026, 2, 24, 9)


def test_across_hung_kings_day_2026(cal: WorkingCalendar) -> None:
    # Fri 24 Apr 10:00 + 1 WD: Sat 25, Sun 26 (holiday), Mon 27 (observed) -> Tue 28 10:00.
    assert cal.add(vn(2026, 4, 24, 10), Duration.working_days(1)) == vn(2026, 4, 28, 10)


def test_across_30_april_and_1_may_2026(cal: WorkingCalendar) -> None:
    # Wed 29 Apr 14:00: 3 h left; Thu 30, Fri 1 May, Sat, Sun off; Mon 4 May needs
    # 4.5 h: 07:30-11:30 (4 h) + 0.5 h -> 14:00.
    assert cal.add(vn(2026, 4, 29, 14), Duration.working_days(1)) == vn(2026, 5, 4, 14)
    # Tue 28 Apr 08:00 + 2 WD: Wed 29 08:00 (1), Mon 4 May 08:00 (2).
    assert cal.add(vn(2026, 4, 28, 8), Duration.working_days(2)) == vn(2026, 5, 4, 8)


def test_across_national_day_2026(cal: WorkingCalendar) -> None:
    # Fri 28 Aug 15:00: 2 h left; Sat, Sun, Mon 31 (swap), Tue 1, Wed 2 Sep off;
    # Thu 3 Sep needs 5.5 h: 4 h morning + 1.5 h from 13:30 -> 15:00.
    assert cal.add(vn(2026, 8, 28, 15), Duration.working_days(1)) == vn(2026, 9, 3, 15)


def test_official_makeup_saturday(cal: WorkingCalendar) -> None:
    # Fri 21 Aug 16:00: 1 h left; Sat 22 Aug is worked: 6.5 h -> 16:00 Saturday.
    assert cal.add(vn(2026, 8, 21, 16), Duration.working_days(1)) == vn(2026, 8, 22, 16)


def test_weekend(cal: WorkingCalendar) -> None:
    # Fri 6 Mar 2026 16:00 + 1 WD -> Mon 9 Mar 16:00 (weekend skipped).
    assert cal.add(vn(2026, 3, 6, 16), Duration.working_days(1)) == vn(2026, 3, 9, 16)
    assert not cal.is_working_day(dt.date(2026, 3, 7))
    assert not cal.is_working_day(dt.date(2026, 3, 8))


def test_tenant_makeup_saturday() -> None:
    cal = WorkingCalendar(makeup_days=frozenset({dt.date(2026, 3, 7)}))
    assert cal.is_working_day(dt.date(2026, 3, 7))
    # Fri 6 Mar 16:00 + 1 WD: 1 h Friday, 6.5 h on the make-up Saturday -> Sat 16:00.
    assert cal.add(vn(2026, 3, 6, 16), Duration.working_days(1)) == vn(2026, 3, 7, 16)


def test_tenant_day_off() -> None:
    cal = WorkingCalendar(days_off={dt.date(2026, 3, 9)})
    assert not cal.is_working_day(dt.date(2026, 3, 9))
    # Fri 6 Mar 16:00 + 1 WD: weekend and Mon 9 (announced day off) -> Tue 10 16:00.
    assert cal.add(vn(2026, 3, 6, 16), Duration.working_days(1)) == vn(2026, 3, 10, 16)


def test_tenant_overrides_public_holiday_and_swap_precedence() -> None:
    # A tenant may declare a holiday worked (e.g. data correction) and a swap day off.
    cal = WorkingCalendar(
        makeup_days={dt.date(2026, 11, 24)}, days_off={dt.date(2026, 8, 22)}
    )
    assert cal.is_working_day(dt.date(2026, 11, 24))
    assert not cal.is_working_day(dt.date(2026, 8, 22))
    with pytest.raises(ValueError):
        WorkingCalendar(
            days_off={dt.date(2026, 3, 7)}, makeup_days={dt.date(2026, 3, 7)}
        )


def test_sunday_only_weekend() -> None:
    cal = WorkingCalendar(weekend={6})
    # Fri 6 Mar 16:00 + 1 WD -> Sat 7 Mar 16:00.
    assert cal.add(vn(2026, 3, 6, 16), Duration.working_days(1)) == vn(2026, 3, 7, 16)


# ----- units -----------------------------------------------------------------------------


def test_half_working_day(cal: WorkingCalendar) -> None:
    half = Duration.working_days(Decimal("0.5"))  # 3 h 45
    assert cal.budget_seconds(half) == 13_500
    # 07:30 + 3:45 -> 11:15.
    assert cal.add(vn(2026, 3, 9, 7, 30), half) == vn(2026, 3, 9, 11, 15)
    # 10:00: 1.5 h until 11:30, 2.25 h from 13:30 -> 15:45.
    assert cal.add(vn(2026, 3, 9, 10), half) == vn(2026, 3, 9, 15, 45)
    # 15:00: 2 h until 17:00, 1.75 h next morning -> Tue 09:15.
    assert cal.add(vn(2026, 3, 9, 15), half) == vn(2026, 3, 10, 9, 15)


def test_hour_unit(cal: WorkingCalendar) -> None:
    # Mon 9 Mar 10:00 + 4 h: 1.5 h morning + 2.5 h from 13:30 -> 16:00.
    assert cal.add(vn(2026, 3, 9, 10), Duration.hours(4)) == vn(2026, 3, 9, 16)
    # Mon 09:00 + 8 h: 2.5 + 3.5 = 6 h Monday, 2 h Tuesday -> Tue 09:30.
    assert cal.add(vn(2026, 3, 9, 9), Duration.hours(8)) == vn(2026, 3, 10, 9, 30)
    # 11:00 + 1.5 h: 0.5 h to 11:30, 1 h from 13:30 -> 14:30.
    assert cal.add(vn(2026, 3, 9, 11), Duration.hours("1.5")) == vn(2026, 3, 9, 14, 30)
    # Ending exactly at a session end stays at 11:30 (not 13:30).
    assert cal.add(vn(2026, 3, 9, 11), Duration.hours("0.5")) == vn(2026, 3, 9, 11, 30)


def test_working_day_is_office_time_counted_from_start(cal: WorkingCalendar) -> None:
    # Mon 07:30 + 1 WD = Mon 17:00 (boundary -> session end); + 5 WD = Fri 17:00.
    assert cal.add(vn(2026, 3, 9, 7, 30), Duration.working_days(1)) == vn(
        2026, 3, 9, 17
    )
    assert cal.add(vn(2026, 3, 9, 7, 30), Duration.working_days(5)) == vn(
        2026, 3, 13, 17
    )
    assert cal.add(vn(2026, 3, 9, 14), Duration.working_days(5)) == vn(2026, 3, 16, 14)


def test_calendar_days(cal: WorkingCalendar) -> None:
    five = Duration.calendar_days(5)
    # Received Mon 9 Mar: day 5 = Sat 14 Mar (off) -> end of office hours Mon 16 Mar.
    assert cal.add(vn(2026, 3, 9, 10), five) == vn(2026, 3, 16, 17)
    # Day 4 = Fri 13 Mar, a working day -> 17:00 that day.
    assert cal.add(vn(2026, 3, 9, 10), Duration.calendar_days(4)) == vn(2026, 3, 13, 17)
    # Received Fri 13 Feb: day 3 = Mon 16 Feb (Tết) -> Mon 23 Feb 17:00.
    assert cal.add(vn(2026, 2, 13, 10), Duration.calendar_days(3)) == vn(
        2026, 2, 23, 17
    )
    # Submitted online Sat 7 Mar: received Mon 9 Mar; day 2 = Wed 11 Mar 17:00.
    assert cal.add(vn(2026, 3, 7, 9), Duration.calendar_days(2)) == vn(2026, 3, 11, 17)
    with pytest.raises(ValueError):
        cal.budget_seconds(five)


def test_duration_validation() -> None:
    assert Duration(Decimal(2), "working_day").unit is DurationUnit.WORKING_DAY
    assert Duration.working_days("0.5").amount == Decimal("0.5")
    with pytest.raises(ValueError):
        Duration.working_days(-1)
    with pytest.raises(ValueError):
        Duration.calendar_days("1.5")
    with pytest.raises(ValueError):
        Duration(Decimal(1), "fortnight")
    with pytest.raises(ValueError):
        Duration.hours("NaN")


# ----- reception outside office hours ----------------------------------------------------


def test_reception_after_hours_friday(cal: WorkingCalendar) -> None:
    friday_evening = vn(2026, 3, 6, 17, 30)
    assert cal.next_working_moment(friday_evening) == vn(2026, 3, 9, 7, 30)
    # 17:00 itself is outside office hours (sessions are half-open).
    assert cal.next_working_moment(vn(2026, 3, 6, 17)) == vn(2026, 3, 9, 7, 30)
    # Counted from Mon 07:30: 1 WD -> Mon 17:00; 0.5 WD -> Mon 11:15.
    assert cal.add(friday_evening, Duration.working_days(1)) == vn(2026, 3, 9, 17)
    assert cal.add(friday_evening, Duration.working_days("0.5")) == vn(
        2026, 3, 9, 11, 15
    )
    # Before opening: 06:00 Monday -> 07:30 Monday.
    assert cal.next_working_moment(vn(2026, 3, 9, 6)) == vn(2026, 3, 9, 7, 30)


def test_reception_during_lunch(cal: WorkingCalendar) -> None:
    assert cal.next_working_moment(vn(2026, 3, 9, 12)) == vn(2026, 3, 9, 13, 30)
    assert cal.next_working_moment(vn(2026, 3, 9, 11, 30)) == vn(2026, 3, 9, 13, 30)
    assert cal.next_working_moment(vn(2026, 3, 9, 10)) == vn(2026, 3, 9, 10)
    assert not cal.is_working_time(vn(2026, 3, 9, 12))
    # 12:00 + 1 h -> 14:30.
    assert cal.add(vn(2026, 3, 9, 12), Duration.hours(1)) == vn(2026, 3, 9, 14, 30)
    # Lunch and nights are not office time.
    assert cal.working_seconds_between(vn(2026, 3, 9, 11), vn(2026, 3, 9, 14)) == 3600


# ----- pauses ------------------------------------------------------------------------------


def test_pause_for_supplement_across_tet(cal: WorkingCalendar) -> None:
    received = vn(2026, 2, 9, 8)  # Mon 9 Feb 08:00, 5 WD
    due = cal.add(received, Duration.working_days(5))
    # Tue 10 (1), Wed 11 (2), Thu 12 (3), Fri 13 (4), then Tết -> Mon 23 Feb 08:00 (5).
    assert due == vn(2026, 2, 23, 8)
    paused = vn(2026, 2, 11, 10)  # Wed 11 Feb 10:00: supplement requested
    # Left: Wed 1.5 + 3.5 = 5 h, Thu 7.5, Fri 7.5, Mon 23 07:30-08:00 0.5 -> 20.5 h.
    remaining = cal.remaining_working_seconds(due, paused)
    assert remaining == 73_800
    resumed = vn(2026, 2, 24, 14)  # citizen supplements Tue 24 Feb 14:00
    # Tue 14-17 = 3 h, Wed 7.5, Thu 7.5 -> 2.5 h left: Fri 27 Feb 07:30 + 2.5 h = 10:00.
    new_due = cal.resume(remaining, resumed)
    assert new_due == vn(2026, 2, 27, 10)
    assert cal.due_after_pause(due, paused, resumed) == new_due
    # Total office time used excluding the pause equals the 5-day budget.
    used = cal.working_seconds_in([(received, paused), (resumed, new_due)])
    assert used == 5 * DAY


def test_pause_when_already_overdue_keeps_the_delay(cal: WorkingCalendar) -> None:
    due = vn(2026, 3, 9, 10)
    paused = vn(2026, 3, 9, 11)  # 1 h overdue
    assert cal.remaining_working_seconds(due, paused) == -3600
    # Resumed Tue 08:00: new due is 1 h of office time before it -> Mon 16:30.
    new_due = cal.due_after_pause(due, paused, vn(2026, 3, 10, 8))
    assert new_due == vn(2026, 3, 9, 16, 30)


def test_backwards(cal: WorkingCalendar) -> None:
    # Mon 23 Feb 08:00 - 1 h: 0.5 h Monday, then Tết and weekend -> Fri 13 Feb 16:30.
    assert cal.add_working_seconds(vn(2026, 2, 23, 8), -3600) == vn(2026, 2, 13, 16, 30)
    # Landing on a boundary going back gives the session start: 13:30 - 2 h -> 09:30.
    assert cal.add_working_seconds(vn(2026, 3, 9, 13, 30), -7200) == vn(
        2026, 3, 9, 9, 30
    )
    assert (
        cal.working_seconds_between(vn(2026, 2, 23, 8), vn(2026, 2, 13, 16, 30))
        == -3600
    )


# ----- year boundary and data window ------------------------------------------------------


def test_year_boundary(cal: WorkingCalendar) -> None:
    start = vn(2025, 12, 31, 15)  # Wed 31 Dec 2025
    # Wed 2 h; Thu 1 Jan off; Fri 2 Jan 7.5 h (9.5 h); Sat, Sun; Mon 5 Jan needs
    # 5.5 h: 4 h morning + 1.5 h from 13:30 -> 15:00.
    due = cal.add(start, Duration.working_days(2))
    assert due == vn(2026, 1, 5, 15)
    assert cal.working_seconds_between(start, due) == 2 * DAY


def test_supported_years_window() -> None:
    vn_package = holidays.country_holidays("VN")
    assert package_years() == range(1976, vn_package.end_year + 1)
    assert WorkingCalendar().supported_years == package_years()
    assert WorkingCalendar(confirmed_years=(2025, 2026)).supported_years == range(
        2025, 2027
    )
    assert WorkingCalendar(confirmed_years=(2020, 3000)).supported_years[-1] == (
        vn_package.end_year
    )
    with pytest.raises(ValueError):
        WorkingCalendar(confirmed_years=(2027, 2026))


def test_calendar_data_missing_when_crossing_into_unconfirmed_year() -> None:
    cal = WorkingCalendar(confirmed_years=(2025, 2026))
    # Inside the window: Wed 31 Dec 2026 16:30 + 30 min -> 17:00, 2027 not touched.
    assert cal.add(vn(2026, 12, 31, 16, 30), Duration.hours("0.5")) == vn(
        2026, 12, 31, 17
    )
    with pytest.raises(CalendarDataMissing) as info:
        cal.add(vn(2026, 12, 31, 16, 30), Duration.hours(1))
    err = info.value
    assert err.year == 2027
    assert str(err).startswith("Chưa có dữ liệu ngày nghỉ lễ của năm 2027")
    assert "hãy cập nhật lịch làm việc trước khi tính hạn." in err.message("vi")
    assert err.message("en").startswith("No public-holiday data for 2027")
    with pytest.raises(CalendarDataMissing):
        cal.working_seconds_between(vn(2026, 12, 1, 8), vn(2027, 1, 4, 8))
    with pytest.raises(CalendarDataMissing):
        cal.is_working_day(dt.date(2024, 12, 31))


def test_calendar_data_missing_beyond_package_range(cal: WorkingCalendar) -> None:
    last = package_years()[-1]
    with pytest.raises(CalendarDataMissing) as info:
        cal.add(vn(last, 12, 31, 16), Duration.working_days(1))
    assert info.value.year == last + 1
    with pytest.raises(CalendarDataMissing):
        cal.next_working_moment(vn(1975, 6, 1, 8))  # before the UTC+7-only era
    assert isinstance(info.value, LookupError)
    copy = pickle.loads(pickle.dumps(info.value))  # survives task/result serialisation
    assert (copy.year, copy.message("en")) == (last + 1, info.value.message("en"))


# ----- time zones ---------------------------------------------------------------------------


def test_naive_datetime_refused(cal: WorkingCalendar) -> None:
    naive = dt.datetime(2026, 3, 9, 8)
    with pytest.raises(ValueError, match="naive"):
        cal.add(naive, Duration.working_days(1))
    with pytest.raises(ValueError, match="naive"):
        cal.next_working_moment(naive)
    with pytest.raises(ValueError, match="naive"):
        cal.working_seconds_between(naive, vn(2026, 3, 9, 9))
    with pytest.raises(TypeError):
        cal.is_working_day(vn(2026, 3, 9, 8))


def test_dst_free_sanity(cal: WorkingCalendar) -> None:
    seven = dt.timedelta(hours=7)
    for year in cal.supported_years:  # no offset change since 1975
        assert (
            vn(year, 1, 1).utcoffset() == seven and vn(year, 7, 1).utcoffset() == seven
        )
    # Paris is on summer time (UTC+2): 03:00 CEST Mon 6 Jul 2026 = 01:00 UTC = 08:00 in VN.
    paris = dt.datetime(2026, 7, 6, 3, tzinfo=ZoneInfo("Europe/Paris"))
    due = cal.add(paris, Duration.hours(1))
    assert due == vn(2026, 7, 6, 9)
    assert due.tzinfo is TZ and due.utcoffset() == seven
    assert due == dt.datetime(2026, 7, 6, 2, tzinfo=dt.UTC)
    # 00:30 UTC = 07:30 in VN: start of office hours.
    assert cal.is_working_time(dt.datetime(2026, 3, 9, 0, 30, tzinfo=dt.UTC))


# ----- custom office hours -------------------------------------------------------------------


def test_custom_sessions_from_strings() -> None:
    cal = WorkingCalendar(sessions=[("08:00", "12:00"), ("13:00", "17:00")])
    assert cal.day_seconds == 8 * 3600
    assert cal.day_length == dt.timedelta(hours=8)
    # Mon 9 Mar 2026 15:00 + 1 WD (8 h): 2 h Monday, 6 h Tuesday -> Tue 15:00.
    assert cal.add(vn(2026, 3, 9, 15), Duration.working_days(1)) == vn(2026, 3, 10, 15)
    assert cal.office_hours(dt.date(2026, 3, 9))[1] == (
        vn(2026, 3, 9, 13),
        vn(2026, 3, 9, 17),
    )
    assert cal.office_hours(dt.date(2026, 3, 8)) == []
    with pytest.raises(ValueError):
        WorkingCalendar(sessions=[("08:00", "12:00"), ("11:00", "17:00")])
    with pytest.raises(ValueError):
        WorkingCalendar(sessions=[])


def test_calendar_is_hashable_value() -> None:
    a = WorkingCalendar(days_off={dt.date(2026, 3, 9)})
    b = WorkingCalendar(days_off=[dt.date(2026, 3, 9)])
    a.is_working_day(dt.date(2026, 3, 9))  # fills a's cache only
    assert a == b and hash(a) == hash(b)


# ----- properties and speed -------------------------------------------------------------------


@pytest.mark.parametrize(
    "cal",
    [
        WorkingCalendar(),
        WorkingCalendar(
            sessions=[("07:00", "11:00"), ("11:30", "12:00"), ("13:00", "16:30")],
            weekend={6},
            days_off={dt.date(2026, 3, 9), dt.date(2026, 6, 1)},
            makeup_days={dt.date(2026, 2, 22), dt.date(2025, 12, 28)},
        ),
    ],
    ids=["default", "custom"],
)
def test_add_then_between_round_trips(cal: WorkingCalendar) -> None:
    rng = random.Random(20260216)
    origin = vn(2025, 1, 1)
    span = int(dt.timedelta(days=700).total_seconds())
    for _ in range(2000):
        start = origin + dt.timedelta(
            seconds=rng.randrange(span), microseconds=rng.randrange(1_000_000)
        )
        if rng.random() < 0.5:
            duration = Duration.working_days(Decimal(rng.randrange(0, 121)) / 4)
        else:
            duration = Duration.hours(Decimal(rng.randrange(0, 401)) / 4)
        seconds = cal.budget_seconds(duration)
        due = cal.add(start, duration)
        assert due >= start
        assert cal.working_seconds_between(start, due) == seconds
        assert cal.working_seconds_between(due, start) == -seconds
        assert due.tzinfo is TZ
        back = cal.add_working_seconds(due, -seconds)
        assert cal.working_seconds_between(back, due) == seconds
        assert back == cal.next_working_moment(start)


def _oracle_seconds(a: dt.datetime, b: dt.datetime) -> int:
    """Office seconds in [a, b] by plain day-by-day overlap (independent of the module)."""
    off = public_holidays(2025) | public_holidays(2026)
    total, day = 0, a.date()
    while day <= b.date():
        if day.weekday() < 5 and day not in off:
            for start, end in (
                (dt.time(7, 30), dt.time(11, 30)),
                (dt.time(13, 30), dt.time(17)),
            ):
                lo = max(a, dt.datetime.combine(day, start, TZ))
                hi = min(b, dt.datetime.combine(day, end, TZ))
                total += max(0, int((hi - lo).total_seconds()))
        day += dt.timedelta(days=1)
    return total


def test_between_matches_day_by_day_oracle(cal: WorkingCalendar) -> None:
    rng = random.Random(42)
    origin = vn(2026, 1, 20)  # window covers Tết, Hùng Kings' day and 30/4-1/5
    for _ in range(300):
        a = origin + dt.timedelta(minutes=rng.randrange(60 * 24 * 110))
        b = a + dt.timedelta(minutes=rng.randrange(60 * 24 * 30))
        assert cal.working_seconds_between(a, b) == _oracle_seconds(a, b)
