"""The VNPay client with a Stripe-shaped face.

    client = VNPayClient(VNPayConfig(tmn_code=..., hash_secret=..., pay_url=..., return_url=...),
                         idempotency_store=RedisIdempotencyStore(url=REDIS_URL),
                         on_exchange=persist_exchange)
    session = client.checkout.sessions.create(amount_vnd=150_000, client_reference_id="HS0001",
                                              order_info="Lệ phí hồ sơ HS0001", ip_addr="203.0.113.5",
                                              idempotency_key="hs-0001-pay-1")
    redirect(session.url)
    ...
    events = client.webhooks.construct_events(request.GET.dict())   # IPN
    intent = client.payment_intents.retrieve("HS0001", transaction_date=session.created)
    refund = client.refunds.create(client_reference_id="HS0001", transaction_date=session.created,
                                   original_amount_vnd=150_000, amount_vnd=50_000)
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from .codes import IpnRspCode, ipn_reply
from .config import VNPayConfig
from .conventions import (
    clean_order_info,
    coerce_vnp_date,
    format_vnp_date,
    from_wire_amount,
    parse_vnp_date,
    seconds,
    to_vn,
    to_wire_amount,
    utcnow,
    validate_amount_vnd,
    validate_bank_code,
    validate_ip,
    validate_locale,
    validate_metadata,
    validate_txn_ref,
)
from .errors import APIError, InvalidRequestError, SignatureVerificationError, VNPayError
from .events import construct_events as _construct_events
from .events import normalize_params
from .events import verify as _verify
from .idempotency import IdempotencyStore, InMemoryIdempotencyStore, run_idempotent, validate_key
from .mapping import (
    api_error,
    checkout_session_id,
    intent_status_for_transaction_status,
    payment_intent_id,
    refund_status,
)
from .objects import CheckoutSession, Event, PaymentIntent, Refund
from .signing import (
    QUERYDR_RESPONSE_FIELDS,
    REFUND_RESPONSE_FIELDS,
    SECURE_HASH,
    sign_querydr_request,
    sign_refund_request,
    signed_query,
    verify_pipe,
)
from .transport import ExchangeHook, Transport

T = TypeVar("T")

MAX_EXPIRES_IN_S = 7 * 24 * 3600


class _Resource:
    def __init__(self, client: VNPayClient) -> None:
        self._client = client

    @property
    def _config(self) -> VNPayConfig:
        return self._client.config


class CheckoutSessions(_Resource):
    def create(
        self,
        *,
        amount_vnd: int,
        client_reference_id: str,
        order_info: str,
        ip_addr: str,
        locale: str | None = None,
        expires_in: int | float | timedelta | None = None,
        bank_code: str | None = None,
        metadata: dict[str, str] | None = None,
        idempotency_key: str | None = None,
        return_url: str | None = None,
        order_type: str | None = None,
    ) -> CheckoutSession:
        """Build the signed pay URL. No network call: VNPay learns of the
        payment when the browser opens ``session.url``."""
        cfg = self._config
        amount = validate_amount_vnd(amount_vnd)
        txn_ref = validate_txn_ref(client_reference_id)
        info = clean_order_info(order_info)
        ip = validate_ip(ip_addr)
        loc = validate_locale(locale or cfg.default_locale)
        ttl = seconds(cfg.default_expires_in_s if expires_in is None else expires_in)
        if not 0 < ttl <= MAX_EXPIRES_IN_S:
            raise InvalidRequestError("expires_in phải từ 1 giây đến 7 ngày", code="invalid_expires_in",
                                      param="expires_in")
        bank = validate_bank_code(bank_code) if bank_code else None
        meta = validate_metadata(metadata)
        ret = return_url or cfg.return_url
        if not ret.startswith(("http://", "https://")):
            raise InvalidRequestError("Thiếu hoặc sai return_url", code="invalid_return_url", param="return_url")
        otype = order_type or cfg.order_type

        def execute() -> CheckoutSession:
            created = to_vn(self._client.now()).replace(microsecond=0)
            expires_at = created + timedelta(seconds=ttl)
            params: dict[str, str] = {
                "vnp_Version": cfg.version,
                "vnp_Command": "pay",
                "vnp_TmnCode": cfg.tmn_code,
                "vnp_Amount": to_wire_amount(amount),
                "vnp_CurrCode": "VND",
                "vnp_TxnRef": txn_ref,
                "vnp_OrderInfo": info,
                "vnp_OrderType": otype,
                "vnp_Locale": loc,
                "vnp_ReturnUrl": ret,
                "vnp_IpAddr": ip,
                "vnp_CreateDate": format_vnp_date(created),
                "vnp_ExpireDate": format_vnp_date(expires_at),
            }
            if bank:
                params["vnp_BankCode"] = bank
            url = f"{cfg.pay_url}?{signed_query(params, cfg.hash_secret)}"
            self._client.transport.notify(
                "checkout.create", {"method": "GET", "url": url, "params": params}, None, None
            )
            intent = PaymentIntent(
                id=payment_intent_id(txn_ref),
                amount=amount,
                status="requires_action",
                client_reference_id=txn_ref,
                created=created,
                order_info=info,
                next_action={"type": "redirect_to_url", "redirect_to_url": {"url": url, "return_url": ret}},
                metadata=meta,
            )
            return CheckoutSession(
                id=checkout_session_id(txn_ref),
                url=url,
                status="open",
                payment_status="unpaid",
                amount_total=amount,
                client_reference_id=txn_ref,
                payment_intent=intent,
                created=created,
                expires_at=expires_at,
                locale=loc,
                order_info=info,
                metadata=meta,
            )

        fingerprint_params = {
            "amount_vnd": amount, "client_reference_id": txn_ref, "order_info": order_info, "ip_addr": ip,
            "locale": loc, "expires_in": ttl, "bank_code": bank, "metadata": meta, "return_url": ret,
            "order_type": otype,
        }
        return self._client._idempotent(
            "checkout.sessions.create", idempotency_key, fingerprint_params, execute,
            CheckoutSession.to_dict, CheckoutSession.from_dict,
        )


class PaymentIntents(_Resource):
    def retrieve(
        self,
        client_reference_id: str,
        *,
        transaction_date: datetime | str,
        transaction_no: str | None = None,
        order_info: str | None = None,
        ip_addr: str = "127.0.0.1",
        idempotency_key: str | None = None,
    ) -> PaymentIntent:
        """querydr: the gateway's view of a payment (for reconciliation).

        ``transaction_date`` is the original ``vnp_CreateDate`` (``session.created``).
        A fresh ``vnp_RequestId`` is signed for every retry attempt.
        """
        cfg = self._config
        txn_ref = validate_txn_ref(client_reference_id)
        tdate = coerce_vnp_date(transaction_date, param="transaction_date")
        ip = validate_ip(ip_addr)
        info = clean_order_info(order_info or f"Truy van giao dich {txn_ref}")

        def payload_for(_attempt: int) -> dict[str, str]:
            payload: dict[str, str] = {
                "vnp_RequestId": uuid.uuid4().hex,
                "vnp_Version": cfg.version,
                "vnp_Command": "querydr",
                "vnp_TmnCode": cfg.tmn_code,
                "vnp_TxnRef": txn_ref,
                "vnp_OrderInfo": info,
                "vnp_TransactionDate": tdate,
                "vnp_CreateDate": format_vnp_date(self._client.now()),
                "vnp_IpAddr": ip,
            }
            if transaction_no:
                payload["vnp_TransactionNo"] = transaction_no
            payload[SECURE_HASH] = sign_querydr_request(payload, cfg.hash_secret)
            return payload

        def execute() -> PaymentIntent:
            body = self._client.transport.post_json("querydr", cfg.api_url, payload_for)
            self._client._check_api_response(body, "querydr", QUERYDR_RESPONSE_FIELDS, txn_ref)
            ts = str(body.get("vnp_TransactionStatus", ""))
            status, error, reason = intent_status_for_transaction_status(ts)
            return PaymentIntent(
                id=payment_intent_id(txn_ref),
                amount=from_wire_amount(body.get("vnp_Amount")),
                status=status,
                client_reference_id=txn_ref,
                created=parse_vnp_date(tdate),
                order_info=str(body.get("vnp_OrderInfo") or "") or None,
                transaction_no=str(body.get("vnp_TransactionNo") or "") or None,
                bank_code=str(body.get("vnp_BankCode") or "") or None,
                pay_date=parse_vnp_date(str(body.get("vnp_PayDate") or "") or None),
                response_code=str(body.get("vnp_ResponseCode")),
                transaction_status=ts or None,
                last_payment_error=error,
                cancellation_reason=reason,
            )

        params = {"client_reference_id": txn_ref, "transaction_date": tdate, "transaction_no": transaction_no,
                  "order_info": info, "ip_addr": ip}
        return self._client._idempotent(
            "payment_intents.retrieve", idempotency_key, params, execute,
            PaymentIntent.to_dict, PaymentIntent.from_dict,
        )

    def reconcile(self, session: CheckoutSession, **kwargs: Any) -> PaymentIntent:
        """querydr for a session created by this client."""
        if session.created is None:
            raise InvalidRequestError("Phiên thanh toán không có thời điểm tạo", code="missing_created")
        return self.retrieve(session.client_reference_id, transaction_date=session.created, **kwargs)


class Refunds(_Resource):
    def create(
        self,
        *,
        client_reference_id: str,
        transaction_date: datetime | str,
        original_amount_vnd: int,
        amount_vnd: int | None = None,
        transaction_no: str | None = None,
        create_by: str = "system",
        reason: str | None = None,
        order_info: str | None = None,
        ip_addr: str = "127.0.0.1",
        idempotency_key: str | None = None,
    ) -> Refund:
        """Refund a payment: full (``02``) when ``amount_vnd`` is omitted or equals
        the original amount, partial (``03``) otherwise.

        The same ``vnp_RequestId`` is reused on network retries, so the gateway
        answers 94 instead of refunding twice.
        """
        cfg = self._config
        txn_ref = validate_txn_ref(client_reference_id)
        original = validate_amount_vnd(original_amount_vnd, param="original_amount_vnd")
        amount = validate_amount_vnd(original if amount_vnd is None else amount_vnd)
        if amount > original:
            raise InvalidRequestError("Số tiền hoàn lớn hơn số tiền đã thanh toán", code="amount_too_large",
                                      param="amount_vnd")
        tx_type = "02" if amount == original else "03"
        tdate = coerce_vnp_date(transaction_date, param="transaction_date")
        ip = validate_ip(ip_addr)
        creator = clean_order_info(create_by, max_length=100)
        info = clean_order_info(order_info or f"Hoan tien giao dich {txn_ref}" + (f" {reason}" if reason else ""))

        def execute() -> Refund:
            request_id = uuid.uuid4().hex
            create_date = format_vnp_date(self._client.now())
            payload: dict[str, str] = {
                "vnp_RequestId": request_id,
                "vnp_Version": cfg.version,
                "vnp_Command": "refund",
                "vnp_TmnCode": cfg.tmn_code,
                "vnp_TransactionType": tx_type,
                "vnp_TxnRef": txn_ref,
                "vnp_Amount": to_wire_amount(amount),
                "vnp_TransactionNo": transaction_no or "0",
                "vnp_TransactionDate": tdate,
                "vnp_CreateBy": creator,
                "vnp_CreateDate": create_date,
                "vnp_IpAddr": ip,
                "vnp_OrderInfo": info,
            }
            payload[SECURE_HASH] = sign_refund_request(payload, cfg.hash_secret)
            body = self._client.transport.post_json("refund", cfg.api_url, lambda _attempt: payload)
            self._client._check_api_response(body, "refund", REFUND_RESPONSE_FIELDS, txn_ref)
            if from_wire_amount(body.get("vnp_Amount")) != amount:
                raise APIError("Số tiền hoàn trong phản hồi không khớp yêu cầu", code="amount_mismatch", raw=body)
            ts = str(body.get("vnp_TransactionStatus") or "")
            status = refund_status(ts)
            refund_no = str(body.get("vnp_TransactionNo") or "") or None
            return Refund(
                id=f"re_{refund_no}" if refund_no else f"re_{request_id}",
                amount=amount,
                status=status,
                payment_intent=payment_intent_id(txn_ref),
                client_reference_id=txn_ref,
                transaction_type=str(body.get("vnp_TransactionType") or tx_type),
                transaction_no=refund_no,
                response_code=str(body.get("vnp_ResponseCode")),
                transaction_status=ts or None,
                message=str(body.get("vnp_Message") or "") or None,
                created=parse_vnp_date(str(body.get("vnp_PayDate") or "") or None) or to_vn(self._client.now()),
                reason=reason,
                request_id=request_id,
                failure_reason="refund_rejected" if status == "failed" else None,
            )

        params = {"client_reference_id": txn_ref, "transaction_date": tdate, "original_amount_vnd": original,
                  "amount_vnd": amount, "transaction_no": transaction_no, "create_by": creator, "reason": reason,
                  "order_info": info, "ip_addr": ip}
        return self._client._idempotent(
            "refunds.create", idempotency_key, params, execute, Refund.to_dict, Refund.from_dict
        )


class Webhooks(_Resource):
    """IPN / return-URL verification bound to this client's terminal."""

    def verify(self, params: Mapping[str, Any] | str) -> dict[str, str]:
        return _verify(params, self._config.hash_secret, tmn_code=self._config.tmn_code)

    def construct_events(self, params: Mapping[str, Any] | str, *, source: str = "ipn") -> list[Event]:
        flat = normalize_params(params)
        try:
            events = _construct_events(flat, self._config.hash_secret, tmn_code=self._config.tmn_code,
                                       source=source, now=self._client.now())
        except VNPayError as exc:
            self._client.transport.notify(source, {"method": "GET", "params": flat}, None, str(exc))
            raise
        self._client.transport.notify(
            source, {"method": "GET", "params": flat}, {"events": [e.type for e in events]}, None
        )
        return events

    def construct_event(self, params: Mapping[str, Any] | str, *, source: str = "ipn") -> Event:
        return self.construct_events(params, source=source)[0]

    @staticmethod
    def ipn_reply(code: str | IpnRspCode) -> dict[str, str]:
        return ipn_reply(code)


