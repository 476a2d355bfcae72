"""``POST /merchant_webapi/api/transaction``: querydr and refund, with the
gateway's checks (02 terminal, 03 format, 97 checksum, 94 duplicate request
id / pending refund, 91 not found, 95 unsuccessful payment, 93 amount, 04 full
refund after a partial one) and signed responses."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from billing.gateways.vnpay.conventions import VN_TZ, clean_order_info, format_vnp_date
from billing.gateways.vnpay.signing import (
    QUERYDR_REQUEST_FIELDS,
    REFUND_REQUEST_FIELDS,
    SECURE_HASH,
    sign_querydr_response,
    sign_refund_response,
    verify_pipe,
)

from .state import RefundRecord, SandboxState, Terminal, Transaction

_DATE_RE = re.compile(r"^\d{14}$")
_AMOUNT_RE = re.compile(r"^\d{1,12}$")

MESSAGES = {
    ("querydr", "00"): "QueryDR Success",
    ("refund", "00"): "Refund success",
    "02": "Invalid TmnCode (Mã định danh kết nối không hợp lệ)",
    "03": "Invalid data format (Dữ liệu gửi sang không đúng định dạng)",
    "04": "Full refund not allowed after a partial refund (Không cho phép hoàn toàn phần sau hoàn một phần)",
    "91": "Transaction not found (Không tìm thấy giao dịch yêu cầu)",
    "93": "Invalid refund amount (Số tiền hoàn trả không hợp lệ)",
    "94.duplicate": "Duplicate request (Yêu cầu bị trùng lặp trong thời gian giới hạn của API)",
    "94.pending": "Refund already pending (Giao dịch đang có yêu cầu hoàn tiền chờ xử lý)",
    "95": "Original transaction was not successful (Giao dịch gốc không thành công, không thể hoàn tiền)",
    "97": "Invalid Checksum (Sai chữ ký)",
    "99": "Unknown error (Lỗi không xác định)",
}

Reply = tuple[int, dict[str, str]]


def _respond(
    command: str, code: str, message_key: str | None, terminal: Terminal | None,
    fields: Mapping[str, str] | None = None, request: Mapping[str, Any] | None = None,
) -> Reply:
    req = request or {}
    body: dict[str, str] = {
        "vnp_ResponseId": uuid.uuid4().hex,
        "vnp_Command": command,
        "vnp_ResponseCode": code,
        "vnp_Message": MESSAGES.get((command, code)) or MESSAGES.get(message_key or code, MESSAGES["99"]),
        "vnp_TmnCode": str(req.get("vnp_TmnCode", "")),
        "vnp_TxnRef": str(req.get("vnp_TxnRef", "")),
    }
    if fields:
        body.update(fields)
    if terminal is not None:
        signer = sign_refund_response if command == "refund" else sign_querydr_response
        body[SECURE_HASH] = signer(body, terminal.hash_secret)
    return 200, body


def handle_transaction_api(state: SandboxState, payload: Any, now: datetime | None = None) -> Reply:
    now = now or datetime.now(VN_TZ)
    if not isinstance(payload, dict):
        return _respond("", "03", None, None)
    req = {str(k): "" if v is None else str(v) for k, v in payload.items()}
    command = req.get("vnp_Command", "")
    if command == "querydr":
        return _querydr(state, req, now)
    if command == "refund":
        return _refund(state, req, now)
    return _respond(command, "03", None, None, request=req)


def _common_checks(
    state: SandboxState, req: dict[str, str], command: str, fields: tuple[str, ...], now: datetime
) -> tuple[Terminal | None, Reply | None]:
    terminal = state.terminal(req.get("vnp_TmnCode"))
    if terminal is None:
        return None, _respond(command, "02", None, None, request=req)
    if not req.get(SECURE_HASH):
        return terminal, _respond(command, "97", None, terminal, request=req)
    if not verify_pipe(req, fields, terminal.hash_secret):
        return terminal, _respond(command, "97", None, terminal, request=req)
    required = [f for f in fields if f != "TransactionNo"]
    missing = [f for f in required if not req.get(f"vnp_{f}")]
    bad = (
        missing
        or req.get("vnp_Version") != "2.1.0"
        or len(req.get("vnp_RequestId", "")) > 32
        or not _DATE_RE.match(req.get("vnp_TransactionDate", ""))
        or not _DATE_RE.match(req.get("vnp_CreateDate", ""))
        or len(req.get("vnp_TxnRef", "")) > 100
    )
    if bad:
        return terminal, _respond(command, "03", None, terminal, request=req)
    if not state.claim_request_id(terminal.tmn_code, req["vnp_RequestId"], now):
        return terminal, _respond(command, "94", "94.duplicate", terminal, request=req)
    return terminal, None


def _find(state: SandboxState, req: dict[str, str]) -> Transaction | None:
    with state.lock:
        txn = state.transactions.get((req["vnp_TmnCode"], req["vnp_TxnRef"]))
    if txn is None or txn.create_date != req.get("vnp_TransactionDate"):
        return None
    txno = req.get("vnp_TransactionNo", "")
    if txno not in ("", "0") and txno != txn.transaction_no:
        return None
    return txn


def _querydr(state: SandboxState, req: dict[str, str], now: datetime) -> Reply:
    terminal, error = _common_checks(state, req, "querydr", QUERYDR_REQUEST_FIELDS, now)
    if error is not None:
        return error
    txn = _find(state, req)
    if txn is None:
        return _respond("querydr", "91", None, terminal, request=req)
    with state.lock:
        fields = {
            "vnp_Amount": str(txn.amount * 100),
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": txn.pay_date,
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": txn.query_status(),
            "vnp_OrderInfo": txn.order_info,
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        }
    return _respond("querydr", "00", None, terminal, fields, request=req)


def _refund(state: SandboxState, req: dict[str, str], now: datetime) -> Reply:
    terminal, error = _common_checks(state, req, "refund", REFUND_REQUEST_FIELDS, now)
    if error is not None:
        return error
    assert terminal is not None
    tx_type = req.get("vnp_TransactionType")
    amount_raw = req.get("vnp_Amount", "")
    if tx_type not in ("02", "03") or not _AMOUNT_RE.match(amount_raw) or int(amount_raw) <= 0 \
            or int(amount_raw) % 100:
        return _respond("refund", "03", None, terminal, request=req)
    amount = int(amount_raw) // 100
    txn = _find(state, req)
    if txn is None:
        return _respond("refund", "91", None, terminal, request=req)
    with state.lock:
        if not txn.succeeded:
            return _respond("refund", "95", None, terminal, request=req)
        if txn.has_pending_refund():
            return _respond("refund", "94", "94.pending", terminal, request=req)
        remaining = txn.amount - txn.refunded_amount()
        if tx_type == "02":
            if txn.refunded_amount() > 0:
                return _respond("refund", "04", None, terminal, request=req)
            if amount != txn.amount:
                return _respond("refund", "93", None, terminal, request=req)
        elif amount > remaining:
            return _respond("refund", "93", None, terminal, request=req)
        switches = state.switches_for(terminal.tmn_code)
        record = RefundRecord(
            request_id=req["vnp_RequestId"],
            transaction_no=state.next_transaction_no(),
            amount=amount,
            transaction_type=tx_type,
            status="05" if switches["refund_pending"] else "00",
            pay_date=format_vnp_date(now),
            create_by=req.get("vnp_CreateBy", ""),
            order_info=_safe_info(req.get("vnp_OrderInfo", "")),
        )
        txn.refunds.append(record)
        fields = {
            "vnp_Amount": str(amount * 100),
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": record.pay_date,
            "vnp_TransactionNo": record.transaction_no,
            "vnp_TransactionType": tx_type,
            "vnp_TransactionStatus": record.status,
            "vnp_OrderInfo": record.order_info,
        }
    return _respond("refund", "00", None, terminal, fields, request=req)


def _safe_info(text: str) -> str:
    try:
        return clean_order_info(text)
    except Exception:  # empty after cleaning: keep a neutral label
        return "Hoan tien"


__all__ = ["handle_transaction_api"]
