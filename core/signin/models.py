"""The sign-in audit log: lock-outs, second-factor failures and enrolments, recovery codes, password resets,
idle sign-outs. One table in every schema (the platform's and each tenant's): a tenant's events stay in it."""

from __future__ import annotations

from django.db import models

from core.audit.append_only import AppendOnly


class SignInEvent(AppendOnly):
    """One security event of a sign-in. Append-only (a database trigger refuses UPDATE and DELETE too)."""

    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", "Tạm khóa do đăng nhập sai nhiều lần"
        OTP_FAILED = "otp_failed", "Mã xác thực sai"
        OTP_ENROLLED = "otp_enrolled", "Đăng ký ứng dụng xác thực"
        RECOVERY_USED = "recovery_used", "Dùng mã dự phòng"
        RECOVERY_RENEWED = "recovery_renewed", "Tạo lại mã dự phòng"
        RESET_REQUESTED = "reset_requested", "Yêu cầu đặt lại mật khẩu"
        RESET_DONE = "reset_done", "Đã đặt lại mật khẩu"
        IDLE_SIGNED_OUT = "idle_signed_out", "Tự đăng xuất do không thao tác"

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    kind = models.CharField("sự kiện", max_length=20, choices=Kind.choices)
    username = models.CharField("tên đăng nhập", max_length=150, blank=True, db_index=True)
    user_id = models.BigIntegerField("mã tài khoản", null=True, blank=True)  # no FK: the log outlives accounts
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    path = models.CharField("trang", max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "nhật ký đăng nhập"
        verbose_name_plural = "nhật ký đăng nhập"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.username}"
