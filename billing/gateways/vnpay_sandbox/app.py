"""The sandbox as a plain WSGI application (no framework).

Serve it with ``python -m billing.gateways.vnpay_sandbox`` (threaded wsgiref)
or ``gunicorn 'billing.gateways.vnpay_sandbox.app:application' --workers 1 --threads 8``
(state is in memory: use ONE worker process).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from billing.gateways.vnpay.codes import RESPONSE_MESSAGES_VI
from billing.gateways.vnpay.conventions import VN_TZ, format_vnp_date, parse_vnp_date
from billing.gateways.vnpay.errors import VNPayError
from billing.gateways.vnpay.signing import SECURE_HASH, SECURE_HASH_TYPE, signed_query, verify_params

from . import pages
from .api import handle_transaction_api
from .ipn import IpnDispatcher
from .state import (
    MAX_CARD_TRIES,
    MAX_OTP_TRIES,
    TEST_BANK,
    TEST_CARD_HOLDER,
    TEST_CARD_ISSUE,
    TEST_CARD_NUMBER,
    TEST_OTP,
    SandboxConfigError,
    SandboxState,
    Terminal,
    Transaction,
)

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
Response = tuple[str, list[tuple[str, str]], bytes]

_STATUS = {200: "200 OK", 302: "302 Found", 400: "400 Bad Request", 401: "401 Unauthorized",
           404: "404 Not Found", 405: "405 Method Not Allowed", 429: "429 Too Many Requests",
           500: "500 Internal Server Error", 503: "503 Service Unavailable"}
_DIGITS_RE = re.compile(r"^\d{1,12}$")
_DATE_RE = re.compile(r"^\d{14}$")
_ACTIONS = {"cancel": "24", "insufficient": "51", "timeout": "11"}
MAX_BODY = 1_000_000


class _Halt(Exception):
    """Stop a pay-flow handler and show ``response`` instead."""

    def __init__(self, response: Response) -> None:
        super().__init__("halt")
        self.response = response


class PayRequestError(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _html(status: int, body: str) -> Response:
    return _STATUS[status], [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], \
        body.encode("utf-8")


def _json(status: int, data: Any) -> Response:
    return _STATUS[status], [("Content-Type", "application/json; charset=utf-8")], \
        json.dumps(data, ensure_ascii=False).encode("utf-8")


def _redirect(location: str) -> Response:
    return _STATUS[302], [("Location", location), ("Content-Type", "text/plain; charset=utf-8")], b""


class SandboxApp:
    """WSGI callable. ``state`` and ``ipn`` are exposed for embedding."""

    def __init__(self, state: SandboxState | None = None) -> None:
        self.state = state or SandboxState()
        self.ipn = IpnDispatcher(self.state)

    def shutdown(self) -> None:
        """Stop pending IPN deliveries (used by ``SandboxServer.stop``)."""
        self.state.cancelled.set()

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self.route(environ)
        except Exception:
            logger.exception("sandbox error")
            status, headers, body = _json(500, {"error": "internal sandbox error"})
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def route(self, environ: dict[str, Any]) -> Response:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "/") or "/"
        if path == "/paymentv2/vpcpay.html":
            return self.pay_start(environ) if method == "GET" else _json(405, {"error": "GET only"})
        if path in ("/paymentv2/card", "/paymentv2/otp", "/paymentv2/action"):
            if method != "POST":
                return _json(405, {"error": "POST only"})
            form = self._form(environ)
            handler = {"/paymentv2/card": self.pay_card, "/paymentv2/otp": self.pay_otp,
                       "/paymentv2/action": self.pay_action}[path]
            try:
                return handler(form)
            except _Halt as halt:
                return halt.response
        if path == "/merchant_webapi/api/transaction":
            return self.transaction_api(environ) if method == "POST" else _json(405, {"error": "POST only"})
        if path == "/sandbox/health":
            return _json(200, {"ok": True})
        if path.startswith("/sandbox/"):
            token = self.state.admin_token
            if token and not secrets.compare_digest(environ.get("HTTP_X_SANDBOX_TOKEN", ""), token):
                return _json(401, {"error": "missing or bad X-Sandbox-Token"})
            return self.admin(method, path, environ)
        if path == "/" and method == "GET":
            with self.state.lock:
                codes = sorted(self.state.terminals)
            return _html(200, pages.index_page(codes))
        return _json(404, {"error": "not found"})

    # --------------------------------------------------------------- helpers
    @staticmethod
    def _body(environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= 0:
            return b""
        return environ["wsgi.input"].read(min(length, MAX_BODY))

    def _form(self, environ: dict[str, Any]) -> dict[str, str]:
        return dict(parse_qsl(self._body(environ).decode("utf-8", "replace"), keep_blank_values=True))

    def _json_body(self, environ: dict[str, Any]) -> Any:
        raw = self._body(environ)
        if not raw:
            return {}
        return json.loads(raw.decode("utf-8"))

    # ------------------------------------------------------------- pay flow
    def pay_start(self, environ: dict[str, Any]) -> Response:
        params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        try:
            terminal, txn = self._open_transaction(params)
        except PayRequestError as exc:
            return _html(400, pages.error_page(exc.message, exc.code))
        if txn.state == "card_ok":
            return _html(200, pages.otp_page(txn, terminal))
        return _html(200, pages.card_page(txn, terminal))

    def _open_transaction(self, p: Mapping[str, str]) -> tuple[Terminal, Transaction]:
        if p.get("vnp_Version") != "2.1.0":
            raise PayRequestError(f"Phiên bản (vnp_Version) không được hỗ trợ: {p.get('vnp_Version', '')!r}", "03")
        if p.get("vnp_Command") != "pay":
            raise PayRequestError("Lệnh (vnp_Command) không hợp lệ, phải là 'pay'", "03")
        terminal = self.state.terminal(p.get("vnp_TmnCode"))
        if terminal is None:
            raise PayRequestError(
                f"Website/terminal (vnp_TmnCode={p.get('vnp_TmnCode', '')}) chưa được cấu hình trên cổng", "02")
        if not p.get(SECURE_HASH):
            raise PayRequestError("Thiếu chữ ký (vnp_SecureHash)", "97")
        if not verify_params(p, terminal.hash_secret):
            raise PayRequestError("Sai chữ ký (vnp_SecureHash): dữ liệu không toàn vẹn", "97")
        amount = p.get("vnp_Amount", "")
        if not _DIGITS_RE.match(amount) or int(amount) <= 0 or int(amount) % 100:
            raise PayRequestError("Số tiền (vnp_Amount) không hợp lệ: phải là số nguyên dương (VND x 100), "
                                  "tối đa 12 chữ số", "03")
        if p.get("vnp_CurrCode") != "VND":
            raise PayRequestError("Loại tiền tệ (vnp_CurrCode) phải là VND", "03")
        txn_ref = p.get("vnp_TxnRef", "")
        if not txn_ref or len(txn_ref) > 100:
            raise PayRequestError("Mã giao dịch (vnp_TxnRef) trống hoặc dài quá 100 ký tự", "03")
        info = p.get("vnp_OrderInfo", "")
        if not info or len(info) > 255 or not info.isascii():
            raise PayRequestError("Nội dung thanh toán (vnp_OrderInfo) phải là tiếng Việt không dấu, "
                                  "tối đa 255 ký tự", "03")
        if not p.get("vnp_OrderType"):
            raise PayRequestError("Thiếu loại hàng hoá (vnp_OrderType)", "03")
        if p.get("vnp_Locale") not in ("vn", "en"):
            raise PayRequestError("Ngôn ngữ (vnp_Locale) phải là vn hoặc en", "03")
        if not p.get("vnp_ReturnUrl", "").startswith(("http://", "https://")):
            raise PayRequestError("Địa chỉ trả về (vnp_ReturnUrl) không hợp lệ", "03")
        if not p.get("vnp_IpAddr"):
            raise PayRequestError("Thiếu địa chỉ IP khách hàng (vnp_IpAddr)", "03")
        for name in ("vnp_CreateDate", "vnp_ExpireDate"):
            value = p.get(name, "")
            try:
                ok = bool(_DATE_RE.match(value)) and parse_vnp_date(value) is not None
            except (ValueError, VNPayError):
                ok = False
            if not ok:
                raise PayRequestError(f"{name} phải có dạng yyyyMMddHHmmss (GMT+7)", "03")
        now_str = format_vnp_date(datetime.now(VN_TZ))
        if p["vnp_ExpireDate"] <= now_str:
            raise PayRequestError("Giao dịch đã quá thời gian chờ thanh toán (vnp_ExpireDate đã qua)", "11")
        if p["vnp_ExpireDate"] <= p["vnp_CreateDate"]:
            raise PayRequestError("vnp_ExpireDate phải sau vnp_CreateDate", "03")
        fingerprint = hashlib.sha256(
            "&".join(f"{k}={v}" for k, v in sorted(p.items()) if k not in (SECURE_HASH, SECURE_HASH_TYPE))
            .encode("utf-8")).hexdigest()
        with self.state.lock:
            existing = self.state.transactions.get((terminal.tmn_code, txn_ref))
            if existing is not None:
                if existing.fingerprint != fingerprint:
                    raise PayRequestError(f"Mã giao dịch (vnp_TxnRef={txn_ref}) đã tồn tại", "94")
                if existing.state == "done":
                    raise PayRequestError("Giao dịch đã được xử lý, không thể thanh toán lại", "02")
                return terminal, existing
            txn = Transaction(
                tmn_code=terminal.tmn_code, txn_ref=txn_ref, amount=int(amount) // 100, order_info=info,
                order_type=p["vnp_OrderType"], locale=p["vnp_Locale"], return_url=p["vnp_ReturnUrl"],
                ip_addr=p["vnp_IpAddr"], create_date=p["vnp_CreateDate"], expire_date=p["vnp_ExpireDate"],
                requested_bank_code=p.get("vnp_BankCode", ""), sid=secrets.token_urlsafe(18),
                fingerprint=fingerprint,
            )
            self.state.transactions[txn.key] = txn
            self.state.by_sid[txn.sid] = txn
            return terminal, txn

    def _session(self, form: Mapping[str, str]) -> tuple[Terminal, Transaction]:
        """The transaction behind a form's ``sid``; raises _Halt with the page to show."""
        with self.state.lock:
            txn = self.state.by_sid.get(form.get("sid", ""))
        if txn is None:
            raise _Halt(_html(400, pages.error_page("Phiên thanh toán không tồn tại hoặc đã hết hiệu lực", "91")))
        terminal = self.state.terminal(txn.tmn_code)
        if terminal is None:
            raise _Halt(_html(400, pages.error_page("Terminal không còn được cấu hình", "02")))
        if txn.state == "done":
            raise _Halt(_html(400, pages.error_page("Giao dịch đã được xử lý", "02")))
        if txn.expired(datetime.now(VN_TZ)):
            raise _Halt(self._finish(terminal, txn, "11"))
        return terminal, txn

    def pay_card(self, form: Mapping[str, str]) -> Response:
        terminal, txn = self._session(form)
        number = re.sub(r"[\s-]", "", form.get("card_number", ""))
        holder = " ".join(form.get("card_holder", "").upper().split())
        ok = (form.get("bank_code", TEST_BANK) == TEST_BANK and number == TEST_CARD_NUMBER
              and holder == TEST_CARD_HOLDER and form.get("issue_date", "").strip() == TEST_CARD_ISSUE)
        with self.state.lock:
            if txn.state == "card_ok":
                return _html(200, pages.otp_page(txn, terminal))
            if not ok:
                txn.card_tries += 1
                tries_left = MAX_CARD_TRIES - txn.card_tries
            else:
                txn.state = "card_ok"
                txn.bank_code = TEST_BANK
                tries_left = -1
        if ok:
            return _html(200, pages.otp_page(txn, terminal))
        if tries_left <= 0:
            return self._finish(terminal, txn, "10")
        values = {k: form.get(k, "") for k in ("card_number", "card_holder", "issue_date")}
        return _html(200, pages.card_page(
            txn, terminal, f"Thông tin thẻ không đúng. Quý khách còn {tries_left} lần thử.", values))

    def pay_otp(self, form: Mapping[str, str]) -> Response:
        terminal, txn = self._session(form)
        if txn.state != "card_ok":
            return _html(200, pages.card_page(txn, terminal, "Vui lòng nhập thông tin thẻ trước"))
        if secrets.compare_digest(form.get("otp", "").strip(), TEST_OTP):
            return self._finish(terminal, txn, "00")
        with self.state.lock:
            txn.otp_tries += 1
            tries_left = MAX_OTP_TRIES - txn.otp_tries
        if tries_left <= 0:
            return self._finish(terminal, txn, "13")
        return _html(200, pages.otp_page(txn, terminal, f"Mã OTP không đúng. Quý khách còn {tries_left} lần thử."))

    def pay_action(self, form: Mapping[str, str]) -> Response:
        terminal, txn = self._session(form)
        action = form.get("action", "")
        code = _ACTIONS.get(action)
        if code is None and action.startswith("code:") and action[5:] in RESPONSE_MESSAGES_VI:
            code = action[5:]
        if code is None:
            return _html(400, pages.error_page(f"Thao tác không hợp lệ: {action!r}", "03"))
        return self._finish(terminal, txn, code)

    def _finish(self, terminal: Terminal, txn: Transaction, code: str) -> Response:
        """Record the outcome, send the IPN (in the background), redirect."""
        now = datetime.now(VN_TZ)
        with self.state.lock:
            if txn.state == "done":
                return _html(400, pages.error_page("Giao dịch đã được xử lý", "02"))
            card_entered = txn.state == "card_ok"
            txn.state = "done"
            txn.response_code = code
            txn.transaction_status = {"00": "00", "07": "07"}.get(code, "02")
            txn.transaction_no = "0" if code in ("24", "11") and not card_entered else \
                self.state.next_transaction_no()
            txn.bank_code = TEST_BANK if card_entered else (txn.requested_bank_code or "VNPAY")
            txn.bank_tran_no = f"VNP{txn.transaction_no}" if code in ("00", "07") else ""
            txn.card_type = "QRCODE" if txn.requested_bank_code == "VNPAYQR" else "ATM"
            txn.pay_date = format_vnp_date(now)
            params = {
                "vnp_TmnCode": txn.tmn_code,
                "vnp_Amount": str(txn.amount * 100),
                "vnp_BankCode": txn.bank_code,
                "vnp_BankTranNo": txn.bank_tran_no,
                "vnp_CardType": txn.card_type,
                "vnp_PayDate": txn.pay_date,
                "vnp_OrderInfo": txn.order_info,
                "vnp_TransactionNo": txn.transaction_no,
                "vnp_ResponseCode": txn.response_code,
                "vnp_TransactionStatus": txn.transaction_status,
                "vnp_TxnRef": txn.txn_ref,
            }
        query = signed_query(params, terminal.hash_secret)
        self.ipn.dispatch(terminal, txn.txn_ref, query)
        sep = "&" if "?" in txn.return_url else "?"
        return _redirect(f"{txn.return_url}{sep}{query}")

    # ------------------------------------------------------------------ API
    def transaction_api(self, environ: dict[str, Any]) -> Response:
        try:
            payload: Any = self._json_body(environ)
        except (ValueError, UnicodeDecodeError):
            payload = None
        tmn = payload.get("vnp_TmnCode") if isinstance(payload, dict) else None
        switches = self.state.switches_for(str(tmn) if tmn else None)
        if switches["api_down"]:
            return _json(503, {"error": "VNPAY API tạm thời không khả dụng (sandbox api_down)"})
        if switches["api_rate_limited"]:
            return _json(429, {"error": "Quá nhiều yêu cầu (sandbox api_rate_limited)"})
        if switches["api_delay_s"]:
            time.sleep(switches["api_delay_s"])
        status, body = handle_transaction_api(self.state, payload)
        return _json(status, body)

    # ---------------------------------------------------------------- admin
    def admin(self, method: str, path: str, environ: dict[str, Any]) -> Response:
        st = self.state
        try:
            if path == "/sandbox/terminals":
                if method == "POST":
                    data = self._json_body(environ)
                    if isinstance(data, dict) and "terminals" in data:
                        data = data["terminals"]
                    items = data if isinstance(data, list) else [data]
                    saved = [st.upsert_terminal(item).public() for item in items]
                    return _json(200, {"terminals": saved})
                with st.lock:
                    return _json(200, {"terminals": [t.public() for t in st.terminals.values()]})
            if path == "/sandbox/switches":
                if method == "POST":
                    data = self._json_body(environ)
                    if not isinstance(data, dict):
                        raise SandboxConfigError("switches must be a JSON object")
                    return _json(200, st.set_switches(data))
                return _json(200, st.switches_snapshot())
            if path == "/sandbox/ipn-log" and method == "GET":
                q = dict(parse_qsl(environ.get("QUERY_STRING", "")))
                return _json(200, {"entries": st.ipn_log_filtered(q.get("tmn_code"), q.get("txn_ref"))})
            if path == "/sandbox/transactions" and method == "GET":
                with st.lock:
                    return _json(200, {"transactions": [t.public() for t in st.transactions.values()]})
            if path == "/sandbox/reset" and method == "POST":
                st.reset()
                return _json(200, {"ok": True})
            if path == "/sandbox/refunds/settle" and method == "POST":
                return self._settle(self._json_body(environ))
        except (SandboxConfigError, ValueError) as exc:
            return _json(400, {"error": str(exc)})
        return _json(404, {"error": "not found"})

    def _settle(self, data: Any) -> Response:
        if not isinstance(data, dict):
            raise SandboxConfigError("expected a JSON object")
        status = data.get("status", "00")
        if status not in ("00", "09"):
            raise SandboxConfigError("status must be 00 (done) or 09 (rejected)")
        with self.state.lock:
            txn = self.state.transactions.get((str(data.get("tmn_code")), str(data.get("txn_ref"))))
            if txn is None:
                return _json(404, {"error": "transaction not found"})
            settled = 0
            for refund in txn.refunds:
                if refund.status == "05":
                    refund.status = status
                    settled += 1
            return _json(200, {"settled": settled, "transaction": txn.public()})


def create_app(environ: Mapping[str, str] | None = None, terminals: list[Terminal] | None = None) -> SandboxApp:
    """A fresh sandbox (terminals from ``VNPAY_SANDBOX_TERMINALS`` + the demo one)."""
    return SandboxApp(SandboxState(environ, terminals))


application = create_app()

__all__ = ["SandboxApp", "application", "create_app"]
