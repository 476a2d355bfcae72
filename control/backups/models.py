"""The backups taken of each tenant (public schema): one row per archive kept on disk."""

from __future__ import annotations

from django.db import models


class Backup(models.Model):
    """An archive of one tenant (schema dump, files, manifest), verified after it was written."""

    tenant = models.ForeignKey("tenancy.Tenant", null=True, on_delete=models.SET_NULL, related_name="backups",
                               verbose_name="đơn vị thuê")
    slug = models.CharField("tên miền con", max_length=50)
    schema_name = models.CharField("schema", max_length=63)
    path = models.CharField("tệp lưu trữ", max_length=500, unique=True)
    size = models.BigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("mã băm tệp lưu trữ", max_length=64)
    tables = models.PositiveIntegerField("số bảng")
    rows = models.BigIntegerField("số dòng")
    files = models.PositiveIntegerField("số tệp")
    duration_ms = models.PositiveIntegerField("thời gian (ms)")
    created_at = models.DateTimeField("thời điểm sao lưu", db_index=True)
    verified = models.BooleanField("đã kiểm tra", default=False)
    verified_at = models.DateTimeField("kiểm tra lúc", null=True, blank=True)

    class Meta:
        verbose_name = "bản sao lưu"
        verbose_name_plural = "bản sao lưu"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="backup_tenant_created")]

    def __str__(self) -> str:
        return f"{self.slug} {self.created_at:%Y-%m-%d %H:%M}"
