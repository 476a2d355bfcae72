"""A tenant's working calendar: office hours and its own days off / make-up days.

Public holidays come from the ``holidays`` package (see ``workingtime.py``); a tenant adds
announced days off and make-up working days here.
"""

from __future__ import annotations

from django.db import models

from tenants.calendar.cache import calendar_changed


def default_sessions() -> list[list[str]]:
    return [["07:30", "11:30"], ["13:30", "17:00"]]


def default_weekend() -> list[int]:
    return [5, 6]


class _ClearsCalendarCache(models.Model):
    """Saving or deleting a calendar row clears this process's cached calendar of the schema."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().save(*args, **kwargs)
        calendar_changed()

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        result = super().delete(*args, **kwargs)
        calendar_changed()
        return result


class CalendarSettings(_ClearsCalendarCache):
    """One row per tenant schema."""

    sessions = models.JSONField("giờ làm việc", default=default_sessions)
    weekend = models.JSONField("ngày nghỉ hằng tuần (0=Thứ Hai)", default=default_weekend)
    confirmed_from_year = models.PositiveSmallIntegerField("lịch đã xác nhận từ năm", null=True, blank=True)
    confirmed_to_year = models.PositiveSmallIntegerField("đến năm", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "lịch làm việc"


class CalendarException(_ClearsCalendarCache):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "Ngày nghỉ do địa phương công bố"
        MAKEUP = "makeup", "Ngày làm bù"

    date = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    reason = models.CharField("lý do", max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ngày nghỉ/làm bù"
        ordering = ["date"]
