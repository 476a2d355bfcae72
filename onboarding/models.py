"""The lease flow in the public schema: applications (sign-up → approval) and provisioning jobs."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class Application(models.Model):
    """A province's (or district's) request to lease the platform."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt, đang khởi tạo"
        PROVISIONED = "provisioned", "Đã khởi tạo"
        REJECTED = "rejected", "Bị từ chối"

    class Plan(models.TextChoices):
        BASIC = "basic", "Cơ bản (một cửa điện tử)"
        STANDARD = "standard", "Tiêu chuẩn (một cửa + DVC trực tuyến)"
        PREMIUM = "premium", "Nâng cao (kèm thanh toán trực tuyến, báo cáo)"

    kind = models.CharField("loại đơn vị", max_length=16, default="province")
    province_code = models.CharField("mã tỉnh, thành phố", max_length=8, blank=True)
    name = models.CharField("tên đơn vị", max_length=200)
    slug = models.SlugField("tên miền con", max_length=50)
    levels = ArrayField(models.CharField(max_length=16), default=list, verbose_name="cấp thủ tục")
    contact_name = models.CharField("người liên hệ", max_length=200)
    email = models.EmailField("thư điện tử")
    phone = models.CharField("điện thoại", max_length=20)
    plan = models.CharField("gói thuê", max_length=16, choices=Plan.choices, default=Plan.STANDARD)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    reject_reason = models.TextField("lý do từ chối", blank=True)
    decided_by = models.CharField("người duyệt", max_length=150, blank=True)
    decided_at = models.DateTimeField("thời điểm duyệt", null=True, blank=True)
    # Scheme and port the operator used, to build the tenant's links (e.g. http://…:8000).
    link_base = models.CharField(max_length=100, blank=True)
    tenant = models.OneToOneField("tenancy.Tenant", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="application")
    created_at = models.DateTimeField("ngày đăng ký", auto_now_add=True)

    class Meta:
        verbose_name = "đơn đăng ký thuê"
        verbose_name_plural = "đơn đăng ký thuê"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["province_code"],
                                    condition=~models.Q(status="rejected") & ~models.Q(province_code=""),
                                    name="application_one_open_per_province"),
            models.UniqueConstraint(fields=["slug"], condition=~models.Q(status="rejected"),
                                    name="application_one_open_per_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Provisioning(models.Model):
    """The provisioning job of an approved application: steps done, progress, last failure."""

    class State(models.TextChoices):
        PENDING = "pending", "Đang chờ"
        RUNNING = "running", "Đang chạy"
        DONE = "done", "Hoàn tất"
        FAILED = "failed", "Lỗi"

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="provisioning")
    schema_name = models.CharField(max_length=63)
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.PENDING)
    steps_done = ArrayField(models.CharField(max_length=20), default=list)
    current_step = models.CharField("bước hiện tại", max_length=20, blank=True)
    percent = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    error_step = models.CharField("bước lỗi", max_length=20, blank=True)
    error_message = models.TextField("lý do lỗi", blank=True)
    attempts = models.PositiveIntegerField("số lần chạy", default=0)
    timings = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "khởi tạo"
        verbose_name_plural = "khởi tạo"
