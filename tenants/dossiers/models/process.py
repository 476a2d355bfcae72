"""The internal process of a procedure, as data: versions of ordered steps.

Editing a process creates a new version; a dossier keeps the version it started with.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from tenants.organization.models import StaffRole


class ProcessVersion(models.Model):
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="process_versions")
    number = models.PositiveIntegerField("phiên bản")
    is_current = models.BooleanField("đang áp dụng", default=True)
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "quy trình nội bộ"
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="processversion_unique_number"),
            models.UniqueConstraint(fields=["procedure"], condition=models.Q(is_current=True),
                                    name="processversion_one_current"),
        ]

    def __str__(self) -> str:
        return f"Quy trình v{self.number} — {self.procedure_id}"


class ProcessStep(models.Model):
    class UnitMode(models.TextChoices):
        ONE_STOP = "one_stop", "Bộ phận Một cửa nơi tiếp nhận"
        HANDLING = "handling", "Đơn vị giải quyết của hồ sơ"
        FIXED = "fixed", "Đơn vị cố định"

    class BudgetUnit(models.TextChoices):
        HOUR = "hour", "giờ làm việc"
        WORKING_DAY = "working_day", "ngày làm việc"

    version = models.ForeignKey(ProcessVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("tên bước", max_length=255)
    role = models.CharField("vai trò", max_length=20, choices=StaffRole.Role.choices)
    unit_mode = models.CharField("đơn vị thực hiện", max_length=10, choices=UnitMode.choices,
                                 default=UnitMode.HANDLING)
    unit = models.ForeignKey("organization.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    budget_amount = models.DecimalField("thời gian", max_digits=7, decimal_places=2, default=Decimal(0))
    budget_unit = models.CharField("đơn vị thời gian", max_length=12, choices=BudgetUnit.choices,
                                   default=BudgetUnit.HOUR)
    actions = ArrayField(models.CharField(max_length=24), default=list, blank=True,
                         verbose_name="thao tác được phép")

    class Meta:
        verbose_name = "bước xử lý"
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="processstep_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
