"""The national master catalogue (public schema), 1:1 with ``control.catalogue.records``.

Every change of a procedure's content creates a new version row (the old one stays, with
``is_current=False``), so a tenant that cloned version N can be shown a field-by-field
difference with the current version.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class MasterField(models.Model):
    """Lĩnh vực (field, sector) of the master catalogue."""

    code = models.CharField("mã lĩnh vực", max_length=50, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)
    sample = models.BooleanField("dữ liệu mẫu", default=False)

    class Meta:
        verbose_name = "lĩnh vực (danh mục gốc)"
        verbose_name_plural = "lĩnh vực (danh mục gốc)"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class MasterProcedure(models.Model):
    """One version of a procedure (thủ tục hành chính) of the master catalogue."""

    code = models.CharField("mã thủ tục", max_length=50, db_index=True)
    version = models.PositiveIntegerField("phiên bản", default=1)
    is_current = models.BooleanField("phiên bản hiện hành", default=True)
    name = models.CharField("tên thủ tục", max_length=2000)
    field = models.ForeignKey(MasterField, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực")
    levels = ArrayField(models.CharField(max_length=16), default=list, verbose_name="cấp thực hiện")
    agency_kind = models.CharField("loại cơ quan thực hiện", max_length=40)
    agency_name = models.CharField("tên cơ quan thực hiện", max_length=2000, blank=True)
    processing_amount = models.DecimalField("thời hạn giải quyết", max_digits=8, decimal_places=2)
    processing_unit = models.CharField("đơn vị thời hạn", max_length=16)
    online_level = models.CharField("mức độ trực tuyến", max_length=10, default="partial")
    applicant_kinds = ArrayField(models.CharField(max_length=16), default=list, verbose_name="đối tượng")
    results = models.JSONField("kết quả", default=list, blank=True)
    legal_basis = models.JSONField("căn cứ pháp lý", default=list, blank=True)
    sample = models.BooleanField("dữ liệu mẫu", default=False)
    needs_review = models.BooleanField("cần rà soát", default=False, db_index=True)
    review_reason = models.CharField("lý do cần rà soát", max_length=500, blank=True)
    effective_from = models.DateField("ngày hiệu lực", null=True, blank=True)
    content_hash = models.CharField("mã băm nội dung", max_length=64)
    source = models.CharField("nguồn", max_length=200, blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    class Meta:
        verbose_name = "thủ tục (danh mục gốc)"
        verbose_name_plural = "thủ tục (danh mục gốc)"
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="masterprocedure_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="masterprocedure_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} — {self.name}"


class MasterFee(models.Model):
    procedure = models.ForeignKey(MasterProcedure, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("tên khoản", max_length=500)
    kind = models.CharField("loại", max_length=10, default="charge")
    amount_vnd = models.BigIntegerField("số tiền (VND)", null=True, blank=True)
    legal_text = models.TextField("căn cứ mức thu", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_vnd__gte=0) | models.Q(amount_vnd=None), name="masterfee_amount_not_negative"
            )
        ]


class MasterDocument(models.Model):
    procedure = models.ForeignKey(MasterProcedure, on_delete=models.CASCADE, related_name="documents")
    name = models.TextField("tên giấy tờ")
    originals = models.PositiveSmallIntegerField("bản chính", default=1)
    copies = models.PositiveSmallIntegerField("bản sao", default=0)
    form_template_code = models.CharField("mã mẫu đơn", max_length=100, blank=True)
    form_template_name = models.CharField("tên mẫu đơn", max_length=500, blank=True)
    optional = models.BooleanField("không bắt buộc", default=False)
    group = models.CharField("nhóm", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "position"]


class CatalogueImport(models.Model):
    """Append-only journal of what was loaded into the master catalogue."""

    source = models.CharField("nguồn", max_length=300)
    created = models.PositiveIntegerField("thêm mới", default=0)
    updated = models.PositiveIntegerField("phiên bản mới", default=0)
    unchanged = models.PositiveIntegerField("không đổi", default=0)
    by = models.CharField("người thực hiện", max_length=150, blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "lần nạp danh mục"
        verbose_name_plural = "lần nạp danh mục"
        ordering = ["-at"]
