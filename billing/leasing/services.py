"""Writes of the leasing fees: contracts, the invoice run, payments, dunning (reminders, suspension)."""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.leasing.models import (
    DunningEvent,
    Invoice,
    InvoiceCounter,
    InvoicePayment,
    LeaseContract,
    PlatformLedgerEntry,
)
from billing.leasing.transitions import invoice_transition
from billing.leasing.usage import tenant_usage
from control.tenancy import interface as tenancy

DUNNING = "dunning"  # who places and lifts the dunning hold (the run, then the payment), in the tenant's log

logger = logging.getLogger(__name__)


class LeasingError(ValidationError):
    pass


def contract_create(
    *, tenant_id: int, number: str, price_vnd: int, start_date: date, end_date: date,
    cycle: str = LeaseContract.Cycle.MONTH, plan: str = LeaseContract.Plan.STANDARD,
    vat_percent: Decimal | int = 10, payment_terms_days: int = 15,
) -> LeaseContract:
    if isinstance(price_vnd, bool) or not isinstance(price_vnd, int) or price_vnd <= 0:
        raise LeasingError("Đơn giá phải là số nguyên VND lớn hơn 0.")
    if end_date <= start_date:
        raise LeasingError("Ngày kết thúc phải sau ngày bắt đầu.")
    if not 0 <= Decimal(vat_percent) <= 100:
        raise LeasingError("Thuế GTGT phải từ 0 đến 100%.")
    with transaction.atomic():
        LeaseContract.objects.filter(tenant_id=tenant_id, is_active=True).update(is_active=False)
        return LeaseContract.objects.create(
            tenant_id=tenant_id, number=number, plan=plan, price_vnd=price_vnd, cycle=cycle, vat_percent=vat_percent,
            start_date=start_date, end_date=end_date, payment_terms_days=payment_terms_days,
        )


def contract_set_hold(*, contract_id: int, hold: bool) -> LeaseContract:
    LeaseContract.objects.filter(pk=contract_id).update(suspension_hold=hold)
    return LeaseContract.objects.get(pk=contract_id)


