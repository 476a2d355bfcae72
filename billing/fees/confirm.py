"""The only place a payment's outcome is decided: the gateway's IPN and querydr.

IPN order (VNPay's): signature -> order exists -> amount matches -> still pending -> update,
under a row lock, replying 00/01/02/04/97/99. Replies other than 00/02 make the gateway retry;
answering 01/04 does not undo a payment, so a wrong amount opens a manual case.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from billing.fees import subjects
from billing.fees.models import (
    GatewayExchange,
    LedgerEntry,
    ManualCase,
    MerchantTerminal,
    Payment,
    PaymentEvent,
    PaymentRequest,
)
from billing.fees.providers import GatewayStatus, InvalidSignature, Notification, provider_for
from billing.fees.providers.vnpay import record_exchange
from core.db.fastinsert import insert_rows

logger = logging.getLogger(__name__)

S = Payment.Status
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELED, S.EXPIRED}),
    S.SUCCEEDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.FAILED: frozenset(),
    S.CANCELED: frozenset(),
    S.EXPIRED: frozenset(),
    S.REFUNDED: frozenset(),
}

IPN_MESSAGES = {"00": "Confirm Success", "01": "Order not found", "02": "Order already confirmed",
                "04": "invalid amount", "97": "Invalid signature", "99": "Unknow error"}


class TransitionError(RuntimeError):
    pass


def reply(code: str) -> dict[str, str]:
    return {"RspCode": code, "Message": IPN_MESSAGES[code]}


def transition(payment: Payment, to: str, *, source: str, actor: str = "", note: str = "",
               fields: dict | None = None) -> Payment:
    """Move a payment (already locked by the caller) and write the audit row."""
    if to not in TRANSITIONS[payment.status]:
        raise TransitionError(f"Không thể chuyển giao dịch {payment.txn_ref} từ {payment.status} sang {to}")
    before = payment.status
    updates = {"status": to, "updated_at": timezone.now(), **(fields or {})}
    # Conditional UPDATE: refuses if someone moved it meanwhile (defence in depth beside the row lock).
    done = Payment.objects.filter(pk=payment.pk, status=before).update(**updates)
    if done != 1:
        raise TransitionError(f"Giao dịch {payment.txn_ref} đã thay đổi trạng thái")
    for name, value in updates.items():
        setattr(payment, name, value)
    insert_rows(PaymentEvent(payment=payment, from_status=before, to_status=to, source=source, actor=actor[:150],
                             note=note))
    return payment


def _succeed(payment: Payment, *, source: str, transaction_no: str, bank_code: str, response_code: str) -> None:
    now = timezone.now()
    transition(payment, S.SUCCEEDED, source=source, note=f"Xác nhận thanh toán qua {source}", fields={
        "transaction_no": transaction_no[:40], "bank_code": bank_code[:20], "response_code": response_code[:4],
        "confirmed_via": source, "succeeded_at": now,
    })
    req = payment.request if Payment.request.is_cached(payment) else PaymentRequest.objects.only(
        "reference", "subject_type", "subject_id").get(pk=payment.request_id)
    insert_rows(LedgerEntry(kind=LedgerEntry.Kind.FEE_PAID, payment=payment, amount_vnd=payment.amount_vnd,
                            reference=req.reference, provider=payment.provider))
    # One conditional UPDATE: the request becomes paid only if it was still open.
    opened = PaymentRequest.objects.filter(pk=payment.request_id, status=PaymentRequest.Status.OPEN).update(
        status=PaymentRequest.Status.PAID, paid_at=now)
    if opened:
        subject_type, subject_id, payment_id = req.subject_type, req.subject_id, payment.pk
        transaction.on_commit(lambda: subjects.notify_paid(subject_type=subject_type, subject_id=subject_id,
                                                           payment_id=payment_id))
    else:
        # Money arrived for a request already paid (two tabs) or closed: a person must refund it.
        status = PaymentRequest.objects.values_list("status", flat=True).get(pk=payment.request_id)
        kind = ManualCase.Kind.DUPLICATE_PAYMENT if status == PaymentRequest.Status.PAID \
            else ManualCase.Kind.LATE_SUCCESS
        ManualCase.objects.create(kind=kind, txn_ref=payment.txn_ref, payment=payment,
                                  details={"request": payment.request_id, "request_status": status,
                                           "amount_vnd": payment.amount_vnd})


def _apply(payment: Payment, outcome: str, *, source: str, transaction_no: str = "", bank_code: str = "",
           response_code: str = "") -> None:
    if outcome == S.SUCCEEDED:
        _succeed(payment, source=source, transaction_no=transaction_no, bank_code=bank_code,
                 response_code=response_code)
    elif outcome in (S.FAILED, S.CANCELED, S.EXPIRED):
        transition(payment, outcome, source=source, note=f"Cổng thanh toán trả mã {response_code or '-'}",
                   fields={"response_code": response_code[:4], "transaction_no": transaction_no[:40]})
    # "pending": nothing final yet (e.g. 07 under review): querydr decides later.


def _amount_mismatch(payment: Payment, *, received_vnd: int, source: str, raw: dict) -> None:
    case = ManualCase.objects.filter(kind=ManualCase.Kind.AMOUNT_MISMATCH, txn_ref=payment.txn_ref,
                                     resolved=False).first()
    if case is None:
        ManualCase.objects.create(kind=ManualCase.Kind.AMOUNT_MISMATCH, txn_ref=payment.txn_ref, payment=payment,
                                  details={"expected_vnd": payment.amount_vnd, "received_vnd": received_vnd,
                                           "source": source, "params": raw})
    logger.warning("fee payment %s: amount mismatch (expected %s, got %s)", payment.txn_ref,
                   payment.amount_vnd, received_vnd)


def ipn_handle(*, provider: str, params: dict[str, str]) -> dict[str, str]:
    """Handle one IPN; always returns the reply body, never raises.

    One transaction: the decision, its effects and the raw exchange commit together.
    """
    try:
        with transaction.atomic():
            code = _ipn(provider, params)
            insert_rows(GatewayExchange(provider=provider, kind="ipn", txn_ref=params.get("vnp_TxnRef", "")[:100],
                                        request={"method": "GET", "params": params}, response=reply(code), error=""))
    except Exception:
        logger.exception("IPN handling failed (%s)", params.get("vnp_TxnRef", "?"))
        code = "99"
        try:
            record_exchange(provider, "ipn", {"method": "GET", "params": params}, reply(code), "handler error")
        except Exception:
            logger.exception("could not record the IPN exchange")
    return reply(code)


_terminals: dict[tuple[str, str], tuple[float, object]] = {}
TERMINAL_CACHE_S = 5.0


def _provider(provider: str, *, fresh: bool = False):  # noqa: ANN202
    """The tenant's verifier, cached a few seconds per process (one query and one decryption saved per IPN)."""
    key = (connection.schema_name, provider)
    now = time.monotonic()
    hit = _terminals.get(key)
    if not fresh and hit is not None and now - hit[0] < TERMINAL_CACHE_S:
        return hit[1]
    terminal = MerchantTerminal.objects.filter(provider=provider, is_active=True).first()
    gateway = provider_for(terminal) if terminal is not None else None
    _terminals[key] = (now, gateway)
    return gateway


