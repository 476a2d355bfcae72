"""Append-only audit trail of what operators did in the console."""

from __future__ import annotations

from django.db import models


class OperatorAction(models.Model):
    """Who did what to which tenant or application. Rows are never changed nor deleted."""

    actor = models.CharField("người thực hiện", max_length=150)
    action = models.CharField("thao tác", max_length=40)
    target = models.CharField("đối tượng", max_length=200)
    application_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    tenant_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.TextField("chi tiết", blank=True)
    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "nhật ký vận hành"
        verbose_name_plural = "nhật ký vận hành"
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if self.pk is not None:
            raise ValueError("Nhật ký vận hành chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise ValueError("Nhật ký vận hành không được xoá.")


def record(*, actor: str, action: str, target: str, detail: str = "", application_id: int | None = None,
           tenant_id: int | None = None) -> OperatorAction:
    return OperatorAction.objects.create(actor=actor[:150], action=action, target=target[:200], detail=detail,
                                         application_id=application_id, tenant_id=tenant_id)
