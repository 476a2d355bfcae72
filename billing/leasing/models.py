"""Leasing fees (public schema): contracts, invoices (their transitions audited), payments, dunning, the
platform ledger."""

from __future__ import annotations

from django.db import models

from core.audit.append_only import AppendOnly


class LeaseContract(models.Model):
    class Cycle(models.TextChoices):
        MONTH = "month", "Theo tháng"
        YEAR = "year", "Theo năm"

    class Plan(models.TextChoices):
        BASIC = "basic", "Cơ bản"
        STANDARD = "standard", "Tiêu chuẩn"
        PROVINCE = "province", "Cấp tỉnh (đầy đủ)"

    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="lease_contracts")
    number = models.CharField("số hợp đồng", max_length=50, unique=True)
    plan = models.CharField("gói dịch vụ", max_length=16, choices=Plan.choices, default=Plan.STANDARD)
    price_vnd = models.BigIntegerField("đơn giá trước thuế (VND/kỳ)")
    cycle = models.CharField("kỳ thanh toán", max_length=8, choices=Cycle.choices, default=Cycle.MONTH)
    vat_percent = models.DecimalField("thuế GTGT (%)", max_digits=5, decimal_places=2, default=10)
    start_date = models.DateField("ngày bắt đầu")
    end_date = models.DateField("ngày kết thúc")
    payment_terms_days = models.PositiveSmallIntegerField("hạn thanh toán (ngày)", default=15)
    suspension_hold = models.BooleanField("tạm hoãn ngừng dịch vụ khi nợ quá hạn", default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hợp đồng thuê dịch vụ"
        verbose_name_plural = "hợp đồng thuê dịch vụ"
        constraints = [
            models.CheckConstraint(condition=models.Q(price_vnd__gt=0), name="leasing_price_positive"),
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")),
                                   name="leasing_term_ordered"),
            models.CheckConstraint(condition=models.Q(vat_percent__gte=0) & models.Q(vat_percent__lte=100),
                                   name="leasing_vat_range"),
            models.UniqueConstraint(fields=["tenant"], condition=models.Q(is_active=True),
                                    name="leasing_one_active_contract"),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.tenant}"

    @property
    def mrr_vnd(self) -> int:
        return self.price_vnd if self.cycle == self.Cycle.MONTH else round(self.price_vnd / 12)


class InvoiceCounter(models.Model):
    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class Invoice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "issued", "Chờ thanh toán"
        PAID = "paid", "Đã thanh toán"
        VOID = "void", "Đã huỷ"

    contract = models.ForeignKey(LeaseContract, on_delete=models.PROTECT, related_name="invoices")
    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField("số hoá đơn", max_length=30, unique=True)
    period_start = models.DateField()
    period_end = models.DateField()
    issue_date = models.DateField()
    due_date = models.DateField()
    subtotal_vnd = models.BigIntegerField()
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    vat_vnd = models.BigIntegerField()
    total_vnd = models.BigIntegerField()
    usage = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ISSUED, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hoá đơn"
        verbose_name_plural = "hoá đơn"
        ordering = ["-period_start", "tenant_id"]
        constraints = [
            # Running the invoice run twice for a period makes no duplicate.
            models.UniqueConstraint(fields=["contract", "period_start"], name="leasing_invoice_once_per_period"),
            models.CheckConstraint(condition=models.Q(total_vnd=models.F("subtotal_vnd") + models.F("vat_vnd")),
                                   name="leasing_invoice_total"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def paid_vnd(self) -> int:
        return sum(p.amount_vnd for p in self.payments.all())


class InvoiceEvent(AppendOnly):
    """One transition of an invoice (audit); the transitions are in ``billing.leasing.transitions``."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=8)
    to_status = models.CharField(max_length=8)
    source = models.CharField(max_length=16)  # operator | system
    actor = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class InvoicePayment(models.Model):
    class Method(models.TextChoices):
        BANK_TRANSFER = "bank_transfer", "Chuyển khoản ngân hàng"
        VNPAY = "vnpay", "VNPay"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=16, choices=Method.choices)
    amount_vnd = models.BigIntegerField()
    reference = models.CharField("số tham chiếu giao dịch", max_length=100)
    received_on = models.DateField()
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_vnd__gt=0), name="leasing_payment_positive"),
            models.UniqueConstraint(fields=["method", "reference"], name="leasing_payment_reference_once"),
        ]


class DunningEvent(AppendOnly):
    class Kind(models.TextChoices):
        REMINDER_1 = "reminder_1", "Nhắc nợ lần 1"
        REMINDER_2 = "reminder_2", "Nhắc nợ lần 2"
        SUSPENDED = "suspended", "Tạm ngừng dịch vụ"
        HELD = "held", "Hoãn tạm ngừng (vận hành quyết định)"
        REACTIVATED = "reactivated", "Mở lại dịch vụ"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dunning")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["invoice", "kind"], name="leasing_dunning_once")]


class PlatformLedgerEntry(AppendOnly):
    class Kind(models.TextChoices):
        INVOICE_ISSUED = "invoice_issued", "Phát hành hoá đơn"
        INVOICE_PAID = "invoice_paid", "Thu tiền hoá đơn"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    tenant = models.ForeignKey("tenancy.Tenant", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="ledger_entries")
    payment = models.OneToOneField(InvoicePayment, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="ledger_entry")
    amount_vnd = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["invoice"], condition=models.Q(kind="invoice_issued"),
                                               name="leasing_ledger_issued_once")]
