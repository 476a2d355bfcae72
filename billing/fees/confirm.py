"""The only place a payment's outcome is decided: the gateway's notification (IPN) and its query (querydr).

The decision follows VNPay's documented order, in words the gateways share (``IpnAck``): signature ->
order exists -> amount matches -> still pending -> update, under a row lock. Each gateway says the
answer in its own protocol (its reply table lives with it). An answer other than "confirmed" or
"already confirmed" makes the gateway retry; "not found" or "amount mismatch" does not undo a payment,
so a wrong amount opens a manual case.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from billing.fees import subjects
from billing.fees.gateway import gateway_for, payment_ref, protocol, record_exchange
from billing.fees.models import (
    GatewayExchange,
    LedgerEntry,
    ManualCase,
    MerchantTerminal,
    Payment,
    PaymentRequest,
    RefusedNotifications,
)
from billing.fees.transitions import TransitionRefused, payment_transition, request_transition
from billing.gateways.types import (
    InvalidNotification,
    IpnAck,
    Outcome,
    PaymentProvider,
    QueryResult,
    VerifiedNotification,
)
from core.db.fastinsert import insert_rows

logger = logging.getLogger(__name__)

S = Payment.Status
OUTCOME_STATUS: dict[Outcome, str] = {
    Outcome.SUCCEEDED: S.SUCCEEDED, Outcome.FAILED: S.FAILED, Outcome.CANCELED: S.CANCELED,
    Outcome.EXPIRED: S.EXPIRED, Outcome.PENDING: S.PENDING,
}


def _succeed(payment: Payment, *, source: str, transaction_no: str, bank_code: str, result_code: str) -> None:
    now = timezone.now()
    payment_transition(payment, S.SUCCEEDED, source=source, note=f"Xác nhận thanh toán qua {source}", fields={
        "transaction_no": transaction_no[:40], "bank_code": bank_code[:20], "response_code": result_code[:4],
        "confirmed_via": source, "succeeded_at": now,
    })
    req = payment.request if Payment.request.is_cached(payment) else PaymentRequest.objects.only(
        "reference", "subject_type", "subject_id", "status").get(pk=payment.request_id)
    insert_rows(LedgerEntry(kind=LedgerEntry.Kind.FEE_PAID, payment=payment, amount_vnd=payment.amount_vnd,
                            reference=req.reference, provider=payment.provider))
    try:  # the request becomes paid only if it was still open (a conditional UPDATE)
        request_transition(req, PaymentRequest.Status.PAID, source=source, note=f"Thanh toán {payment.txn_ref}",
                           fields={"paid_at": now})
    except TransitionRefused:
        # Money arrived for a request already paid (two tabs) or closed: a person must refund it.
        status = PaymentRequest.objects.values_list("status", flat=True).get(pk=payment.request_id)
        kind = ManualCase.Kind.DUPLICATE_PAYMENT if status == PaymentRequest.Status.PAID \
            else ManualCase.Kind.LATE_SUCCESS
        ManualCase.objects.create(kind=kind, txn_ref=payment.txn_ref, payment=payment,
                                  details={"request": payment.request_id, "request_status": status,
                                           "amount_vnd": payment.amount_vnd})
    else:
        subject_type, subject_id, payment_id = req.subject_type, req.subject_id, payment.pk
        transaction.on_commit(lambda: subjects.notify_paid(subject_type=subject_type, subject_id=subject_id,
                                                           payment_id=payment_id))


def _apply(payment: Payment, outcome: str, *, source: str, transaction_no: str = "", bank_code: str = "",
           result_code: str = "") -> None:
    if outcome == S.SUCCEEDED:
        _succeed(payment, source=source, transaction_no=transaction_no, bank_code=bank_code,
                 result_code=result_code)
    elif outcome in (S.FAILED, S.CANCELED, S.EXPIRED):
        payment_transition(payment, outcome, source=source, note=f"Cổng thanh toán trả mã {result_code or '-'}",
                           fields={"response_code": result_code[:4], "transaction_no": transaction_no[:40]})
    # "pending": nothing final yet (e.g. under review): querydr decides later.


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
    """Handle one notification; always returns the gateway's reply body, never raises.

    One transaction: the decision, its effects and the raw exchange commit together. A notification whose
    signature does not verify is counted (:func:`notification_refused_count`), and kept as a raw exchange
    only among the first few of the hour: anyone can send them, so they must not grow the database.
    """
    gateway = protocol(provider)
    reference = gateway.reference_of(params)
    request = {"method": "GET", "params": params}
    try:
        with transaction.atomic():
            ack = _ipn(provider, params)
            body = gateway.reply(ack)
            if ack != IpnAck.INVALID_SIGNATURE:
                insert_rows(GatewayExchange(provider=provider, kind="ipn", txn_ref=reference, request=request,
                                            response=body, error=""))
            elif (count := notification_refused_count(provider=provider)) <= RefusedNotifications.SAMPLES_PER_HOUR:
                insert_rows(GatewayExchange(provider=provider, kind="ipn", txn_ref=_printable(reference),
                                            request={"method": "GET", "params": _sample(params)}, response=body,
                                            error=f"chữ ký không hợp lệ (mẫu {count} của giờ này)"))
    except Exception:
        logger.exception("IPN handling failed (%s)", reference or "?")
        body = gateway.reply(IpnAck.ERROR)
        try:
            record_exchange(provider=provider, kind="ipn", reference=reference, request=request, response=body,
                            error="handler error")
        except Exception:
            logger.exception("could not record the IPN exchange")
    return body


def notification_refused_count(*, provider: str) -> int:
    """Count one notification refused for its signature in this hour's row; returns the hour's count.

    One statement (an upsert on the hour's row): a flood of forgeries updates one row, adds none."""
    with connection.cursor() as cursor:
        cursor.execute(_REFUSED_SQL, [provider])
        count = int(cursor.fetchone()[0])
    if count & (count - 1) == 0:  # 1, 2, 4, 8...: a log line per doubling, not per forgery
        logger.warning("IPN (%s) with an invalid signature: %s this hour in %s", provider, count,
                       connection.schema_name)
    return count


def _printable(text: str, limit: int = 100) -> str:
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in str(text)[:limit])


