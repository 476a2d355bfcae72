"""Citizens' fee payments (tenant schema).

* ``MerchantTerminal``: the tenant's own terminal per provider (the HashSecret encrypted at rest).
* ``PaymentRequest``: what is owed for one subject (a dossier), at most one open per subject.
* ``Payment``: one attempt at the gateway (``txn_ref``); its outcome comes from the IPN (or querydr).
* ``PaymentEvent``, ``PaymentRequestEvent``, ``RefundEvent``: the audit trail of every transition
  (append-only); the transitions themselves are in ``billing.fees.transitions``.
* ``GatewayExchange``: every raw exchange with a gateway (append-only); of the notifications whose
  signature does not verify (anyone can send them), only a few samples an hour.
* ``RefusedNotifications``: how many such notifications came, one row per provider and hour.
* ``Refund``, ``LedgerEntry`` (append-only money movements), ``ManualCase`` (alerts for a human).
"""

from __future__ import annotations

from django.db import models

from core.audit.append_only import AppendOnly, AppendOnlyError


class Provider(models.TextChoices):
    VNPAY = "vnpay", "VNPay"
    PAYGOV = "paygov", "Nền tảng thanh toán Cổng DVC quốc gia (PayGov)"


class MerchantTerminal(models.Model):
    provider = models.CharField("cổng thanh toán", max_length=16, choices=Provider.choices, unique=True)
    tmn_code = models.CharField("mã terminal (TmnCode)", max_length=32)
    hash_secret_encrypted = models.TextField("khoá bí mật (đã mã hoá)")
    pay_url = models.URLField("địa chỉ trang thanh toán", blank=True,
                              help_text="Để trống: dùng cấu hình chung (VNPAY_PAY_URL).")
    api_url = models.URLField("địa chỉ API (querydr, hoàn tiền)", blank=True,
                              help_text="Để trống: dùng cấu hình chung (VNPAY_API_URL).")
    is_active = models.BooleanField("đang dùng", default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = "terminal thanh toán"
        verbose_name_plural = "terminal thanh toán"

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.tmn_code}"


class PaymentRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Chờ thanh toán"
        PAID = "paid", "Đã thanh toán"
        CANCELLED = "cancelled", "Đã huỷ"
        REFUNDED = "refunded", "Đã hoàn tiền"

    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    reference = models.CharField("mã hồ sơ", max_length=100)
    amount_vnd = models.BigIntegerField("số tiền (VND)")
    description = models.CharField("nội dung", max_length=500)
    procedure_id = models.BigIntegerField(null=True, blank=True)
    procedure_name = models.CharField("thủ tục", max_length=500, blank=True)
    unit_id = models.BigIntegerField(null=True, blank=True)
    unit_name = models.CharField("đơn vị", max_length=255, blank=True)
    status = models.CharField("trạng thái", max_length=16, choices=Status.choices, default=Status.OPEN)
    # The citizen reaches the pay page through this unguessable token (no login needed).
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "yêu cầu thanh toán"
        verbose_name_plural = "yêu cầu thanh toán"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="fees_request_amount_positive"),
            models.UniqueConstraint(fields=["subject_type", "subject_id"], condition=models.Q(status="open"),
                                    name="fees_request_one_open_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.amount_vnd:,} đ"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Đang chờ cổng thanh toán"
        SUCCEEDED = "succeeded", "Thành công"
        FAILED = "failed", "Không thành công"
        CANCELED = "canceled", "Người nộp huỷ"
        EXPIRED = "expired", "Hết hạn"
        PARTIALLY_REFUNDED = "partially_refunded", "Đã hoàn một phần"
        REFUNDED = "refunded", "Đã hoàn toàn bộ"

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=16, choices=Provider.choices, default=Provider.VNPAY)
    txn_ref = models.CharField("mã giao dịch", max_length=100, unique=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    amount_vnd = models.BigIntegerField("số tiền (VND)")
    status = models.CharField("trạng thái", max_length=24, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    pay_url = models.TextField(blank=True)
    gateway_created = models.CharField("thời điểm tạo tại cổng", max_length=14, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    transaction_no = models.CharField("mã giao dịch tại cổng", max_length=40, blank=True)
    bank_code = models.CharField(max_length=20, blank=True)
    response_code = models.CharField(max_length=4, blank=True)
    confirmed_via = models.CharField(max_length=16, blank=True)  # ipn | querydr
    refunded_vnd = models.BigIntegerField(default=0)
    ip_addr = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    succeeded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giao dịch thanh toán"
        verbose_name_plural = "giao dịch thanh toán"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="fees_payment_amount_positive"),
            models.CheckConstraint(condition=models.Q(refunded_vnd__gte=0)
                                   & models.Q(refunded_vnd__lte=models.F("amount_vnd")),
                                   name="fees_payment_refund_within_amount"),
        ]

    def __str__(self) -> str:
        return self.txn_ref

    @property
    def refundable_vnd(self) -> int:
        return self.amount_vnd - self.refunded_vnd


class PaymentEvent(AppendOnly):
    """One transition of a payment (audit)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=24)
    to_status = models.CharField(max_length=24)
    source = models.CharField(max_length=16)  # ipn | querydr | staff | system
    actor = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class PaymentRequestEvent(AppendOnly):
    """One transition of a payment request (audit)."""

    request = models.ForeignKey(PaymentRequest, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    source = models.CharField(max_length=16)  # ipn | querydr | staff | system
    actor = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class GatewayExchange(AppendOnly):
    """A raw request/response with a gateway, as it went over the wire."""

    provider = models.CharField(max_length=16, choices=Provider.choices)
    kind = models.CharField(max_length=32)  # checkout.create | ipn | return | querydr | refund
    txn_ref = models.CharField(max_length=100, blank=True, db_index=True)
    request = models.JSONField(default=dict)
    response = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]


class RefusedNotifications(models.Model):
    """Notifications (IPN) refused for a bad signature, counted per provider and hour: anyone can send
    them, so they are not kept one by one (``SAMPLES_PER_HOUR`` of them are kept as raw exchanges)."""

    SAMPLES_PER_HOUR = 5

    provider = models.CharField(max_length=16, choices=Provider.choices)
    hour = models.DateTimeField("giờ")
    count = models.BigIntegerField("số thông báo bị từ chối", default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        verbose_name = "thông báo sai chữ ký (theo giờ)"
        verbose_name_plural = "thông báo sai chữ ký (theo giờ)"
        ordering = ["-hour"]
        constraints = [models.UniqueConstraint(fields=["provider", "hour"], name="fees_refused_one_row_per_hour")]


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Đang xử lý"
        SUCCEEDED = "succeeded", "Đã hoàn"
        FAILED = "failed", "Bị từ chối"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_vnd = models.BigIntegerField("số tiền hoàn (VND)")
    reason = models.TextField("lý do")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    gateway_id = models.CharField(max_length=64, blank=True)
    gateway_message = models.TextField(blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="fees_refund_positive")]

    def __str__(self) -> str:
        return f"#{self.pk}"


class RefundEvent(AppendOnly):
    """One transition of a refund (audit)."""

    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    source = models.CharField(max_length=16)  # staff | system
    actor = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class LedgerEntry(AppendOnly):
    """A money movement of the tenant's fee collection (signed VND: + received, - refunded)."""

    class Kind(models.TextChoices):
        FEE_PAID = "fee_paid", "Thu phí, lệ phí"
        FEE_REFUNDED = "fee_refunded", "Hoàn phí, lệ phí"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger_entries")
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="ledger_entry")
    amount_vnd = models.BigIntegerField()
    reference = models.CharField(max_length=100)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # A payment is received once, whatever the number of IPNs.
            models.UniqueConstraint(fields=["payment"], condition=models.Q(kind="fee_paid"),
                                    name="fees_ledger_one_paid_per_payment"),
        ]


class ManualCase(models.Model):
    """Something a human must look at: wrong amount, paid twice, paid after cancel..."""

    class Kind(models.TextChoices):
        AMOUNT_MISMATCH = "amount_mismatch", "Số tiền không khớp"
        DUPLICATE_PAYMENT = "duplicate_payment", "Nộp tiền hai lần"
        LATE_SUCCESS = "late_success", "Thanh toán thành công sau khi đã đóng"
        REFUND_FAILED = "refund_failed", "Hoàn tiền bị từ chối"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    txn_ref = models.CharField(max_length=100, db_index=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="manual_cases")
    details = models.JSONField(default=dict)
    resolved = models.BooleanField(default=False)
    resolved_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


def request_amount_label(amount_vnd: int) -> str:
    return f"{amount_vnd:,}".replace(",", ".") + " đ"


__all__ = [
    "AppendOnlyError", "GatewayExchange", "LedgerEntry", "ManualCase", "MerchantTerminal", "Payment",
    "PaymentEvent", "PaymentRequest", "PaymentRequestEvent", "Provider", "Refund", "RefundEvent",
    "RefusedNotifications",
]