class _CheckoutNamespace:
    def __init__(self, sessions: CheckoutSessions) -> None:
        self.sessions = sessions


class VNPayClient:
    """Entry point. Thread-safe as long as the idempotency store is."""

    def __init__(
        self,
        config: VNPayConfig,
        *,
        idempotency_store: IdempotencyStore | None = None,
        on_exchange: ExchangeHook | None = None,
        http_client: httpx.Client | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        self.idempotency_store: IdempotencyStore = idempotency_store or InMemoryIdempotencyStore()
        kw: dict[str, Any] = {}
        if sleep is not None:
            kw["sleep"] = sleep
        if rng is not None:
            kw["rng"] = rng
        self.transport = Transport(config, http_client=http_client, on_exchange=on_exchange, **kw)
        self._now = now or utcnow
        self.checkout_sessions = CheckoutSessions(self)
        self.checkout = _CheckoutNamespace(self.checkout_sessions)
        self.payment_intents = PaymentIntents(self)
        self.refunds = Refunds(self)
        self.webhooks = Webhooks(self)

    def now(self) -> datetime:
        value = self._now()
        if value.tzinfo is None:
            raise ValueError("the client clock must return aware datetimes")
        return value

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> VNPayClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ internals
    def _idempotent(
        self,
        operation: str,
        key: str | None,
        params: dict[str, Any],
        execute: Callable[[], T],
        encode: Callable[[T], dict[str, Any]],
        decode: Callable[[dict[str, Any]], T],
    ) -> T:
        if key is None:
            return execute()
        store_key = f"{self.config.tmn_code}:{validate_key(key)}"
        return run_idempotent(
            self.idempotency_store, key=store_key, operation=operation, params=params,
            ttl_s=self.config.idempotency_ttl_s, execute=execute, encode=encode, decode=decode,
        )

    def _check_api_response(
        self, body: dict[str, Any], command: str, fields: tuple[str, ...], txn_ref: str
    ) -> None:
        code = str(body.get("vnp_ResponseCode", ""))
        signed_ok = verify_pipe(body, fields, self.config.hash_secret)
        if code != "00":
            # An error reply cannot make us believe anything: map it even when
            # unsigned (e.g. 02 unknown terminal), but record the check.
            raw = dict(body)
            raw["signature_verified"] = signed_ok
            raise api_error(code or "99", command=command, message=str(body.get("vnp_Message") or ""), raw=raw)
        if not signed_ok:
            raise SignatureVerificationError(
                f"Chữ ký phản hồi {command} của VNPay không hợp lệ", code="invalid_response_signature", raw=body
            )
        if body.get("vnp_TmnCode") != self.config.tmn_code or body.get("vnp_TxnRef") != txn_ref:
            raise APIError("Phản hồi VNPay không khớp terminal/mã giao dịch đã gửi", code="response_mismatch",
                           raw=body)


__all__ = ["CheckoutSessions", "PaymentIntents", "Refunds", "VNPayClient", "Webhooks"]