def _sample(params: dict[str, str]) -> dict[str, str]:
    """A forged notification as kept for people to look at: bounded, without control characters."""
    return {_printable(k, 64): _printable(v, 300) for k, v in list(params.items())[:40]}


_REFUSED_TABLE = RefusedNotifications._meta.db_table
_REFUSED_SQL = (
    f"INSERT INTO {_REFUSED_TABLE} AS t (provider, hour, count, first_at, last_at)"
    f" VALUES (%s, date_trunc('hour', now()), 1, now(), now())"
    f" ON CONFLICT (provider, hour) DO UPDATE SET count = t.count + 1, last_at = now() RETURNING t.count"
)


_terminals: dict[tuple[str, str], tuple[float, PaymentProvider | None]] = {}
TERMINAL_CACHE_S = 5.0


def _provider(provider: str, *, fresh: bool = False) -> PaymentProvider | None:
    """The tenant's verifier, cached a few seconds per process (one query and one decryption saved per IPN)."""
    key = (connection.schema_name, provider)
    now = time.monotonic()
    hit = _terminals.get(key)
    if not fresh and hit is not None and now - hit[0] < TERMINAL_CACHE_S:
        return hit[1]
    terminal = MerchantTerminal.objects.filter(provider=provider, is_active=True).first()
    gateway = gateway_for(terminal) if terminal is not None else None
    _terminals[key] = (now, gateway)
    return gateway


def _verified(provider: str, params: dict[str, str]) -> VerifiedNotification | IpnAck:
    """The verified notification, or how to answer one that does not verify."""
    refusal = IpnAck.INVALID_SIGNATURE  # no terminal here: nothing can be verified
    for fresh in (False, True):  # a cached terminal may predate a secret rotation: check once more, fresh
        gateway = _provider(provider, fresh=fresh)
        if gateway is None:
            continue
        try:
            return gateway.verify_notification(params)
        except InvalidNotification as exc:
            refusal = exc.ack
    return refusal


