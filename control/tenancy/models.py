"""The tenant registry (public schema): one row and one PostgreSQL schema per province or district."""

from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from control.tenancy.routing_cache import routing_changed


class Tenant(TenantMixin):
    class Kind(models.TextChoices):
        PROVINCE = "province", "Tỉnh, thành phố"
        DISTRICT = "district", "Huyện (triển khai cũ)"

    class Status(models.TextChoices):
        TRIAL = "trial", "Dùng thử"
        ACTIVE = "active", "Đang hoạt động"
        SUSPENDED = "suspended", "Tạm ngừng"
        OFFBOARDED = "offboarded", "Đã chấm dứt"

    name = models.CharField("tên", max_length=200)
    slug = models.SlugField("tên miền con", max_length=50, unique=True)
    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.PROVINCE)
    admin_code = models.CharField("mã đơn vị hành chính", max_length=16, blank=True)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.TRIAL)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = "đơn vị thuê"
        verbose_name_plural = "đơn vị thuê"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TRIAL, self.Status.ACTIVE)

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().save(*args, **kwargs)
        routing_changed()

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        result = super().delete(*args, **kwargs)
        routing_changed()
        return result


class Domain(DomainMixin):
    class Meta:
        verbose_name = "tên miền"
        verbose_name_plural = "tên miền"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().save(*args, **kwargs)
        routing_changed()

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        result = super().delete(*args, **kwargs)
        routing_changed()
        return result
