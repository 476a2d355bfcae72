"""A tenant's organisation: units (a tree) and the roles staff hold in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Unit(models.Model):
    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Sở, ban, ngành"
        PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân tỉnh"
        DISTRICT = "district", "Huyện, thị xã, thành phố thuộc tỉnh"
        COMMUNE = "commune", "Xã, phường, đặc khu"
        ONE_STOP = "one_stop", "Bộ phận Một cửa"
        OTHER = "other", "Đơn vị khác"

    name = models.CharField("tên đơn vị", max_length=255)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="đơn vị cấp trên")
    # Agency code used in dossier codes, e.g. 000.00.01.H22 (configurable per tenant).
    agency_code = models.CharField("mã cơ quan", max_length=50, blank=True)
    # Official code of the administrative division (communes/wards), from vietnam-provinces.
    division_code = models.CharField("mã đơn vị hành chính", max_length=16, blank=True, db_index=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["division_code"], condition=~models.Q(division_code=""),
                                    name="unit_division_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.Model):
    """A role a staff member holds in one unit. Every action checks the role in the dossier's unit."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Quản trị"
        RECEIVER = "receiver", "Tiếp nhận"
        PROCESSOR = "processor", "Thụ lý"
        APPROVER = "approver", "Phê duyệt (lãnh đạo)"
        RETURNER = "returner", "Trả kết quả"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_roles")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vai trò cán bộ"
        verbose_name_plural = "vai trò cán bộ"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="staffrole_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
