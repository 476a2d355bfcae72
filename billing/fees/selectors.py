"""Reads of the fee payments: pages, receipts, collections."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from billing.fees.gateway import gateway_for, protocol
from billing.fees.models import (
    LedgerEntry,
    ManualCase,
    MerchantTerminal,
    Payment,
    PaymentRequest,
    RefusedNotifications,
)
from billing.gateways.types import InvalidNotification, Outcome

PAID = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


def request_for_subject(*, subject_type: str, subject_id: int) -> PaymentRequest | None:
    """The payment request a citizen should see for a subject: the open one, else the latest."""
    reqs = PaymentRequest.objects.filter(subject_type=subject_type, subject_id=subject_id)
    return reqs.filter(status=PaymentRequest.Status.OPEN).first() or reqs.order_by("-pk").first()


def request_attempts(req: PaymentRequest) -> list[Payment]:
    return list(req.payments.order_by("-created_at")[:10])


def receipt_payment(req: PaymentRequest) -> Payment | None:
    return req.payments.filter(status__in=PAID).order_by("succeeded_at").first()


def return_view(*, provider: str, params: dict[str, str]) -> dict:
    """What the return page shows. The payment's state is ours (IPN); the gateway's answer only explains."""
    terminal = MerchantTerminal.objects.filter(provider=provider).first()
    note = None
    if terminal is not None:
        try:
            note = gateway_for(terminal).verify_notification(params)
        except InvalidNotification:
            note = None
    payment = Payment.objects.select_related("request").filter(txn_ref=note.reference).first() \
        if note is not None and note.reference else None
    if payment is None or note is None:
        return {"payment": None, "req": None, "message": "Không xác định được giao dịch. Nếu quý vị đã bị trừ tiền, "
                "hệ thống sẽ tự đối soát; xin kiểm tra lại trạng thái hồ sơ sau ít phút.", "state": "unknown"}
    describe = protocol(provider).describe
    if payment.status in PAID:
        state, message = "paid", "Thanh toán thành công. Cảm ơn quý vị."
    elif payment.status == Payment.Status.PENDING:
        if note.outcome in (Outcome.SUCCEEDED, Outcome.PENDING):
            state, message = "waiting", ("Cổng thanh toán báo giao dịch thành công; hệ thống đang chờ xác nhận "
                                         "chính thức từ ngân hàng (thường vài giây). Xin tải lại trang sau.")
        else:
            state, message = "failed", describe(note.result_code) or "Giao dịch chưa hoàn tất."
    else:
        state = "failed"
        message = describe(payment.response_code or note.result_code) or "Giao dịch không thành công."
    return {"payment": payment, "req": payment.request, "state": state, "message": message}


# ------------------------------------------------------------------------------ staff views
def payments_list(*, status: str = "", q: str = "") -> QuerySet[Payment]:
    qs = Payment.objects.select_related("request").order_by("-created_at")
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(txn_ref__icontains=q) | Q(request__reference__icontains=q))
    return qs


def open_cases() -> QuerySet[ManualCase]:
    return ManualCase.objects.filter(resolved=False).order_by("-created_at")


def refused_notifications(*, hours: int = 24) -> int:
    """How many notifications were refused for a bad signature in the last ``hours`` (forged or misrouted)."""
    since = timezone.now() - timedelta(hours=hours)
    return RefusedNotifications.objects.filter(hour__gte=since).aggregate(n=Sum("count"))["n"] or 0


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def collections(*, start: date, end: date, by: str) -> list[dict]:
    """Net collections (received minus refunded) from the ledger, grouped by day, procedure or unit."""
    lo, hi = _bounds(start, end)
    qs = LedgerEntry.objects.filter(at__gte=lo, at__lt=hi)
    if by == "day":
        rows = qs.annotate(key=TruncDate("at", tzinfo=timezone.get_current_timezone())).values("key")
    elif by == "procedure":
        rows = qs.values(key=F("payment__request__procedure_name"))
    else:
        rows = qs.values(key=F("payment__request__unit_name"))
    rows = rows.annotate(
        received=Sum("amount_vnd", filter=Q(kind=LedgerEntry.Kind.FEE_PAID), default=0),
        refunded=Sum("amount_vnd", filter=Q(kind=LedgerEntry.Kind.FEE_REFUNDED), default=0),
        payments=Count("id", filter=Q(kind=LedgerEntry.Kind.FEE_PAID)),
    ).order_by("key")
    out = []
    for row in rows:
        key = row["key"]
        out.append({"key": key if key not in ("", None) else "(không ghi)", "received": row["received"],
                    "refunded": -row["refunded"], "net": row["received"] + row["refunded"],
                    "payments": row["payments"]})
    return out


def collections_total(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in ("received", "refunded", "net", "payments")}