def _verified(provider: str, params: dict[str, str]) -> Notification | None:
    for fresh in (False, True):  # a cached terminal may predate a secret rotation: check once more, fresh
        gateway = _provider(provider, fresh=fresh)
        if gateway is None:
            continue  # no terminal here: nothing can be verified
        try:
            return gateway.parse_notification(params)
        except InvalidSignature:
            continue
    return None


def _locked(txn_ref: str, provider: str) -> Payment | None:
    """The payment, row-locked, with the three fields of its request that a confirmation needs.

    One fixed statement: the ORM's select_for_update().select_related().first() cost ~2 ms of Python per
    IPN to compile, more than the database spent on the whole confirmation."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [txn_ref, provider])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, reference, subject_type, subject_id = row
    payment = Payment.from_db(connection.alias, _PAYMENT_COLUMNS, values)
    known = {"id": payment.request_id, "reference": reference, "subject_type": subject_type, "subject_id": subject_id}
    names = [f.attname for f in PaymentRequest._meta.concrete_fields if f.attname in known]  # from_db's order
    Payment.request.field.set_cached_value(
        payment, PaymentRequest.from_db(connection.alias, names, [known[name] for name in names]))
    return payment


_PAYMENT_COLUMNS = [f.attname for f in Payment._meta.concrete_fields]
_LOCK_SQL = (
    f"SELECT {', '.join('p.' + f.column for f in Payment._meta.concrete_fields)},"
    f" r.reference, r.subject_type, r.subject_id"
    f" FROM {Payment._meta.db_table} p JOIN {PaymentRequest._meta.db_table} r ON r.id = p.request_id"
    f" WHERE p.txn_ref = %s AND p.provider = %s ORDER BY p.id LIMIT 1 FOR UPDATE OF p"
)


def _ipn(provider: str, params: dict[str, str]) -> str:
    note = _verified(provider, params)
    if note is None:
        return "97"
    payment = _locked(note.txn_ref, provider)
    if payment is None:
        return "01"
    if note.amount_vnd != payment.amount_vnd:
        _amount_mismatch(payment, received_vnd=note.amount_vnd, source="ipn", raw=note.raw)
        return "04"
    if payment.status != S.PENDING:
        return "02"
    _apply(payment, note.outcome, source="ipn", transaction_no=note.transaction_no, bank_code=note.bank_code,
           response_code=note.response_code)
    return "00"


# ------------------------------------------------------------------------- reconciliation
def payment_reconcile(*, payment_id: int, now=None) -> Payment:  # noqa: ANN001
    """Ask the gateway (querydr) about a pending payment and settle it as the IPN would have."""
    now = now or timezone.now()
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != S.PENDING or not payment.gateway_created:
        return payment
    terminal = MerchantTerminal.objects.filter(provider=payment.provider).first()
    if terminal is None:
        return payment
    status: GatewayStatus = provider_for(terminal).query(payment)  # may raise GatewayUnavailable: retry later
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != S.PENDING:
            return payment
        expired = payment.expires_at is not None and now > payment.expires_at + timedelta(minutes=5)
        if not status.found:
            if expired:
                transition(payment, S.EXPIRED, source="querydr", note="Không có giao dịch tại cổng; đã hết hạn")
            return payment
        if status.outcome == S.SUCCEEDED and status.amount_vnd != payment.amount_vnd:
            _amount_mismatch(payment, received_vnd=status.amount_vnd, source="querydr", raw={})
            return payment
        outcome = status.outcome
        if outcome == S.PENDING and expired and status.response_code in ("", "01"):
            outcome = S.EXPIRED
        _apply(payment, outcome, source="querydr", transaction_no=status.transaction_no,
               bank_code=status.bank_code, response_code=status.response_code)
        return payment


def pending_to_reconcile(*, older_than_minutes: int, now=None) -> list[int]:  # noqa: ANN001
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    return list(Payment.objects.filter(status=S.PENDING, created_at__lt=cutoff).exclude(gateway_created="")
                .order_by("created_at").values_list("pk", flat=True)[:500])
