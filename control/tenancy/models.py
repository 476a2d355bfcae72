"""The tenant registry (public schema): one row and one PostgreSQL schema per province or district.

``Tenant.status`` changes only through ``control.tenancy.lifecycle.transition`` (its table there);
a tenant is suspended while any ``Hold`` on it stands, and ``resume_status`` keeps what it goes back to.
"""

from __future__ import annotations

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from control.tenancy.routing_cache import routing_changed
from core.audit.append_only import AppendOnly


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
    # The status it had before its first standing hold: what it resumes to once the last one is lifted.
    resume_status = models.CharField("trạng thái khi hết tạm ngừng", max_length=16, blank=True,
                                     choices=[(Status.TRIAL, Status.TRIAL.label), (Status.ACTIVE, Status.ACTIVE.label)])
    contact_email = models.EmailField("thư điện tử liên hệ", blank=True)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = "đơn vị thuê"
        verbose_name_plural = "đơn vị thuê"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(status="suspended") & models.Q(resume_status__in=["trial", "active"]))
                | (~models.Q(status="suspended") & models.Q(resume_status="")),
                name="tenancy_suspended_knows_resume_status",
            ),
        ]

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


class Hold(models.Model):
    """One reason a tenant is suspended. Lifted (once) only by the kind of thing that placed it."""

    class Kind(models.TextChoices):
        DUNNING = "dunning", "Nợ quá hạn"
        OPERATOR = "operator", "Vận hành quyết định"
        SECURITY = "security", "Sự cố an ninh"
        OFFBOARDING = "offboarding", "Chấm dứt thuê dịch vụ"

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="holds")
    kind = models.CharField("loại", max_length=16, choices=Kind.choices)
    reason = models.TextField("lý do", blank=True)
    placed_by = models.CharField("người đặt", max_length=150)
    placed_at = models.DateTimeField("thời điểm đặt", auto_now_add=True)
    lifted_by = models.CharField("người gỡ", max_length=150, blank=True)
    lifted_at = models.DateTimeField("thời điểm gỡ", null=True, blank=True)

    class Meta:
        verbose_name = "lệnh tạm ngừng"
        verbose_name_plural = "lệnh tạm ngừng"
        ordering = ["placed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "kind"], condition=models.Q(lifted_at__isnull=True),
                                    name="tenancy_one_standing_hold_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.tenant_id}"


class TenantEvent(AppendOnly):
    """The audit of ``Tenant.status``: one row per transition, naming the hold that caused it."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=Tenant.Status.choices)
    to_status = models.CharField(max_length=16, choices=Tenant.Status.choices)
    hold = models.CharField(max_length=16, choices=Hold.Kind.choices, blank=True)
    actor = models.CharField("người thực hiện", max_length=150)
    reason = models.TextField("lý do", blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "thay đổi trạng thái đơn vị thuê"
        verbose_name_plural = "thay đổi trạng thái đơn vị thuê"
        ordering = ["at", "id"]
