"""Working-time calendar: dossier due dates and office time used (pure Python).

Conventions (see also ``WorkingCalendar``):

* All arithmetic happens in Asia/Ho_Chi_Minh wall-clock time (UTC+7, no DST since
  1975); inputs must be aware datetimes, results are aware in Asia/Ho_Chi_Minh.
* Office time is the union of the day's sessions, each half-open ``[start, end)``:
  11:30 and 17:00 are already outside office time.
* One working day = the office time of one day (7.5 h by default); N working days =
  N x that length of office time counted from the (next working) moment of reception.
  A due date that falls exactly on a session boundary is the end of the session
  (e.g. Mon 07:30 + 1 working day = Mon 17:00, not Tue 07:30).
* Calendar days (Civil Code 2015 art. 147-148): the day of reception is not counted;
  the deadline is the end of office hours of the last day, and if that day is a
  weekend/holiday/day off, the end of office hours of the next working day.
  Reception outside office hours counts from the next working moment for every unit.
* Durations are rounded to whole seconds; computations keep microseconds.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tenants.calendar.vn_holidays import (
    FIRST_DST_FREE_YEAR,
    CalendarDataMissing,
    official_makeup_days,
    package_years,
    public_holidays,
)

__all__ = [
    "DEFAULT_SESSIONS",
    "DEFAULT_WEEKEND",
    "TZ",
    "CalendarDataMissing",
    "Duration",
    "DurationUnit",
    "WorkingCalendar",
]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SESSIONS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())

_US = 1_000_000  # microseconds per second
_LAST_YEAR = 9999


class DurationUnit(StrEnum):
    """Unit of a processing time."""

    WORKING_DAY = "working_day"
    HOUR = "hour"  # working hours (office time)
    CALENDAR_DAY = "calendar_day"


def _to_decimal(value: Decimal | str | float) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("amount must be a number, not bool")
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise ValueError(f"invalid duration amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"invalid duration amount: {value!r}")
    return amount


@dataclass(frozen=True)
class Duration:
    """A processing time or step budget, e.g. ``Duration(Decimal("0.5"), "working_day")``."""

    amount: Decimal
    unit: DurationUnit

    def __post_init__(self) -> None:
        amount = _to_decimal(self.amount)
        unit = DurationUnit(self.unit)
        if amount < 0:
            raise ValueError("a duration cannot be negative")
        if unit is DurationUnit.CALENDAR_DAY and amount != amount.to_integral_value():
            raise ValueError("calendar days must be a whole number")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "unit", unit)

    @classmethod
    def working_days(cls, amount: Decimal | int | str) -> Duration:
        return cls(_to_decimal(amount), DurationUnit.WORKING_DAY)

    @classmethod
    def hours(cls, amount: Decimal | int | str) -> Duration:
        return cls(_to_decimal(amount), DurationUnit.HOUR)

    @classmethod
    def calendar_days(cls, amount: Decimal | int | str) -> Duration:
        return cls(_to_decimal(amount), DurationUnit.CALENDAR_DAY)


class _Year(NamedTuple):
    ordinals: tuple[int, ...]  # sorted ordinals of the working days of the year
    working: frozenset[int]


def _parse_time(value: dt.time | str) -> dt.time:
    t = dt.time.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(t, dt.time) or t.tzinfo is not None:
        raise ValueError(f"office hours need naive local times, got {value!r}")
    return t


def _time_us(t: dt.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US + t.microsecond


def _local(moment: dt.datetime) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"expected an aware datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime refused (use an aware datetime): {moment!r}")
    return moment.astimezone(TZ)


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours, weekends, holidays and tenant day swaps of one tenant (or unit).

    Precedence for a date: tenant ``days_off`` > tenant ``makeup_days`` > public
    holiday > official make-up day (government swap) > weekend > working day.
    ``confirmed_years=(first, last)`` restricts computations to years the tenant has
    confirmed; the package's range for Vietnam (from 1976) always applies when
    ``use_public_holidays``. Outside the window: ``CalendarDataMissing``.
    """

    sessions: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_SESSIONS
    weekend: frozenset[int] = DEFAULT_WEEKEND
    days_off: frozenset[dt.date] = frozenset()
    makeup_days: frozenset[dt.date] = frozenset()
    confirmed_years: tuple[int, int] | None = None
    use_public_holidays: bool = True

    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _years: dict[int, _Year] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        sessions = tuple((_parse_time(a), _parse_time(b)) for a, b in self.sessions)
        if not sessions:
            raise ValueError("office hours need at least one session")
        spans = tuple((_time_us(a), _time_us(b)) for a, b in sessions)
        for i, (start, end) in enumerate(spans):
            if start >= end:
                raise ValueError(f"office session {sessions[i]} ends before it starts")
            if i and start < spans[i - 1][1]:
                raise ValueError("office sessions must be sorted and must not overlap")
        weekend = frozenset(int(d) for d in self.weekend)
        if not weekend <= set(range(7)):
            raise ValueError("weekend days are date.weekday() numbers 0 (Mon)-6 (Sun)")
        days_off = frozenset(self.days_off)
        makeup = frozenset(self.makeup_days)
        if any(isinstance(d, dt.datetime) for d in days_off | makeup):
            raise TypeError("days off and make-up days must be dates, not datetimes")
        if both := days_off & makeup:
            raise ValueError(f"dates both off and make-up working days: {sorted(both)}")
        confirmed = self.confirmed_years
        if confirmed is not None:
            confirmed = (int(confirmed[0]), int(confirmed[1]))
            if confirmed[0] > confirmed[1]:
                raise ValueError(
                    "confirmed_years must be (first, last) with first <= last"
                )
        for name, value in (
            ("sessions", sessions),
            ("weekend", weekend),
            ("days_off", days_off),
            ("makeup_days", makeup),
            ("confirmed_years", confirmed),
            ("_spans", spans),
            ("_day_us", sum(end - start for start, end in spans)),
        ):
            object.__setattr__(self, name, value)

    # ----- configuration ---------------------------------------------------------

    @property
    def supported_years(self) -> range:
        """Years in which computations are allowed (inclusive window as a range)."""
        base = (
            package_years()
            if self.use_public_holidays
            else range(FIRST_DST_FREE_YEAR, _LAST_YEAR + 1)
        )
        first, last = base[0], base[-1]
        if self.confirmed_years is not None:
            first = max(first, self.confirmed_years[0])
            last = min(last, self.confirmed_years[1])
        return range(first, max(first, last + 1))

    @property
    def day_length(self) -> dt.timedelta:
        """Office time of one working day (7 h 30 by default)."""
        return dt.timedelta(microseconds=self._day_us)

    @property
    def day_seconds(self) -> int:
        return self._day_us // _US

    def budget_seconds(self, duration: Duration) -> int:
        """Office seconds of a working-day or hour duration (rounded half up)."""
        if duration.unit is DurationUnit.WORKING_DAY:
            seconds = duration.amount * self._day_us / _US
        elif duration.unit is DurationUnit.HOUR:
            seconds = duration.amount * 3600
        else:
            raise ValueError("calendar days have no fixed office time; use add()")
        return int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    # ----- days ------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            if year not in self.supported_years:
                raise CalendarDataMissing(year, supported=self.supported_years)
            off: frozenset[dt.date] = frozenset()
            official: frozenset[dt.date] = frozenset()
            if self.use_public_holidays:
                off, official = public_holidays(year), official_makeup_days(year)
            first = dt.date(year, 1, 1).toordinal()
            ordinals = []
            for ordinal in range(first, dt.date(year + 1, 1, 1).toordinal()):
                d = dt.date.fromordinal(ordinal)
                if d in self.days_off:
                    continue
                if d in self.makeup_days or (
                    d not in off and (d in official or d.weekday() not in self.weekend)
                ):
                    ordinals.append(ordinal)
            table = _Year(tuple(ordinals), frozenset(ordinals))
            self._years[year] = table
        return table

    def _is_working(self, ordinal: int) -> bool:
        return ordinal in self._year(dt.date.fromordinal(ordinal).year).working

    def is_working_day(self, day: dt.date) -> bool:
        """True if ``day`` (a local date) has office hours."""
        if isinstance(day, dt.datetime):
            raise TypeError("pass a date; for a moment use is_working_time()")
        return self._is_working(day.toordinal())

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Number of working days in ``[first, last]`` (0 if ``last < first``)."""
        return self._count(first.toordinal(), last.toordinal() + 1)

    def _count(self, lo: int, hi: int) -> int:
        """Working days with ``lo <= ordinal < hi``."""
        if hi <= lo:
            return 0
        total = 0
        for year in range(
            dt.date.fromordinal(lo).year, dt.date.fromordinal(hi - 1).year + 1
        ):
            ordinals = self._year(year).ordinals
            total += bisect_left(ordinals, hi) - bisect_left(ordinals, lo)
        return total

    def _nth_after(self, ordinal: int, n: int) -> int:
        """The n-th (n >= 1) working day strictly after ``ordinal``."""
        year = dt.date.fromordinal(ordinal).year
        ordinals = self._year(year).ordinals
        i = bisect_right(ordinals, ordinal)
        while n > len(ordinals) - i:
            n -= len(ordinals) - i
            year += 1
            ordinals, i = self._year(year).ordinals, 0
        return ordinals[i + n - 1]

    def _nth_before(self, ordinal: int, n: int) -> int:
        """The n-th (n >= 1) working day strictly before ``ordinal``."""
        year = dt.date.fromordinal(ordinal).year
        ordinals = self._year(year).ordinals
        i = bisect_left(ordinals, ordinal)
        while n > i:
            n -= i
            year -= 1
            ordinals = self._year(year).ordinals
            i = len(ordinals)
        return ordinals[i - n]

    def next_working_day(self, day: dt.date) -> dt.date:
        """First working day strictly after ``day``."""
        return dt.date.fromordinal(self._nth_after(day.toordinal(), 1))

    def office_hours(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """Aware office sessions of ``day`` (empty on a day off)."""
        ordinal = day.toordinal()
        if not self._is_working(ordinal):
            return []
        return [
            (self._join(ordinal, a), self._join(ordinal, b)) for a, b in self._spans
        ]

    # ----- within a day ------------------------------------------------------------

    def _offset(self, t: int) -> int:
        """Office microseconds between midnight and local time ``t``."""
        done = 0
        for start, end in self._spans:
            if t <= start:
                return done
            if t < end:
                return done + t - start
            done += end - start
        return done

    def _at_end(self, offset: int) -> int:
        """Local time when ``offset`` (0..day) office time is used; boundary = session end."""
        for start, end in self._spans:
            if offset <= end - start:
                return start + offset
            offset -= end - start
        raise AssertionError("offset beyond the working day")

    def _at_start(self, offset: int) -> int:
        """Local time when ``offset`` (0..day-1) is used; boundary = next session start."""
        for start, end in self._spans:
            if offset < end - start:
                return start + offset
            offset -= end - start
        raise AssertionError("offset beyond the working day")

    @staticmethod
    def _split(moment: dt.datetime) -> tuple[int, int]:
        local = _local(moment)
        t = (
            (local.hour * 60 + local.minute) * 60 + local.second
        ) * _US + local.microsecond
        return local.toordinal(), t

    @staticmethod
    def _join(ordinal: int, t: int) -> dt.datetime:
        d = dt.date.fromordinal(ordinal)
        seconds, micro = divmod(t, _US)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return dt.datetime(
            d.year, d.month, d.day, hour, minute, second, micro, tzinfo=TZ
        )

    # ----- moments -------------------------------------------------------------------

    def is_working_time(self, moment: dt.datetime) -> bool:
        """True if ``moment`` is inside office hours of a working day."""
        ordinal, t = self._split(moment)
        return self._is_working(ordinal) and any(a <= t < b for a, b in self._spans)

    def next_working_moment(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself if in office hours, else the start of the next session."""
        ordinal, t = self._split(moment)
        if self._is_working(ordinal):
            offset = self._offset(t)
            if offset < self._day_us:
                return self._join(ordinal, self._at_start(offset))
        return self._join(self._nth_after(ordinal, 1), self._spans[0][0])

    def _shift(self, moment: dt.datetime, micros: int) -> dt.datetime:
        if micros == 0:
            return self.next_working_moment(moment)
        ordinal, t = self._split(moment)
        day = self._day_us
        if micros > 0:
            if self._is_working(ordinal):
                offset = self._offset(t)
                if micros <= day - offset:
                    return self._join(ordinal, self._at_end(offset + micros))
                micros -= day - offset
            full, rest = divmod(micros - 1, day)
            return self._join(
                self._nth_after(ordinal, full + 1), self._at_end(rest + 1)
            )
        micros = -micros
        if self._is_working(ordinal):
            offset = self._offset(t)
            if micros <= offset:
                return self._join(ordinal, self._at_start(offset - micros))
            micros -= offset
        full, rest = divmod(micros - 1, day)
        return self._join(
            self._nth_before(ordinal, full + 1), self._at_start(day - rest - 1)
        )

    def add_working_seconds(
        self, start: dt.datetime, seconds: int | Decimal
    ) -> dt.datetime:
        """Moment when ``seconds`` of office time have elapsed after ``start``.

        Negative ``seconds`` go backwards (lands on a session start at a boundary).
        """
        micros = (
            Decimal(seconds) * _US if isinstance(seconds, Decimal) else seconds * _US
        )
        return self._shift(start, int(Decimal(micros).to_integral_value(ROUND_HALF_UP)))

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """Due date of a dossier received at ``start`` with processing time ``duration``."""
        if duration.unit is not DurationUnit.CALENDAR_DAY:
            return self._shift(start, self.budget_seconds(duration) * _US)
        received, _ = self._split(self.next_working_moment(start))
        last = received + int(duration.amount)
        if not self._is_working(last):
            last = self._nth_after(last, 1)
        return self._join(last, self._spans[-1][1])

    def _between(self, a: dt.datetime, b: dt.datetime) -> int:
        oa, ta = self._split(a)
        ob, tb = self._split(b)
        if (oa, ta) > (ob, tb):
            return -self._between(b, a)
        if oa == ob:
            return self._offset(tb) - self._offset(ta) if self._is_working(oa) else 0
        first = self._day_us - self._offset(ta) if self._is_working(oa) else 0
        last = self._offset(tb) if self._is_working(ob) else 0
        return first + self._count(oa + 1, ob) * self._day_us + last

    def working_time_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Office time between ``a`` and ``b`` (negative if ``b < a``)."""
        return dt.timedelta(microseconds=self._between(a, b))

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Office seconds between ``a`` and ``b``, truncated toward zero; negative if b < a."""
        micros = self._between(a, b)
        return micros // _US if micros >= 0 else -(-micros // _US)

    def working_seconds_in(
        self, intervals: Iterable[tuple[dt.datetime, dt.datetime]]
    ) -> int:
        """Office seconds used by several ``(start, end)`` intervals (e.g. between pauses)."""
        micros = sum(self._between(a, b) for a, b in intervals)
        return micros // _US if micros >= 0 else -(-micros // _US)

    # ----- pauses --------------------------------------------------------------------

    def remaining_working_seconds(self, due: dt.datetime, at: dt.datetime) -> int:
        """Office seconds left before ``due`` at moment ``at`` (negative when overdue)."""
        return self.working_seconds_between(at, due)

    def resume(
        self, remaining_seconds: int | Decimal, resumed_at: dt.datetime
    ) -> dt.datetime:
        """New due date when the clock restarts at ``resumed_at`` with this budget left."""
        return self.add_working_seconds(resumed_at, remaining_seconds)

    def due_after_pause(
        self, due: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
    ) -> dt.datetime:
        """Due date moved by a pause (supplement request...): office time paused is not used."""
        return self._shift(resumed_at, self._between(paused_at, due))