def payment_lock(*, txn_ref: str, provider: str) -> Payment | None:
    """The payment, row-locked, with the four fields of its request that a confirmation needs.

    One fixed statement: the ORM's select_for_update().select_related().first() cost ~2 ms of Python per
    IPN to compile, more than the database spent on the whole confirmation."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [txn_ref, provider])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, reference, subject_type, subject_id, status = row
    payment = Payment.from_db(connection.alias, _PAYMENT_COLUMNS, values)
    known = {"id": payment.request_id, "reference": reference, "subject_type": subject_type,
             "subject_id": subject_id, "status": status}
    names = [f.attname for f in PaymentRequest._meta.concrete_fields if f.attname in known]  # from_db's order
    Payment.request.field.set_cached_value(
        payment, PaymentRequest.from_db(connection.alias, names, [known[name] for name in names]))
    return payment


_PAYMENT_COLUMNS = [f.attname for f in Payment._meta.concrete_fields]
_LOCK_SQL = (
    f"SELECT {', '.join('p.' + f.column for f in Payment._meta.concrete_fields)},"
    f" r.reference, r.subject_type, r.subject_id, r.status"
    f" FROM {Payment._meta.db_table} p JOIN {PaymentRequest._meta.db_table} r ON r.id = p.request_id"
    f" WHERE p.txn_ref = %s AND p.provider = %s ORDER BY p.id LIMIT 1 FOR UPDATE OF p"
)


def _ipn(provider: str, params: dict[str, str]) -> IpnAck:
    note = _verified(provider, params)
    if isinstance(note, IpnAck):
        return note
    payment = payment_lock(txn_ref=note.reference, provider=provider)
    if payment is None:
        return IpnAck.NOT_FOUND
    if note.amount_vnd != payment.amount_vnd:
        _amount_mismatch(payment, received_vnd=note.amount_vnd, source="ipn", raw=note.raw)
        return IpnAck.AMOUNT_MISMATCH
    if payment.status != S.PENDING:
        return IpnAck.ALREADY_CONFIRMED
    _apply(payment, OUTCOME_STATUS[note.outcome], source="ipn", transaction_no=note.transaction_no,
           bank_code=note.bank_code, result_code=note.result_code)
    return IpnAck.CONFIRMED


# ------------------------------------------------------------------------- reconciliation
NEVER_SENT_GRACE = timedelta(minutes=2)  # longer than any checkout in flight (Redis and gateway timeouts)


def payment_reconcile(*, payment_id: int, now: datetime | None = None) -> Payment:
    """Ask the gateway (querydr) about a pending payment and settle it as the IPN would have.

    An attempt that never reached the gateway (no gateway stamp, no pay URL: the checkout failed or its
    process died before the citizen was sent anywhere) cannot have been paid: it is expired."""
    now = now or timezone.now()
    payment = Payment.objects.get(pk=payment_id)
    if payment.status != S.PENDING:
        return payment
    if not payment.gateway_created and not payment.pay_url:
        return _expire_never_sent(payment_id, now=now)
    if not payment.gateway_created:
        return payment
    terminal = MerchantTerminal.objects.filter(provider=payment.provider).first()
    if terminal is None:
        return payment
    status: QueryResult = gateway_for(terminal).query(payment_ref(payment))  # may raise GatewayUnavailable
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != S.PENDING:
            return payment
        expired = payment.expires_at is not None and now > payment.expires_at + timedelta(minutes=5)
        if not status.found:
            if expired:
                payment_transition(payment, S.EXPIRED, source="querydr",
                                   note="Không có giao dịch tại cổng; đã hết hạn")
            return payment
        if status.outcome == Outcome.SUCCEEDED and status.amount_vnd != payment.amount_vnd:
            _amount_mismatch(payment, received_vnd=status.amount_vnd, source="querydr", raw={})
            return payment
        outcome = OUTCOME_STATUS[status.outcome]
        if outcome == S.PENDING and expired and status.abandoned:
            outcome = S.EXPIRED
        _apply(payment, outcome, source="querydr", transaction_no=status.transaction_no,
               bank_code=status.bank_code, result_code=status.result_code)
        return payment


def _expire_never_sent(payment_id: int, *, now: datetime) -> Payment:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if (payment.status == S.PENDING and not payment.gateway_created and not payment.pay_url
                and now - payment.created_at >= NEVER_SENT_GRACE):
            payment_transition(payment, S.EXPIRED, source="system",
                               note="Chưa tới cổng thanh toán (không có phiên, không có địa chỉ thanh toán)")
        return payment


def pending_to_reconcile(*, older_than_minutes: int, now: datetime | None = None) -> list[int]:
    """Pending attempts older than the threshold, those that never reached the gateway included."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    return list(Payment.objects.filter(status=S.PENDING, created_at__lt=cutoff)
                .order_by("created_at").values_list("pk", flat=True)[:500])


def payments_stuck(cutoff: datetime, limit: int):  # noqa: ANN201
    """Attempts still pending past their expiry (by the threshold: expired before ``cutoff``), or, never sent
    to the gateway, older than its grace. For the stuck list of the operator console (control/health)."""
    from django.db.models import Q

    from control.health.interface import StuckItem, StuckList

    qs = Payment.objects.filter(Q(expires_at__lt=cutoff) | Q(expires_at__isnull=True,
                                                           created_at__lt=cutoff - NEVER_SENT_GRACE),
                                status=S.PENDING).order_by("-created_at")
    items = [StuckItem(ref=f"thanh-toan:{p.txn_ref}", state="Đang chờ cổng thanh toán, quá hạn",
                       since=p.expires_at or p.created_at,
                       detail=f"{p.amount_vnd:,} VND".replace(",", ".")
                       + ("" if p.gateway_created else " · chưa tới cổng thanh toán"))
             for p in qs[:limit]]
    return StuckList(items=items, total=len(items) if len(items) < limit else qs.count())
