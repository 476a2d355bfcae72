"""One user model, whose table exists in every schema.

In the public schema its rows are vendor operators; in a tenant's schema they are that
province's staff and citizens. A row in one schema means nothing in another, so an
account (and its session) can never open another tenant.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Kind(models.TextChoices):
        OPERATOR = "operator", "Nhân viên vận hành (nhà cung cấp)"
        STAFF = "staff", "Cán bộ, công chức"
        CITIZEN = "citizen", "Công dân, tổ chức"

    kind = models.CharField("loại tài khoản", max_length=16, choices=Kind.choices, default=Kind.STAFF)
    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username
