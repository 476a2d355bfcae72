"""Dossier codes: the pattern (per tenant or per unit) and gap-free counters; office settings."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from tenants.calendar.workingtime import Duration


class CodeSettings(models.Model):
    """Pattern of dossier codes. ``unit`` empty: the tenant's default; a unit may have its own.

    Tokens: ``{agency}`` (agency code of the receiving unit), ``{procedure}``, ``{yyyy}``, ``{yy}``,
    ``{mm}``, ``{dd}``, ``{yymmdd}``, ``{seq}`` / ``{seq:N}`` (counter, N digits).
    """

    class Reset(models.TextChoices):
        DAILY = "daily", "Hằng ngày"
        MONTHLY = "monthly", "Hằng tháng"
        YEARLY = "yearly", "Hằng năm"
        NEVER = "never", "Không đặt lại"

    class Scope(models.TextChoices):
        UNIT = "unit", "Theo đơn vị tiếp nhận"
        PROCEDURE = "procedure", "Theo thủ tục"
        TENANT = "tenant", "Toàn tỉnh"

    unit = models.OneToOneField("organization.Unit", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="code_settings")
    pattern = models.CharField("mẫu mã hồ sơ", max_length=120, default="{agency}-{yymmdd}-{seq:4}")
    reset = models.CharField("đặt lại bộ đếm", max_length=10, choices=Reset.choices, default=Reset.DAILY)
    scope = models.CharField("phạm vi bộ đếm", max_length=10, choices=Scope.choices, default=Scope.UNIT)
    result_pattern = models.CharField("mẫu mã kết quả", max_length=120, default="KQ-{agency}-{yyyy}-{seq:6}")

    class Meta:
        verbose_name = "mẫu mã hồ sơ"
        constraints = [models.UniqueConstraint(fields=["unit"], condition=models.Q(unit__isnull=True),
                                               name="codesettings_one_default")]


class CodeCounter(models.Model):
    """One row per counter and period; incremented inside the reception's transaction (gap-free)."""

    key = models.CharField(max_length=200)
    period = models.CharField(max_length=10)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "period"], name="codecounter_unique")]


class OfficeSettings(models.Model):
    """One row per tenant: near-due threshold and the numbering of the forms."""

    class NearDueUnit(models.TextChoices):
        WORKING_DAY = "working_day", "ngày làm việc"
        HOUR = "hour", "giờ làm việc"

    # The amount of the near-due threshold, in ``near_due_unit`` (named when only days existed).
    near_due_working_days = models.DecimalField("sắp đến hạn (ngày làm việc)", max_digits=4, decimal_places=2,
                                                default=Decimal(1))
    near_due_unit = models.CharField("đơn vị thời gian sắp đến hạn", max_length=12, choices=NearDueUnit.choices,
                                     default=NearDueUnit.WORKING_DAY)
    control_sheet_form_no = models.CharField("số mẫu phiếu kiểm soát", max_length=10, default="05")
    register_form_no = models.CharField("số mẫu sổ theo dõi", max_length=10, default="06")
    upload_max_mb = models.PositiveSmallIntegerField("dung lượng tệp tối đa (MB)", default=10)

    class Meta:
        verbose_name = "cấu hình một cửa"

    def near_due_duration(self) -> Duration:
        return Duration(Decimal(self.near_due_working_days), self.near_due_unit or self.NearDueUnit.WORKING_DAY)
