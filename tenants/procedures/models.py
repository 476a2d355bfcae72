"""A tenant's procedure catalogue: cloned from the national master at onboarding, then customised."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Field(models.Model):
    """Lĩnh vực: a field (sector) of procedures."""

    code = models.CharField("mã lĩnh vực", max_length=50, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    class ProcessingUnit(models.TextChoices):
        WORKING_DAY = "working_day", "ngày làm việc"
        CALENDAR_DAY = "calendar_day", "ngày"
        HOUR = "hour", "giờ làm việc"

    class OnlineLevel(models.TextChoices):
        NONE = "none", "Chỉ cung cấp thông tin"
        PARTIAL = "partial", "Một phần"
        FULL = "full", "Toàn trình"

    code = models.CharField("mã thủ tục", max_length=50, unique=True)
    name = models.CharField("tên thủ tục", max_length=2000)
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures", verbose_name="lĩnh vực")
    levels = ArrayField(models.CharField(max_length=16), default=list, verbose_name="cấp thực hiện")
    agency_kind = models.CharField("cơ quan thực hiện", max_length=40, blank=True)
    agency_name = models.CharField("tên cơ quan thực hiện", max_length=2000, blank=True)
    processing_amount = models.DecimalField("thời hạn giải quyết", max_digits=8, decimal_places=2)
    processing_unit = models.CharField("đơn vị thời hạn", max_length=16, choices=ProcessingUnit.choices)
    online_level = models.CharField("mức độ trực tuyến", max_length=10, choices=OnlineLevel.choices,
                                    default=OnlineLevel.PARTIAL)
    applicant_kinds = ArrayField(models.CharField(max_length=16), default=list, verbose_name="đối tượng")
    results = models.JSONField("kết quả", default=list, blank=True)
    legal_basis = models.JSONField("căn cứ pháp lý", default=list, blank=True)
    sample = models.BooleanField("dữ liệu mẫu", default=False)

    enabled = models.BooleanField("đang áp dụng", default=False, db_index=True)
    handling_units = models.ManyToManyField("organization.Unit", blank=True, related_name="procedures",
                                            verbose_name="đơn vị giải quyết")
    # Link to the national master copy, for "update available".
    master_version = models.PositiveIntegerField("phiên bản gốc", default=1)
    master_hash = models.CharField(max_length=64, blank=True)
    locally_changed = ArrayField(models.CharField(max_length=40), default=list, blank=True,
                                 verbose_name="trường đã sửa tại địa phương")
    # The master content the tenant declined ("update available" hidden until the master changes again).
    declined_master_hash = models.CharField(max_length=64, blank=True)
    # Folded text for search (tenants.procedures.search): kept by save() and by the services that write
    # procedures in bulk (procedures_search_refresh). Indexed by migration 0004 (GIN trigram or full-text).
    search_name = models.TextField("tên không dấu", blank=True, default="", db_default="", editable=False)
    search_text = models.TextField("nội dung không dấu", blank=True, default="", db_default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SEARCH_SOURCES = frozenset({"name", "code", "field", "field_id", "agency_name", "results"})

    class Meta:
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.search_columns_fill()
        elif self.SEARCH_SOURCES & set(update_fields):
            self.search_columns_fill()
            kwargs["update_fields"] = {*update_fields, "search_name", "search_text"}
        super().save(*args, **kwargs)

    def search_columns_fill(self) -> None:
        from tenants.procedures.search import search_columns

        field_name = self.field.name if self.field_id else ""
        self.search_name, self.search_text = search_columns(
            name=self.name, code=self.code, field_name=field_name, agency_name=self.agency_name,
            results=self.results)


class Fee(models.Model):
    """Phí, lệ phí of a procedure. ``amount_vnd`` None: not fixed nationally (see legal_text); 0: free."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField("tên khoản", max_length=500)
    kind = models.CharField("loại", max_length=10, default="charge")
    amount_vnd = models.BigIntegerField("số tiền (VND)", null=True, blank=True)
    legal_text = models.TextField("căn cứ mức thu", blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "position"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_vnd__gte=0) | models.Q(amount_vnd=None),
                                              name="fee_amount_not_negative")]


class RequiredDocument(models.Model):
    """Thành phần hồ sơ."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    name = models.TextField("tên giấy tờ")
    originals = models.PositiveSmallIntegerField("bản chính", default=1)
    copies = models.PositiveSmallIntegerField("bản sao", default=0)
    form_template_code = models.CharField("mã mẫu đơn", max_length=100, blank=True)
    form_template_name = models.CharField("tên mẫu đơn", max_length=500, blank=True)
    # The blank form itself, uploaded by the tenant (the national data carries no files): staff and
    # citizens download it. Stored under a random name; the original name is kept for the download.
    # (db_default: provisioning copies documents with INSERT ... SELECT, which does not name these columns)
    form_template_file = models.FileField("tệp mẫu đơn", upload_to="mau-don/", max_length=200, blank=True,
                                          default="", db_default="")
    form_template_filename = models.CharField("tên tệp mẫu đơn", max_length=200, blank=True, default="",
                                              db_default="")
    optional = models.BooleanField("không bắt buộc", default=False)
    group = models.CharField("nhóm", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "position"]


class LifeEvent(models.Model):
    """Sự kiện: a moment of life (birth, marriage, building a house...) grouping the procedures it needs.
    Seeded at onboarding (services.life_events_seed), edited by the tenant's administrator."""

    slug = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên sự kiện", max_length=200)
    description = models.TextField("mô tả", blank=True)
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    procedures = models.ManyToManyField(Procedure, blank=True, related_name="life_events", verbose_name="thủ tục")

    class Meta:
        verbose_name = "sự kiện"
        verbose_name_plural = "sự kiện"
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name
