"""Append-only log of a tenant's configuration changes: who changed what, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.audit.append_only import AppendOnly


class ConfigChange(AppendOnly):
    """One configuration change (organisation, roles, calendar, procedures, processes, codes, thresholds).

    Append-only: no update or delete path, and a database trigger refuses them (migration 0001)."""

    class Area(models.TextChoices):
        ORGANIZATION = "organization", "Đơn vị, cán bộ và vai trò"
        CALENDAR = "calendar", "Lịch làm việc"
        PROCEDURE = "procedure", "Thủ tục, phí, mẫu đơn"
        PROCESS = "process", "Quy trình nội bộ"
        CODES = "codes", "Mẫu mã hồ sơ"
        THRESHOLDS = "thresholds", "Ngưỡng cảnh báo"

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField("người thực hiện", max_length=200, blank=True)
    area = models.CharField("nội dung", max_length=20, choices=Area.choices)
    summary = models.CharField("thay đổi", max_length=500)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "nhật ký cấu hình"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.summary
