"""The outbox: one row per message (e-mail or SMS), sent once (idempotency key), after commit."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Thư điện tử"
        SMS = "sms", "Tin nhắn SMS"

    class Status(models.TextChoices):
        PENDING = "pending", "Chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi lỗi"

    key = models.CharField("khóa chống gửi trùng", max_length=200, unique=True)
    channel = models.CharField("kênh", max_length=10, choices=Channel.choices)
    recipient = models.CharField("người nhận", max_length=254)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung")
    status = models.CharField("trạng thái", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    backend = models.CharField(max_length=100, blank=True)
    dossier_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "thông báo"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status")]