def vat_of(subtotal_vnd: int, vat_percent: Decimal) -> int:
    return int((Decimal(subtotal_vnd) * Decimal(vat_percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def period_for(contract: LeaseContract, on: date) -> tuple[date, date] | None:
    """The billing period of ``contract`` containing ``on`` (calendar month, or contract year)."""
    if not contract.start_date <= on <= contract.end_date:
        return None
    if contract.cycle == LeaseContract.Cycle.MONTH:
        start = on.replace(day=1)
        end = on.replace(day=calendar.monthrange(on.year, on.month)[1])
    else:
        years = on.year - contract.start_date.year
        start = _add_years(contract.start_date, years)
        if start > on:
            start = _add_years(contract.start_date, years - 1)
        end = _add_years(start, 1) - timedelta(days=1)
    return max(start, contract.start_date), min(end, contract.end_date)


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _next_number(year: int) -> str:
    counter, _ = InvoiceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HD{year}-{counter.last:06d}"


def invoice_issue(*, contract: LeaseContract, on: date) -> tuple[Invoice | None, bool]:
    """The invoice of the period containing ``on`` (created once: a unique constraint guards it)."""
    period = period_for(contract, on)
    if period is None:
        return None, False
    start, end = period
    existing = Invoice.objects.filter(contract=contract, period_start=start).first()
    if existing is not None:
        return existing, False
    usage = tenant_usage(contract.tenant, period_start=start, period_end=end)
    subtotal = contract.price_vnd
    vat = vat_of(subtotal, contract.vat_percent)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                contract=contract, tenant=contract.tenant, number=_next_number(start.year),
                period_start=start, period_end=end, issue_date=today,
                due_date=max(today, start) + timedelta(days=contract.payment_terms_days),
                subtotal_vnd=subtotal, vat_percent=contract.vat_percent, vat_vnd=vat, total_vnd=subtotal + vat,
                usage=usage,
            )
            PlatformLedgerEntry.objects.create(kind=PlatformLedgerEntry.Kind.INVOICE_ISSUED, tenant=contract.tenant,
                                               invoice=invoice, amount_vnd=invoice.total_vnd)
    except IntegrityError:  # a concurrent run made it first
        return Invoice.objects.get(contract=contract, period_start=start), False
    return invoice, True


def invoice_run(*, on: date | None = None) -> dict[str, int]:
    """Issue every active contract's invoice for the period containing ``on``. Safe to run again."""
    on = on or timezone.localdate()
    created = existing = 0
    for contract in LeaseContract.objects.filter(is_active=True).select_related("tenant"):
        invoice, made = invoice_issue(contract=contract, on=on)
        if invoice is None:
            continue
        created += made
        existing += not made
    return {"created": created, "existing": existing}


def payment_record(
    *, invoice_id: int, amount_vnd: int, method: str, reference: str, received_on: date, actor: str,
) -> InvoicePayment:
    """Record money received for an invoice (bank transfer entered by an operator, or VNPay)."""
    reference = reference.strip()
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise LeasingError("Số tiền phải là số nguyên VND lớn hơn 0.")
    if method not in InvoicePayment.Method.values:
        raise LeasingError("Hình thức thanh toán không hợp lệ.")
    if not reference:
        raise LeasingError("Cần số tham chiếu của giao dịch (mã giao dịch ngân hàng).")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().select_related("tenant").get(pk=invoice_id)
        if invoice.status != Invoice.Status.ISSUED:
            raise LeasingError(f"Hoá đơn {invoice.number} không còn chờ thanh toán.")
        paid_before = sum(InvoicePayment.objects.filter(invoice=invoice).values_list("amount_vnd", flat=True))
        if paid_before + amount_vnd > invoice.total_vnd:
            raise LeasingError(f"Số tiền vượt quá số còn phải thu ({invoice.total_vnd - paid_before:,} đ)."
                               .replace(",", "."))
        if InvoicePayment.objects.filter(method=method, reference=reference).exists():
            raise LeasingError("Giao dịch với số tham chiếu này đã được ghi nhận.")
        payment = InvoicePayment.objects.create(invoice=invoice, method=method, amount_vnd=amount_vnd,
                                                reference=reference[:100], received_on=received_on,
                                                recorded_by=actor[:150])
        PlatformLedgerEntry.objects.create(kind=PlatformLedgerEntry.Kind.INVOICE_PAID, tenant=invoice.tenant,
                                           invoice=invoice, payment=payment, amount_vnd=amount_vnd)
        if paid_before + amount_vnd == invoice.total_vnd:
            invoice_transition(invoice, Invoice.Status.PAID, source="operator", actor=actor,
                               note=f"Đã thu đủ ({method} {reference[:100]})", fields={"paid_at": timezone.now()})
            _dunning_hold_lift_if_clear(invoice, actor=actor)
    return payment


def _overdue_blocking(tenant_id: int, today: date) -> bool:
    limit = today - timedelta(days=settings.LEASING_SUSPEND_AFTER_DAYS)
    return Invoice.objects.filter(tenant_id=tenant_id, status=Invoice.Status.ISSUED, due_date__lte=limit).exists()


def _dunning_hold_lift_if_clear(invoice: Invoice, *, actor: str) -> None:
    """Paid: lift the dunning hold (only it) once nothing else is long overdue. The tenant reopens, as it
    was before (trial or active), unless another hold (an operator's, a security incident) still stands."""
    if _overdue_blocking(invoice.tenant_id, timezone.localdate()):
        return
    change = tenancy.hold_lift(tenant_id=invoice.tenant_id, kind=tenancy.HoldKind.DUNNING, by=actor,
                               reason=f"Đã thanh toán hoá đơn {invoice.number}")
    if change.changed and change.tenant.is_open:
        _event(invoice, DunningEvent.Kind.REACTIVATED, "Đã thanh toán: mở lại dịch vụ tự động")
    elif change.changed:
        logger.info("leasing: %s paid, dunning hold lifted; tenant %s still held by others", invoice.number,
                    change.tenant.slug)


def _event(invoice: Invoice, kind: str, note: str = "") -> bool:
    """Record a dunning step once per invoice; False when it was already there."""
    if DunningEvent.objects.filter(invoice=invoice, kind=kind).exists():
        return False
    try:
        with transaction.atomic():
            DunningEvent.objects.create(invoice=invoice, kind=kind, note=note)
    except IntegrityError:
        return False
    return True


def _billing_contact(tenant_id: int) -> str:
    """The e-mail the province gave when it signed up (its contact, kept on the tenant)."""
    tenant = tenancy.tenant_get(tenant_id)
    return tenant.contact_email if tenant else ""


def _send_reminder(invoice: Invoice, *, nth: int, days: int) -> None:
    """E-mail the province a payment reminder, after commit; a failed send is logged, never fatal."""
    to = _billing_contact(invoice.tenant_id)
    if not to:
        logger.warning("leasing reminder %s for %s: the tenant has no contact e-mail", nth, invoice.number)
        return
    subject = f"Nhắc thanh toán lần {nth}: hoá đơn {invoice.number} đã quá hạn {days} ngày"
    body = (
        f"Kính gửi {invoice.tenant.name},\n\n"
        f"Hoá đơn thuê dịch vụ {invoice.number} (kỳ {invoice.period_start:%d/%m/%Y} - {invoice.period_end:%d/%m/%Y}),"
        f" số tiền {invoice.total_vnd:,} đồng (đã gồm VAT), hạn thanh toán {invoice.due_date:%d/%m/%Y},"
        f" đã quá hạn {days} ngày.\n"
        f"Sau {settings.LEASING_SUSPEND_AFTER_DAYS} ngày quá hạn, dịch vụ có thể bị tạm ngừng."
        " Quý đơn vị vui lòng thanh toán theo mã VietQR trên hoá đơn hoặc liên hệ bộ phận hỗ trợ.\n\n"
        "Trân trọng."
    )

    def send() -> None:
        from django.core.mail import send_mail

        try:
            send_mail(subject, body, None, [to])
        except Exception:
            logger.exception("leasing reminder e-mail for %s failed", invoice.number)

    transaction.on_commit(send)


def dunning_run(*, today: date | None = None) -> dict[str, int]:
    """Reminders at +7 and +14 days overdue, suspension after +30 (unless held). Idempotent."""
    today = today or timezone.localdate()
    first, second = settings.LEASING_REMINDER_DAYS
    suspend_after = settings.LEASING_SUSPEND_AFTER_DAYS
    counts = {"reminders": 0, "suspended": 0, "held": 0}
    overdue = Invoice.objects.filter(status=Invoice.Status.ISSUED, due_date__lt=today).select_related(
        "tenant", "contract")
    for invoice in overdue:
        days = (today - invoice.due_date).days
        if days >= first and _event(invoice, DunningEvent.Kind.REMINDER_1, f"Quá hạn {days} ngày"):
            counts["reminders"] += 1
            _send_reminder(invoice, nth=1, days=days)
            logger.info("leasing reminder 1: %s (%s)", invoice.number, invoice.tenant.slug)
        if days >= second and _event(invoice, DunningEvent.Kind.REMINDER_2, f"Quá hạn {days} ngày"):
            counts["reminders"] += 1
            _send_reminder(invoice, nth=2, days=days)
            logger.info("leasing reminder 2: %s (%s)", invoice.number, invoice.tenant.slug)
        if days >= suspend_after:
            if invoice.contract.suspension_hold:
                counts["held"] += _event(invoice, DunningEvent.Kind.HELD, "Vận hành hoãn tạm ngừng")
                continue
            # The dunning hold: placed once while it stands (whatever other holds the tenant has), lifted
            # only by payment. A tenant already closed for another reason gets it too, so that lifting
            # that other hold does not reopen a tenant that still owes.
            try:
                with transaction.atomic():
                    change = tenancy.hold_place(tenant_id=invoice.tenant_id, kind=tenancy.HoldKind.DUNNING,
                                                reason=f"Hoá đơn {invoice.number} quá hạn {days} ngày", by=DUNNING)
                    if change.changed:
                        _event(invoice, DunningEvent.Kind.SUSPENDED, f"Quá hạn {days} ngày")
            except tenancy.TenantLifecycleError:  # offboarded: nothing to suspend
                continue
            counts["suspended"] += change.changed
    return counts
