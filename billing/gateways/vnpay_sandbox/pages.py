"""HTML of the sandbox payment pages: Vietnamese, mobile-friendly, inline CSS
only (no external assets, no JavaScript needed)."""

from __future__ import annotations

from html import escape

from billing.gateways.vnpay.codes import RESPONSE_MESSAGES_VI
from billing.gateways.vnpay.conventions import format_vnd, parse_vnp_date

from .state import TEST_BANK, TEST_CARD_HOLDER, TEST_CARD_ISSUE, TEST_CARD_NUMBER, TEST_OTP, Terminal, Transaction

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,'Segoe UI',Roboto,Arial,sans-serif;background:#eef2f7;color:#1d2939}
header{background:#005baa;color:#fff;padding:14px 16px;font-weight:700;font-size:18px}
header span{color:#ed1c24;background:#fff;border-radius:4px;padding:1px 6px;margin-left:6px;font-size:12px}
main{max-width:480px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:10px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:18px;margin:0 0 12px}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:6px 12px;font-size:14px}
dt{color:#667085}dd{margin:0;text-align:right;word-break:break-word}
.amount{font-size:24px;font-weight:700;color:#005baa;text-align:center;margin:8px 0}
label{display:block;font-size:13px;color:#475467;margin:10px 0 4px}
input,select{width:100%;padding:11px;font-size:16px;border:1px solid #d0d5dd;border-radius:8px}
button{width:100%;padding:12px;font-size:16px;border:0;border-radius:8px;margin-top:10px;cursor:pointer}
.primary{background:#005baa;color:#fff}.secondary{background:#f2f4f7;color:#344054}
.danger{background:#fee4e2;color:#b42318}
.error{background:#fef3f2;color:#b42318;border:1px solid #fecdca;border-radius:8px;padding:10px;margin-bottom:10px}
.hint{background:#f0f9ff;color:#026aa2;border-radius:8px;padding:10px;font-size:13px}
.row{display:grid;grid-template-columns:1fr 1fr;gap:8px}
small{color:#667085}
"""


def _layout(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        "<header>VNPAY<span>SANDBOX</span></header>"
        f"<main>{body}</main></body></html>"
    )


def _display_date(value: str) -> str:
    try:
        dt = parse_vnp_date(value)
    except Exception:  # malformed dates were rejected earlier; be defensive
        return value
    return dt.strftime("%H:%M:%S %d/%m/%Y (GMT+7)") if dt else ""


def _order_box(txn: Transaction, terminal: Terminal) -> str:
    merchant = terminal.name or f"Merchant {terminal.tmn_code}"
    return (
        "<section class=\"card\"><h1>Thông tin đơn hàng</h1>"
        f"<div class=\"amount\" id=\"amount\">{escape(format_vnd(txn.amount))}</div><dl>"
        f"<dt>Nhà cung cấp</dt><dd id=\"merchant\">{escape(merchant)}</dd>"
        f"<dt>Mã terminal</dt><dd>{escape(terminal.tmn_code)}</dd>"
        f"<dt>Mã giao dịch</dt><dd id=\"txn-ref\">{escape(txn.txn_ref)}</dd>"
        f"<dt>Nội dung</dt><dd id=\"order-info\">{escape(txn.order_info)}</dd>"
        f"<dt>Hết hạn lúc</dt><dd>{escape(_display_date(txn.expire_date))}</dd>"
        "</dl></section>"
    )


def _actions(txn: Transaction) -> str:
    options = "".join(
        f"<option value=\"code:{code}\">{code} - {escape(msg[:70])}</option>"
        for code, msg in RESPONSE_MESSAGES_VI.items()
        if code not in ("00", "24", "51", "11")
    )
    sid = escape(txn.sid)
    return (
        "<section class=\"card\"><form method=\"post\" action=\"/paymentv2/action\">"
        f"<input type=\"hidden\" name=\"sid\" value=\"{sid}\">"
        "<button class=\"danger\" name=\"action\" value=\"cancel\">Hủy thanh toán</button>"
        "<button class=\"secondary\" name=\"action\" value=\"insufficient\">"
        "Mô phỏng: tài khoản không đủ số dư (51)</button>"
        "<button class=\"secondary\" name=\"action\" value=\"timeout\">"
        "Mô phỏng: hết thời gian thanh toán (11)</button></form>"
        "<details><summary><small>Mô phỏng lỗi khác</small></summary>"
        "<form method=\"post\" action=\"/paymentv2/action\">"
        f"<input type=\"hidden\" name=\"sid\" value=\"{sid}\">"
        f"<select name=\"action\">{options}</select>"
        "<button class=\"secondary\">Gửi kết quả</button></form></details></section>"
    )


def card_page(txn: Transaction, terminal: Terminal, error: str | None = None,
              values: dict[str, str] | None = None) -> str:
    v = values or {}
    err = f"<div class=\"error\" id=\"error\">{escape(error)}</div>" if error else ""
    body = (
        _order_box(txn, terminal)
        + "<section class=\"card\"><h1>Thanh toán qua thẻ ATM nội địa</h1>" + err
        + "<form method=\"post\" action=\"/paymentv2/card\" autocomplete=\"off\">"
        f"<input type=\"hidden\" name=\"sid\" value=\"{escape(txn.sid)}\">"
        "<label for=\"bank_code\">Ngân hàng</label>"
        "<select id=\"bank_code\" name=\"bank_code\">"
        f"<option value=\"{TEST_BANK}\">NCB - Ngân hàng TMCP Quốc Dân</option></select>"
        "<label for=\"card_number\">Số thẻ</label>"
        "<input id=\"card_number\" name=\"card_number\" inputmode=\"numeric\" "
        f"placeholder=\"9704 xxxx xxxx xxxx xxx\" value=\"{escape(v.get('card_number', ''))}\" required>"
        "<label for=\"card_holder\">Tên chủ thẻ (không dấu)</label>"
        "<input id=\"card_holder\" name=\"card_holder\" placeholder=\"NGUYEN VAN A\" "
        f"value=\"{escape(v.get('card_holder', ''))}\" required>"
        "<label for=\"issue_date\">Ngày phát hành (MM/YY)</label>"
        "<input id=\"issue_date\" name=\"issue_date\" placeholder=\"07/15\" "
        f"value=\"{escape(v.get('issue_date', ''))}\" required>"
        "<button class=\"primary\" type=\"submit\">Tiếp tục</button></form>"
        f"<p class=\"hint\">Thẻ thử nghiệm: ngân hàng {TEST_BANK}, số thẻ {TEST_CARD_NUMBER}, "
        f"chủ thẻ {TEST_CARD_HOLDER}, ngày phát hành {TEST_CARD_ISSUE}, OTP {TEST_OTP}.</p></section>"
        + _actions(txn)
    )
    return _layout("Thanh toán VNPAY (sandbox)", body)


def otp_page(txn: Transaction, terminal: Terminal, error: str | None = None) -> str:
    err = f"<div class=\"error\" id=\"error\">{escape(error)}</div>" if error else ""
    body = (
        _order_box(txn, terminal)
        + "<section class=\"card\"><h1>Xác thực OTP</h1>" + err
        + "<p><small>Mã OTP đã được gửi tới số điện thoại đăng ký của chủ thẻ.</small></p>"
        "<form method=\"post\" action=\"/paymentv2/otp\" autocomplete=\"off\">"
        f"<input type=\"hidden\" name=\"sid\" value=\"{escape(txn.sid)}\">"
        "<label for=\"otp\">Mã OTP</label>"
        "<input id=\"otp\" name=\"otp\" inputmode=\"numeric\" maxlength=\"6\" required>"
        "<button class=\"primary\" type=\"submit\">Thanh toán</button></form>"
        f"<p class=\"hint\">OTP thử nghiệm: {TEST_OTP}</p></section>"
        + _actions(txn)
    )
    return _layout("Xác thực OTP - VNPAY (sandbox)", body)


def error_page(message: str, code: str, detail: str | None = None) -> str:
    extra = f"<p><small>{escape(detail)}</small></p>" if detail else ""
    body = (
        "<section class=\"card\"><h1>Giao dịch không hợp lệ</h1>"
        f"<div class=\"error\" id=\"error\">{escape(message)}</div>"
        f"<p>Mã lỗi: <strong id=\"error-code\">{escape(code)}</strong></p>{extra}"
        "<p><small>Vui lòng liên hệ đơn vị bán hàng hoặc thực hiện lại giao dịch.</small></p></section>"
    )
    return _layout("Lỗi giao dịch - VNPAY (sandbox)", body)


def index_page(tmn_codes: list[str]) -> str:
    items = "".join(f"<li>{escape(code)}</li>" for code in tmn_codes)
    body = (
        "<section class=\"card\"><h1>Cổng thanh toán VNPAY giả lập (v2.1.0)</h1>"
        "<p><small>Thanh toán: GET /paymentv2/vpcpay.html · Truy vấn/hoàn tiền: "
        "POST /merchant_webapi/api/transaction · Quản trị: /sandbox/terminals, /sandbox/switches, "
        "/sandbox/ipn-log, /sandbox/transactions, /sandbox/reset</small></p>"
        f"<p>Terminal đang cấu hình:</p><ul>{items}</ul></section>"
    )
    return _layout("VNPAY sandbox", body)


__all__ = ["card_page", "error_page", "index_page", "otp_page"]
