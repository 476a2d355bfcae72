"""Staff refunds (full or partial), audited, with a reason; the ledger records each one."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum

from billing.fees import subjects
from billing.fees.gateway import gateway_for, payment_ref
from billing.fees.models import LedgerEntry, ManualCase, MerchantTerminal, Payment, PaymentRequest, Refund
from billing.fees.services import FeeError
from billing.fees.transitions import payment_transition, refund_transition, request_transition
from billing.gateways.types import GatewayUnavailable, ProviderError, RefundOutcome

S = Payment.Status


def refund_create(*, payment_id: int, amount_vnd: int, reason: str, actor: str) -> Refund:
    """Refund ``amount_vnd`` of a successful payment through its gateway.

    Two steps so that nothing is half-saved: the refund row is committed as *pending* (it also
    reserves the amount against concurrent refunds), then the gateway is called, then the result is
    written with the ledger entry in one transaction.
    """
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise FeeError("Cần ghi rõ lý do hoàn tiền (ít nhất 5 ký tự).", code="reason")
    if isinstance(amount_vnd, bool) or not isinstance(amount_vnd, int) or amount_vnd <= 0:
        raise FeeError("Số tiền hoàn phải là số nguyên VND lớn hơn 0.", code="amount")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status not in (S.SUCCEEDED, S.PARTIALLY_REFUNDED):
            raise FeeError("Chỉ hoàn tiền được cho giao dịch đã thanh toán thành công.", code="state")
        reserved = Refund.objects.filter(payment=payment, status=Refund.Status.PENDING).aggregate(
            s=Sum("amount_vnd"))["s"] or 0
        available = payment.refundable_vnd - reserved
        if amount_vnd > available:
            raise FeeError(f"Số tiền hoàn vượt quá số còn có thể hoàn ({available:,} đ).".replace(",", "."),
                           code="amount")
        refund = Refund.objects.create(payment=payment, amount_vnd=amount_vnd, reason=reason,
                                       created_by=actor[:150])
    terminal = MerchantTerminal.objects.filter(provider=payment.provider).first()
    try:
        if terminal is None:
            raise FeeError("Chưa cấu hình terminal thanh toán.", code="no_terminal")
        result = gateway_for(terminal).refund(payment_ref(payment), amount_vnd=amount_vnd, reason=reason,
                                              actor=actor, idempotency_key=f"refund-{refund.pk}")
    except (ProviderError, FeeError) as exc:
        with transaction.atomic():
            refund_transition(refund, Refund.Status.FAILED, source="system", actor=actor, note=exc.message,
                              fields={"gateway_message": exc.message})
            if isinstance(exc, GatewayUnavailable):
                ManualCase.objects.create(kind=ManualCase.Kind.REFUND_FAILED, txn_ref=payment.txn_ref,
                                          payment=payment, details={"refund": refund.pk, "error": exc.message})
        raise FeeError(exc.message, code=exc.code) from exc
    if result.status == RefundOutcome.FAILED:
        with transaction.atomic():  # committed: the amount it reserved is free again
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
            refund_transition(refund, Refund.Status.FAILED, source="staff", actor=actor, note=result.message,
                              fields={"gateway_id": result.gateway_id, "gateway_message": result.message})
        raise FeeError(f"Cổng thanh toán từ chối hoàn tiền: {result.message}", code="refund_rejected")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        # Done, or sent to the bank: the gateway has accepted it; money leaves our account.
        if result.status == RefundOutcome.SUCCEEDED:
            refund_transition(refund, Refund.Status.SUCCEEDED, source="staff", actor=actor, note=reason,
                              fields={"gateway_id": result.gateway_id, "gateway_message": result.message})
        else:  # still pending at the gateway: no change of state, its answer kept
            Refund.objects.filter(pk=refund.pk).update(gateway_id=result.gateway_id, gateway_message=result.message)
            refund.gateway_id, refund.gateway_message = result.gateway_id, result.message
        refunded = payment.refunded_vnd + amount_vnd
        to = S.REFUNDED if refunded == payment.amount_vnd else S.PARTIALLY_REFUNDED
        payment_transition(payment, to, source="staff", actor=actor, note=f"Hoàn {amount_vnd} đ: {reason}",
                           fields={"refunded_vnd": refunded})
        req = PaymentRequest.objects.get(pk=payment.request_id)
        LedgerEntry.objects.create(kind=LedgerEntry.Kind.FEE_REFUNDED, payment=payment, refund=refund,
                                   amount_vnd=-amount_vnd, reference=req.reference, provider=payment.provider)
        if to == S.REFUNDED and req.status == PaymentRequest.Status.PAID and not req.payments.filter(
                status__in=(S.SUCCEEDED, S.PARTIALLY_REFUNDED)).exclude(pk=payment.pk).exists():
            request_transition(req, PaymentRequest.Status.REFUNDED, source="staff", actor=actor,
                               note=f"Đã hoàn toàn bộ giao dịch {payment.txn_ref}")
        st, sid, pid = req.subject_type, req.subject_id, payment.pk
        transaction.on_commit(lambda: subjects.notify_refunded(subject_type=st, subject_id=sid, payment_id=pid,
                                                               amount_vnd=amount_vnd))
    return refund
