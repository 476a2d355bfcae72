"""Unit tests: signing (with VNPay's documented test vector), conventions,
code mapping, events, IPN replies, webhook headers, backoff."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from billing.gateways.vnpay import (
    CHARGE_REFUNDED,
    CHECKOUT_SESSION_COMPLETED,
    CHECKOUT_SESSION_EXPIRED,
    PAYMENT_INTENT_CANCELED,
    PAYMENT_INTENT_PAYMENT_FAILED,
    PAYMENT_INTENT_PROCESSING,
    PAYMENT_INTENT_SUCCEEDED,
    CheckoutSession,
    Event,
    InvalidRequestError,
    SignatureVerificationError,
    VNPayClient,
    VNPayConfig,
    VNPayError,
    backoff_delay,
    build_sign_data,
    clean_order_info,
    construct_event,
    construct_events,
    format_vnd,
    ipn_reply,
    ipn_reply_for_exception,
    refund_event,
    sign_params,
    signed_query,
    verify,
    verify_params,
)
from billing.gateways.vnpay import errors as errs
from billing.gateways.vnpay.mapping import api_error
from billing.gateways.vnpay.signing import (
    QUERYDR_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    pipe_data,
    sign_querydr_request,
    verify_pipe,
)

VECTOR_PARAMS = {
    "vnp_Amount": "1806000",
    "vnp_Command": "pay",
    "vnp_CreateDate": "20210801153333",
    "vnp_CurrCode": "VND",
    "vnp_IpAddr": "127.0.0.1",
    "vnp_Locale": "vn",
    "vnp_OrderInfo": "Thanh toan don hang :5",
    "vnp_OrderType": "other",
    "vnp_ReturnUrl": "https://domainmerchant.vn/ReturnUrl",
    "vnp_TmnCode": "DEMOV210",
    "vnp_TxnRef": "5",
    "vnp_Version": "2.1.0",
}
VECTOR_STRING = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1"
    "&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)
SECRET = "TESTSECRETTESTSECRETTESTSECRET12"


def _signed(params: dict[str, str], secret: str = SECRET) -> dict[str, str]:
    return {**params, "vnp_SecureHash": sign_params(params, secret)}


def _ipn_params(code: str = "00", status: str = "00", **extra: str) -> dict[str, str]:
    return _signed({
        "vnp_TmnCode": "DEMOV210", "vnp_Amount": "1806000", "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14100001", "vnp_CardType": "ATM", "vnp_PayDate": "20210801153900",
        "vnp_OrderInfo": "Thanh toan don hang :5", "vnp_TransactionNo": "14100001",
        "vnp_ResponseCode": code, "vnp_TransactionStatus": status, "vnp_TxnRef": "5", **extra,
    })


# ------------------------------------------------------------------ signing
def test_documented_test_vector_string_to_sign():
    assert build_sign_data(VECTOR_PARAMS) == VECTOR_STRING
    # order of the input does not matter
    assert build_sign_data(dict(reversed(list(VECTOR_PARAMS.items())))) == VECTOR_STRING


def test_signature_is_hmac_sha512_hex_and_query_appends_it():
    expected = hmac.new(SECRET.encode(), VECTOR_STRING.encode(), hashlib.sha512).hexdigest()
    assert sign_params(VECTOR_PARAMS, SECRET) == expected
    assert signed_query(VECTOR_PARAMS, SECRET) == f"{VECTOR_STRING}&vnp_SecureHash={expected}"


def test_sign_data_drops_empty_hash_and_foreign_keys():
    params = {**VECTOR_PARAMS, "vnp_BankCode": "", "vnp_SecureHash": "x", "vnp_SecureHashType": "HmacSHA512",
              "utm_source": "mail"}
    assert build_sign_data(params) == VECTOR_STRING


def test_quote_plus_pitfalls():
    # Python's quote_plus, exactly: space -> "+", "/" and ":" encoded, "!'()*" encoded, UTF-8 bytes.
    data = build_sign_data({"vnp_OrderInfo": "a b~!'()*/:é"})
    assert data == "vnp_OrderInfo=a+b~%21%27%28%29%2A%2F%3A%C3%A9"
    assert data != "vnp_OrderInfo=" + quote("a b~!'()*/:é")


def test_verify_case_insensitive_and_rejects_tampering():
    params = _signed(VECTOR_PARAMS)
    assert verify_params(params, SECRET)
    assert verify_params({**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()}, SECRET)
    assert not verify_params({**params, "vnp_Amount": "1806100"}, SECRET)
    assert not verify_params(params, "OTHERSECRET")
    assert not verify_params({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)


def test_pipe_signatures():
    payload = {"vnp_RequestId": "r1", "vnp_Version": "2.1.0", "vnp_Command": "querydr", "vnp_TmnCode": "DEMOV210",
               "vnp_TxnRef": "5", "vnp_TransactionDate": "20210801153333", "vnp_CreateDate": "20210801160000",
               "vnp_IpAddr": "127.0.0.1", "vnp_OrderInfo": "Truy van"}
    assert pipe_data(payload, QUERYDR_REQUEST_FIELDS) == \
        "r1|2.1.0|querydr|DEMOV210|5|20210801153333|20210801160000|127.0.0.1|Truy van"
    payload["vnp_SecureHash"] = sign_querydr_request(payload, SECRET).upper()
    assert verify_pipe(payload, QUERYDR_REQUEST_FIELDS, SECRET)
    assert not verify_pipe({**payload, "vnp_TxnRef": "6"}, QUERYDR_REQUEST_FIELDS, SECRET)
    # missing response fields hash as empty strings
    assert pipe_data({"vnp_ResponseId": "a", "vnp_Command": "refund"}, REFUND_RESPONSE_FIELDS) == "a|refund" + "|" * 11


# --------------------------------------------------------------- conventions
def test_order_info_is_stripped_of_diacritics_and_specials():
    assert clean_order_info("Thanh toán lệ phí hồ sơ số 12/2024 – Đắk Lắk & đường Đồng Khởi!") == \
        "Thanh toan le phi ho so so 12 2024 Dak Lak duong Dong Khoi"
    assert clean_order_info("Thanh toan don hang :5") == "Thanh toan don hang :5"
    assert len(clean_order_info("á" * 400)) == 255
    with pytest.raises(InvalidRequestError):
        clean_order_info("!!! ###")


def test_format_vnd():
    assert format_vnd(1_806_000) == "1.806.000 ₫"
    assert format_vnd(5000) == "5.000 ₫"


@pytest.fixture
def client():
    fixed = datetime(2021, 8, 1, 8, 33, 33, tzinfo=UTC)  # 15:33:33 in GMT+7
    cfg = VNPayConfig(tmn_code="DEMOV210", hash_secret=SECRET, pay_url="http://127.0.0.1:8765",
                      return_url="https://domainmerchant.vn/ReturnUrl")
    with VNPayClient(cfg, now=lambda: fixed) as c:
        yield c


@pytest.mark.parametrize("amount", [0, -5, 10**10, 1.5, True, "1000"])
def test_amount_validation(client, amount):
    with pytest.raises(InvalidRequestError) as exc:
        client.checkout.sessions.create(amount_vnd=amount, client_reference_id="A1", order_info="x",
                                        ip_addr="127.0.0.1")
    assert exc.value.code in ("invalid_amount", "amount_too_large")


def test_largest_amount_fits_twelve_digits(client):
    s = client.checkout.sessions.create(amount_vnd=9_999_999_999, client_reference_id="A1", order_info="x",
                                        ip_addr="127.0.0.1")
    assert "vnp_Amount=999999999900&" in s.url


def test_checkout_session_reproduces_vector_in_gmt7_whatever_the_server_tz(client, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        s = client.checkout.sessions.create(
            amount_vnd=18060, client_reference_id="5", order_info="Thanh toán đơn hàng :5", ip_addr="127.0.0.1",
            expires_in=timedelta(minutes=15), metadata={"ho_so": "HS-5"})
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert s.url.startswith("http://127.0.0.1:8765/paymentv2/vpcpay.html?vnp_Amount=1806000&")
    assert "vnp_CreateDate=20210801153333" in s.url and "vnp_ExpireDate=20210801154833" in s.url
    assert "vnp_OrderInfo=Thanh+toan+don+hang+%3A5" in s.url
    assert s.status == "open" and s.payment_status == "unpaid" and s.client_reference_id == "5"
    assert s.expires_at == datetime(2021, 8, 1, 8, 48, 33, tzinfo=UTC)
    assert s.expires_at.utcoffset() == timedelta(hours=7)
    assert s.transaction_date == "20210801153333"
    assert s.payment_intent.status == "requires_action"
    assert s.payment_intent.next_action["redirect_to_url"]["url"] == s.url
    assert s.metadata == {"ho_so": "HS-5"}
    assert CheckoutSession.from_dict(s.to_dict()) == s
    query = s.url.split("?", 1)[1]
    assert verify(query, SECRET, tmn_code="DEMOV210")["vnp_TxnRef"] == "5"


def test_checkout_validation_errors(client):
    base = {"amount_vnd": 10000, "client_reference_id": "A1", "order_info": "x", "ip_addr": "127.0.0.1"}
    for override, code in [({"ip_addr": "not-an-ip"}, "invalid_ip_addr"),
                           ({"locale": "fr"}, "invalid_locale"),
                           ({"client_reference_id": "bad ref!"}, "invalid_client_reference_id"),
                           ({"expires_in": 0}, "invalid_expires_in"),
                           ({"bank_code": "ncb?"}, "invalid_bank_code"),
                           ({"metadata": {"k": 1}}, "invalid_metadata")]:
        with pytest.raises(InvalidRequestError) as exc:
            client.checkout.sessions.create(**{**base, **override})
        assert exc.value.code == code
        assert isinstance(exc.value.message, str) and exc.value.message


def test_config_normalizes_urls_and_ttl():
    cfg = VNPayConfig(tmn_code="X", hash_secret="s", pay_url="https://sandbox.vnpayment.vn")
    assert cfg.pay_url == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    assert cfg.api_url == "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
    with pytest.raises(ValueError):
        VNPayConfig(tmn_code="X", hash_secret="s", idempotency_ttl_s=3600)
    assert "s'" not in repr(cfg) or "hash_secret" not in repr(cfg)


# -------------------------------------------------------------------- events
def test_success_yields_intent_succeeded_and_session_completed():
    events = construct_events(_ipn_params(), SECRET, tmn_code="DEMOV210")
    assert [e.type for e in events] == [PAYMENT_INTENT_SUCCEEDED, CHECKOUT_SESSION_COMPLETED]
    intent = events[0].data.object
    assert intent.status == "succeeded" and intent.amount == 18060 and intent.transaction_no == "14100001"
    assert intent.pay_date == datetime(2021, 8, 1, 8, 39, 0, tzinfo=UTC)
    session = events[1].data.object
    assert (session.status, session.payment_status) == ("complete", "paid")
    # deterministic ids: a repeated IPN gives the same event ids
    again = construct_events(_ipn_params(), SECRET)
    assert [e.id for e in again] == [e.id for e in events]
    assert Event.from_dict(events[1].to_dict()) == events[1]


@pytest.mark.parametrize(
    ("code", "status", "etype", "istatus"),
    [
        ("24", "02", PAYMENT_INTENT_CANCELED, "canceled"),
        ("11", "02", CHECKOUT_SESSION_EXPIRED, "canceled"),
        ("51", "02", PAYMENT_INTENT_PAYMENT_FAILED, "requires_payment_method"),
        ("13", "02", PAYMENT_INTENT_PAYMENT_FAILED, "requires_payment_method"),
        ("07", "07", PAYMENT_INTENT_PROCESSING, "processing"),
    ],
)
def test_failure_codes_map_to_events(code, status, etype, istatus):
    event = construct_event(_ipn_params(code, status), SECRET)
    assert event.type == etype
    obj = event.data.object
    intent = obj.payment_intent if isinstance(obj, CheckoutSession) else obj
    assert intent.status == istatus
    if code == "11":
        assert obj.status == "expired"
    if code != "07":
        assert intent.last_payment_error.code == f"vnp_{code}"
        assert "Giao dịch" in intent.last_payment_error.message


def test_refund_params_give_charge_refunded():
    event = construct_event(_ipn_params("00", "05", vnp_TransactionType="03"), SECRET)
    assert event.type == CHARGE_REFUNDED
    assert event.data.object.status == "pending" and event.data.object.amount == 18060


def test_forged_params_raise_signature_error():
    params = _ipn_params()
    with pytest.raises(SignatureVerificationError):
        construct_events({**params, "vnp_Amount": "99900"}, SECRET)
    with pytest.raises(SignatureVerificationError):
        construct_events({k: v for k, v in params.items() if k != "vnp_SecureHash"}, SECRET)
    with pytest.raises(SignatureVerificationError):
        construct_events(params, SECRET, tmn_code="OTHER123")
    assert issubclass(SignatureVerificationError, VNPayError)


def test_ipn_reply_messages_are_exact():
    assert [ipn_reply(c) for c in ("00", "01", "02", "04", "97", "99")] == [
        {"RspCode": "00", "Message": "Confirm Success"},
        {"RspCode": "01", "Message": "Order not found"},
        {"RspCode": "02", "Message": "Order already confirmed"},
        {"RspCode": "04", "Message": "invalid amount"},
        {"RspCode": "97", "Message": "Invalid signature"},
        {"RspCode": "99", "Message": "Unknow error"},
    ]
    assert ipn_reply_for_exception(SignatureVerificationError("x"))["RspCode"] == "97"
    assert ipn_reply_for_exception(RuntimeError("x"))["RspCode"] == "99"
    with pytest.raises(ValueError):
        ipn_reply("05")


def test_error_tree_and_api_code_mapping():
    assert issubclass(errs.IdempotencyError, errs.InvalidRequestError)
    for cls in (errs.InvalidRequestError, errs.AuthenticationError, errs.CardError, errs.RateLimitError,
                errs.APIConnectionError, errs.APIError, errs.SignatureVerificationError):
        assert issubclass(cls, VNPayError)
    assert isinstance(api_error("97", command="refund"), errs.AuthenticationError)
    assert api_error("91", command="refund").code == "transaction_not_found"
    assert api_error("94", command="refund").code == "refund_pending"
    assert api_error("94", command="querydr").code == "duplicate_request"
    assert api_error("95", command="refund").code == "payment_not_successful"
    assert isinstance(api_error("99", command="querydr"), errs.APIError)


def test_refund_event():
    from billing.gateways.vnpay import Refund

    refund = Refund(id="re_1", amount=5000, status="succeeded", payment_intent="pi_5", client_reference_id="5",
                    transaction_type="03")
    event = refund_event(refund)
    assert event.type == CHARGE_REFUNDED and event.data.object == refund
    assert Event.from_dict(event.to_dict()) == event


def test_backoff_is_capped_exponential_with_full_jitter():
    assert [backoff_delay(i, base_s=0.5, cap_s=4, rng=lambda: 1.0) for i in range(5)] == [0.5, 1, 2, 4, 4]
    assert backoff_delay(3, base_s=0.5, cap_s=4, rng=lambda: 0.0) == 0
    assert all(0 <= backoff_delay(2, base_s=0.5, cap_s=4) <= 2 for _ in range(50))


def test_secret_not_leaked_in_repr_and_env_untouched():
    cfg = VNPayConfig(tmn_code="X", hash_secret="supersecret")
    assert "supersecret" not in repr(cfg)
    assert "TZ" not in os.environ or os.environ["TZ"] != "America/New_York"
