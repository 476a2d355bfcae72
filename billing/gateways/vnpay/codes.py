"""VNPay code tables: payment response codes, transaction statuses, API result
codes and the IPN reply table."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

# ------------------------------------------------------ vnp_ResponseCode (pay)
RESPONSE_MESSAGES_VI: Final[dict[str, str]] = {
    "00": "Giao dịch thành công",
    "07": "Trừ tiền thành công. Giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất thường).",
    "09": "Giao dịch không thành công do: Thẻ/Tài khoản của khách hàng chưa đăng ký dịch vụ "
    "InternetBanking tại ngân hàng.",
    "10": "Giao dịch không thành công do: Khách hàng xác thực thông tin thẻ/tài khoản không đúng quá 3 lần.",
    "11": "Giao dịch không thành công do: Đã hết hạn chờ thanh toán. Xin quý khách vui lòng thực hiện "
    "lại giao dịch.",
    "12": "Giao dịch không thành công do: Thẻ/Tài khoản của khách hàng bị khóa.",
    "13": "Giao dịch không thành công do Quý khách nhập sai mật khẩu xác thực giao dịch (OTP). "
    "Xin quý khách vui lòng thực hiện lại giao dịch.",
    "24": "Giao dịch không thành công do: Khách hàng hủy giao dịch.",
    "51": "Giao dịch không thành công do: Tài khoản của quý khách không đủ số dư để thực hiện giao dịch.",
    "65": "Giao dịch không thành công do: Tài khoản của Quý khách đã vượt quá hạn mức giao dịch trong ngày.",
    "75": "Ngân hàng thanh toán đang bảo trì.",
    "79": "Giao dịch không thành công do: Quý khách nhập sai mật khẩu thanh toán quá số lần quy định. "
    "Xin quý khách vui lòng thực hiện lại giao dịch.",
    "99": "Giao dịch không thành công do lỗi khác (không có trong danh sách mã lỗi).",
}

# English "decline codes" (Stripe's last_payment_error.decline_code).
DECLINE_CODES: Final[dict[str, str]] = {
    "07": "suspected_fraud",
    "09": "internet_banking_not_registered",
    "10": "authentication_failed",
    "11": "expired",
    "12": "card_locked",
    "13": "incorrect_otp",
    "24": "canceled_by_customer",
    "51": "insufficient_funds",
    "65": "daily_limit_exceeded",
    "75": "bank_maintenance",
    "79": "incorrect_password_limit",
    "99": "processing_error",
}

# -------------------------------------------------- vnp_TransactionStatus
TRANSACTION_STATUS_VI: Final[dict[str, str]] = {
    "00": "Giao dịch thành công",
    "01": "Giao dịch chưa hoàn tất",
    "02": "Giao dịch bị lỗi",
    "04": "Giao dịch đảo (khách hàng đã bị trừ tiền tại ngân hàng nhưng giao dịch chưa thành công ở VNPAY)",
    "05": "VNPAY đang xử lý giao dịch hoàn tiền",
    "06": "VNPAY đã gửi yêu cầu hoàn tiền sang ngân hàng",
    "07": "Giao dịch bị nghi ngờ gian lận",
    "09": "Giao dịch hoàn trả bị từ chối",
}

# ------------------------------------------- querydr / refund API result codes
API_MESSAGES_VI: Final[dict[str, str]] = {
    "00": "Yêu cầu thành công",
    "02": "Mã định danh kết nối (vnp_TmnCode) không hợp lệ",
    "03": "Dữ liệu gửi sang không đúng định dạng",
    "04": "Không cho phép hoàn trả toàn phần sau khi đã hoàn trả một phần",
    "91": "Không tìm thấy giao dịch yêu cầu",
    "93": "Số tiền hoàn trả không hợp lệ (vượt quá số tiền còn được hoàn)",
    "94": "Yêu cầu bị trùng lặp hoặc giao dịch đang có yêu cầu hoàn tiền chờ xử lý",
    "95": "Giao dịch gốc không thành công, không thể hoàn tiền",
    "97": "Sai chữ ký (checksum) của yêu cầu",
    "99": "Lỗi không xác định từ cổng thanh toán",
}


# ------------------------------------------------------------------ IPN reply
class IpnRspCode(StrEnum):
    CONFIRM_SUCCESS = "00"
    ORDER_NOT_FOUND = "01"
    ORDER_ALREADY_CONFIRMED = "02"
    INVALID_AMOUNT = "04"
    INVALID_SIGNATURE = "97"
    UNKNOWN_ERROR = "99"


IPN_REPLY_MESSAGES: Final[dict[str, str]] = {
    "00": "Confirm Success",
    "01": "Order not found",
    "02": "Order already confirmed",
    "04": "invalid amount",
    "97": "Invalid signature",
    "99": "Unknow error",  # sic: VNPay's documented spelling
}

# VNPay stops retrying the IPN only on these replies.
IPN_FINAL_REPLIES: Final[frozenset[str]] = frozenset({"00", "02"})


def ipn_reply(code: str | IpnRspCode) -> dict[str, str]:
    """The JSON body to answer an IPN with: ``{"RspCode": .., "Message": ..}``."""
    key = str(code.value if isinstance(code, IpnRspCode) else code)
    if key not in IPN_REPLY_MESSAGES:
        raise ValueError(f"unknown IPN reply code {code!r}")
    return {"RspCode": key, "Message": IPN_REPLY_MESSAGES[key]}


def response_message(code: str) -> str:
    return RESPONSE_MESSAGES_VI.get(code, RESPONSE_MESSAGES_VI["99"])


def is_success(response_code: str | None, transaction_status: str | None) -> bool:
    """Success per VNPay: ResponseCode 00 and TransactionStatus 00."""
    return response_code == "00" and transaction_status == "00"


__all__ = [
    "API_MESSAGES_VI",
    "DECLINE_CODES",
    "IPN_FINAL_REPLIES",
    "IPN_REPLY_MESSAGES",
    "IpnRspCode",
    "RESPONSE_MESSAGES_VI",
    "TRANSACTION_STATUS_VI",
    "ipn_reply",
    "is_success",
    "response_message",
]
