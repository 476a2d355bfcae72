"""End-to-end over real HTTP: client -> local sandbox (pay pages, IPN,
querydr, refund) -> a real merchant receiver that verifies with the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from billing.gateways.vnpay import (
    PAYMENT_INTENT_SUCCEEDED,
    AuthenticationError,
    InvalidRequestError,
    SignatureVerificationError,
    VNPayClient,
    VNPayConfig,
    sign_params,
)
from billing.gateways.vnpay.signing import (
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    verify_pipe,
)
from billing.gateways.vnpay.signing import sign_pipe as pipe_sign
from billing.gateways.vnpay_sandbox import DEFAULT_HASH_SECRET, DEFAULT_TMN_CODE
from tests.billing.gateways.vnpay_fixtures import (
    base_of,
    ipn_log,
    make_client,
    new_ref,
    open_pay_page,
    pay_successfully,
    press,
    register_terminal,
    return_params,
    set_switches,
    submit_card,
    submit_otp,
    wait_for,
)


@pytest.fixture
def merchant(sandbox, receiver):
    """(client, tmn_code) for a fresh terminal whose IPN goes to the receiver."""
    tmn, secret = register_terminal(sandbox.url, f"{receiver.url}/ipn", receiver)
    set_switches(sandbox.url, tmn_code=tmn, retry_interval_s=0.05)
    client = make_client(sandbox.url, tmn, secret, return_url=f"{receiver.url}/return")
    yield client, tmn
    client.close()


@pytest.fixture
def http():
    with httpx.Client(timeout=5) as c:
        yield c


def _session(client, receiver, amount=1_806_000, **kw):
    ref = new_ref()
    receiver.add_order(ref, amount)
    return client.checkout.sessions.create(amount_vnd=amount, client_reference_id=ref,
                                           order_info="Lệ phí hồ sơ " + ref, ip_addr="127.0.0.1", **kw)


def test_full_pay_flow(sandbox, receiver, merchant, http):
    client, tmn = merchant
    session = _session(client, receiver)
    page, sid = open_pay_page(http, session.url)
    assert "1.806.000 ₫" in page.text and session.client_reference_id in page.text
    assert "Lệ phí" not in page.text and "Le phi ho so" in page.text
    assert 'name="viewport"' in page.text and "<link" not in page.text and "<script" not in page.text
    assert base_of(session.url) == sandbox.url

    done = pay_successfully(http, sandbox.url, session.url)
    params = return_params(done)
    assert params["vnp_ResponseCode"] == "00" and params["vnp_TransactionStatus"] == "00"
    assert params["vnp_Amount"] == "180600000" and params["vnp_TmnCode"] == tmn
    # the return page (display only) verifies the signed return params
    final = http.get(done.headers["location"])
    assert final.json()["ok"] is True and final.json()["types"][0] == PAYMENT_INTENT_SUCCEEDED
    # the authoritative IPN arrives server-to-server and verifies
    calls = wait_for(lambda: receiver.calls_for(session.client_reference_id))
    assert calls[0].reply == {"RspCode": "00", "Message": "Confirm Success"}
    assert calls[0].event_types == ["payment_intent.succeeded", "checkout.session.completed"]
    assert receiver.orders[session.client_reference_id].status == "paid"
    events = client.webhooks.construct_events(calls[0].params)
    intent = events[0].data.object
    assert intent.status == "succeeded" and intent.amount == 1_806_000
    assert intent.pay_date.utcoffset() == timedelta(hours=7)
    # the IPN log of the sandbox records the delivery and the reply
    log = wait_for(lambda: ipn_log(sandbox.url, tmn_code=tmn, txn_ref=session.client_reference_id))
    assert log[0]["rsp_code"] == "00" and log[0]["outcome"] == "delivered"
    # the same pay URL cannot be paid twice
    again = http.get(session.url)
    assert again.status_code == 400 and "đã được xử lý" in again.text


@pytest.mark.parametrize(
    ("action", "code", "event_type", "intent_status", "session_status"),
    [
        ("cancel", "24", "payment_intent.canceled", "canceled", None),
        ("insufficient", "51", "payment_intent.payment_failed", "requires_payment_method", None),
        ("timeout", "11", "checkout.session.expired", "canceled", "expired"),
    ],
)
def test_failure_buttons(sandbox, receiver, merchant, http, action, code, event_type, intent_status,
                         session_status):
    client, _ = merchant
    session = _session(client, receiver, amount=50_000)
    _, sid = open_pay_page(http, session.url)
    done = press(http, sandbox.url, sid, action)
    assert done.status_code == 302
    params = return_params(done)
    assert params["vnp_ResponseCode"] == code and params["vnp_TransactionStatus"] == "02"
    event = client.webhooks.construct_event(params, source="return")
    assert event.type == event_type
    obj = event.data.object
    intent = getattr(obj, "payment_intent", obj)
    assert intent.status == intent_status
    assert intent.last_payment_error.code == f"vnp_{code}"
    if session_status:
        assert obj.status == session_status
    calls = wait_for(lambda: receiver.calls_for(session.client_reference_id))
    assert calls[0].event_types == [event_type] and calls[0].reply["RspCode"] == "00"
    assert receiver.orders[session.client_reference_id].status == "failed"
    # querydr reports the failed payment
    reconciled = client.payment_intents.reconcile(session)
    assert reconciled.status == "requires_payment_method" and reconciled.transaction_status == "02"


def test_wrong_card_then_wrong_otp_three_times_gives_13(sandbox, receiver, merchant, http):
    client, _ = merchant
    session = _session(client, receiver)
    _, sid = open_pay_page(http, session.url)
    bad = submit_card(http, sandbox.url, sid, card_number="9704000000000000018")
    assert bad.status_code == 200 and "Thông tin thẻ không đúng" in bad.text and 'name="otp"' not in bad.text
    assert 'name="otp"' in submit_card(http, sandbox.url, sid).text
    first = submit_otp(http, sandbox.url, sid, "000000")
    assert first.status_code == 200 and "Mã OTP không đúng" in first.text
    submit_otp(http, sandbox.url, sid, "111111")
    done = submit_otp(http, sandbox.url, sid, "222222")
    assert done.status_code == 302
    params = return_params(done)
    assert params["vnp_ResponseCode"] == "13"
    event = client.webhooks.construct_event(params)
    assert event.type == "payment_intent.payment_failed"
    assert event.data.object.last_payment_error.decline_code == "incorrect_otp"


def test_forged_or_invalid_pay_urls_are_rejected_by_the_sandbox(sandbox, receiver, merchant, http):
    client, _ = merchant
    session = _session(client, receiver, amount=10_000)
    forged = session.url.replace("vnp_Amount=1000000", "vnp_Amount=100")
    page = http.get(forged)
    assert page.status_code == 400 and "Sai chữ ký" in page.text and ">97<" in page.text
    unknown = session.url.replace(f"vnp_TmnCode={client.config.tmn_code}", "vnp_TmnCode=NOPE1234")
    page = http.get(unknown)
    assert page.status_code == 400 and "vnp_TmnCode" in page.text
    # an already-expired payment window (client clock one hour behind)
    past = VNPayClient(VNPayConfig(tmn_code=client.config.tmn_code, hash_secret=client.config.hash_secret,
                                   pay_url=sandbox.url, return_url="http://127.0.0.1:9/r"),
                       now=lambda: datetime.now(UTC) - timedelta(hours=1))
    expired = past.checkout.sessions.create(amount_vnd=10_000, client_reference_id=new_ref(), order_info="x",
                                            ip_addr="127.0.0.1")
    page = http.get(expired.url)
    assert page.status_code == 400 and "quá thời gian" in page.text
    past.close()
    # a bad amount signed correctly is still refused (format check)
    q = dict(p.split("=", 1) for p in session.url.split("?", 1)[1].split("&") if not p.startswith("vnp_Secure"))
    q["vnp_Amount"] = "12345"
    from urllib.parse import unquote_plus

    q = {k: unquote_plus(v) for k, v in q.items()}
    q["vnp_SecureHash"] = sign_params(q, client.config.hash_secret)
    page = http.get(f"{sandbox.url}/paymentv2/vpcpay.html", params=q)
    assert page.status_code == 400 and "vnp_Amount" in page.text


def test_forged_return_and_ipn_are_rejected_by_the_client(sandbox, receiver, merchant, http):
    client, _ = merchant
    session = _session(client, receiver)
    params = return_params(pay_successfully(http, sandbox.url, session.url))
    upper = {**params, "vnp_SecureHash": params["vnp_SecureHash"].upper()}
    assert client.webhooks.verify(upper)["vnp_TxnRef"] == session.client_reference_id
    forged = {**params, "vnp_Amount": "100"}
    with pytest.raises(SignatureVerificationError):
        client.webhooks.construct_events(forged)
    # the merchant's IPN endpoint answers 97 to a forged notification
    r = http.get(f"{receiver.url}/ipn", params=forged)
    assert r.json() == {"RspCode": "97", "Message": "Invalid signature"}
    r = http.get(f"{receiver.url}/return", params=forged)
    assert r.status_code == 400 and r.json()["error"] == "SignatureVerificationError"


def test_querydr_matches_payment(sandbox, receiver, merchant, http):
    client, _ = merchant
    session = _session(client, receiver, amount=250_000)
    _, sid = open_pay_page(http, session.url)
    pending = client.payment_intents.reconcile(session)
    assert pending.status == "requires_action" and pending.amount == 250_000
    params = return_params(pay_successfully(http, sandbox.url, session.url))
    intent = client.payment_intents.retrieve(session.client_reference_id, transaction_date=session.created,
                                             transaction_no=params["vnp_TransactionNo"])
    assert intent.status == "succeeded"
    assert intent.amount_vnd == 250_000
    assert intent.transaction_no == params["vnp_TransactionNo"]
    assert intent.pay_date is not None and intent.pay_date.tzinfo is not None
    assert intent.pay_date.strftime("%Y%m%d%H%M%S") == params["vnp_PayDate"]
    with pytest.raises(InvalidRequestError) as exc:
        client.payment_intents.retrieve(new_ref(), transaction_date=session.created)
    assert exc.value.vnp_code == "91" and exc.value.code == "transaction_not_found"


def _paid(sandbox, receiver, client, http, amount):
    session = _session(client, receiver, amount=amount)
    params = return_params(pay_successfully(http, sandbox.url, session.url))
    return session, params


def test_full_and_partial_refunds(sandbox, receiver, merchant, http):
    client, _ = merchant
    session, params = _paid(sandbox, receiver, client, http, 300_000)
    kw = {"client_reference_id": session.client_reference_id, "transaction_date": session.created,
          "original_amount_vnd": 300_000, "transaction_no": params["vnp_TransactionNo"], "create_by": "can bo 01"}
    part = client.refunds.create(amount_vnd=100_000, reason="Hoàn một phần", **kw)
    assert (part.status, part.amount, part.transaction_type, part.full) == ("succeeded", 100_000, "03", False)
    with pytest.raises(InvalidRequestError) as exc:  # over-refund
        client.refunds.create(amount_vnd=250_000, **{**kw, "original_amount_vnd": 260_000})
    assert exc.value.vnp_code == "93"
    with pytest.raises(InvalidRequestError) as exc:  # full refund after a partial one
        client.refunds.create(**kw)
    assert exc.value.vnp_code == "04"
    with pytest.raises(InvalidRequestError) as exc:  # refused locally: more than the payment
        client.refunds.create(amount_vnd=300_001, **kw)
    assert exc.value.code == "amount_too_large"
    rest = client.refunds.create(amount_vnd=200_000, **kw)
    assert rest.status == "succeeded" and rest.transaction_no != part.transaction_no
    with pytest.raises(InvalidRequestError) as exc:
        client.refunds.create(amount_vnd=1_000, **kw)
    assert exc.value.code == "invalid_refund_amount"

    full_session, _ = _paid(sandbox, receiver, client, http, 80_000)
    full = client.refunds.create(client_reference_id=full_session.client_reference_id,
                                 transaction_date=full_session.transaction_date, original_amount_vnd=80_000)
    assert (full.status, full.transaction_type, full.full, full.amount) == ("succeeded", "02", True, 80_000)


def test_refund_errors_95_91_94_pending(sandbox, receiver, merchant, http):
    client, tmn = merchant
    failed = _session(client, receiver, amount=20_000)
    _, sid = open_pay_page(http, failed.url)
    press(http, sandbox.url, sid, "cancel")
    with pytest.raises(InvalidRequestError) as exc:
        client.refunds.create(client_reference_id=failed.client_reference_id, transaction_date=failed.created,
                              original_amount_vnd=20_000)
    assert exc.value.vnp_code == "95" and exc.value.code == "payment_not_successful"
    with pytest.raises(InvalidRequestError) as exc:
        client.refunds.create(client_reference_id=new_ref(), transaction_date=failed.created,
                              original_amount_vnd=20_000)
    assert exc.value.vnp_code == "91"

    set_switches(sandbox.url, tmn_code=tmn, refund_pending=True)
    session, _ = _paid(sandbox, receiver, client, http, 90_000)
    kw = {"client_reference_id": session.client_reference_id, "transaction_date": session.created,
          "original_amount_vnd": 90_000}
    pending = client.refunds.create(amount_vnd=10_000, **kw)
    assert pending.status == "pending" and pending.transaction_status == "05"
    assert client.payment_intents.reconcile(session).transaction_status == "05"
    with pytest.raises(InvalidRequestError) as exc:
        client.refunds.create(amount_vnd=10_000, **kw)
    assert exc.value.vnp_code == "94" and exc.value.code == "refund_pending"
    httpx.post(f"{sandbox.url}/sandbox/refunds/settle",
               json={"tmn_code": tmn, "txn_ref": session.client_reference_id}).raise_for_status()
    set_switches(sandbox.url, tmn_code=tmn, refund_pending=False)
    assert client.refunds.create(amount_vnd=10_000, **kw).status == "succeeded"


def test_api_authentication_errors(sandbox, receiver, merchant, http):
    client, tmn = merchant
    session, _ = _paid(sandbox, receiver, client, http, 15_000)
    wrong = make_client(sandbox.url, tmn, "WRONG-SECRET-WRONG-SECRET")
    with pytest.raises(AuthenticationError) as exc:
        wrong.payment_intents.reconcile(session)
    assert exc.value.vnp_code == "97" and exc.value.code == "invalid_checksum"
    unknown = make_client(sandbox.url, "NOPE1234", "x" * 32)
    with pytest.raises(AuthenticationError) as exc:
        unknown.payment_intents.reconcile(session)
    assert exc.value.vnp_code == "02"
    wrong.close()
    unknown.close()


def test_demo_terminal_and_admin_endpoints(sandbox, http):
    terms = http.get(f"{sandbox.url}/sandbox/terminals").json()["terminals"]
    assert any(t["tmn_code"] == DEFAULT_TMN_CODE for t in terms)
    assert all("hash_secret" not in t for t in terms)
    client = make_client(sandbox.url, DEFAULT_TMN_CODE, DEFAULT_HASH_SECRET)
    session = client.checkout.sessions.create(amount_vnd=5_000, client_reference_id=new_ref(), order_info="Demo",
                                              ip_addr="127.0.0.1")
    _, sid = open_pay_page(http, session.url)
    done = pay_successfully(http, sandbox.url, session.url)
    assert return_params(done)["vnp_ResponseCode"] == "00"
    log = ipn_log(sandbox.url, tmn_code=DEFAULT_TMN_CODE, txn_ref=session.client_reference_id)
    assert log and log[0]["outcome"] == "no_ipn_url"
    bad = http.post(f"{sandbox.url}/sandbox/switches", json={"bogus": 1})
    assert bad.status_code == 400
    bad = http.post(f"{sandbox.url}/sandbox/terminals", json={"tmn_code": "short", "hash_secret": "x" * 10})
    assert bad.status_code == 400
    assert http.get(f"{sandbox.url}/").status_code == 200
    client.close()


def _raw_querydr(tmn, secret, session, request_id, **override):
    payload = {"vnp_RequestId": request_id, "vnp_Version": "2.1.0", "vnp_Command": "querydr", "vnp_TmnCode": tmn,
               "vnp_TxnRef": session.client_reference_id, "vnp_OrderInfo": "Truy van",
               "vnp_TransactionDate": session.transaction_date, "vnp_CreateDate": session.transaction_date,
               "vnp_IpAddr": "127.0.0.1", **override}
    payload["vnp_SecureHash"] = pipe_sign(payload, QUERYDR_REQUEST_FIELDS, secret)
    return payload


def test_raw_api_codes_and_signed_responses(sandbox, receiver, merchant, http):
    client, tmn = merchant
    secret = client.config.hash_secret
    session, _ = _paid(sandbox, receiver, client, http, 33_000)
    api = f"{sandbox.url}/merchant_webapi/api/transaction"
    payload = _raw_querydr(tmn, secret, session, new_ref("RQ"))
    first = http.post(api, json=payload).json()
    assert first["vnp_ResponseCode"] == "00" and first["vnp_Amount"] == "3300000"
    assert verify_pipe(first, QUERYDR_RESPONSE_FIELDS, secret)
    dup = http.post(api, json=payload).json()  # same request id the same day
    assert dup["vnp_ResponseCode"] == "94" and verify_pipe(dup, QUERYDR_RESPONSE_FIELDS, secret)
    bad_sig = {**_raw_querydr(tmn, secret, session, new_ref("RQ")), "vnp_TxnRef": "OTHER"}
    assert http.post(api, json=bad_sig).json()["vnp_ResponseCode"] == "97"
    bad_fmt = _raw_querydr(tmn, secret, session, new_ref("RQ"), vnp_TransactionDate="2024")
    assert http.post(api, json=bad_fmt).json()["vnp_ResponseCode"] == "03"
    wrong_date = _raw_querydr(tmn, secret, session, new_ref("RQ"), vnp_TransactionDate="20200101000000")
    assert http.post(api, json=wrong_date).json()["vnp_ResponseCode"] == "91"
    assert http.post(api, content=b"not json").json()["vnp_ResponseCode"] == "03"
    refund = {"vnp_RequestId": new_ref("RF"), "vnp_Version": "2.1.0", "vnp_Command": "refund", "vnp_TmnCode": tmn,
              "vnp_TransactionType": "03", "vnp_TxnRef": session.client_reference_id, "vnp_Amount": "100000",
              "vnp_TransactionNo": "0", "vnp_TransactionDate": session.transaction_date, "vnp_CreateBy": "admin",
              "vnp_CreateDate": session.transaction_date, "vnp_IpAddr": "127.0.0.1", "vnp_OrderInfo": "Hoan tien"}
    refund["vnp_SecureHash"] = pipe_sign(refund, REFUND_REQUEST_FIELDS, secret)
    reply = http.post(api, json=refund).json()
    assert reply["vnp_ResponseCode"] == "00" and reply["vnp_TransactionType"] == "03"
    assert verify_pipe(reply, REFUND_RESPONSE_FIELDS, secret)


def test_ipn_replies_order_not_found_and_invalid_amount(sandbox, receiver, merchant, http):
    client, tmn = merchant
    set_switches(sandbox.url, tmn_code=tmn, retry_max=0)
    unknown = client.checkout.sessions.create(amount_vnd=10_000, client_reference_id=new_ref(), order_info="x",
                                              ip_addr="127.0.0.1")
    pay_successfully(http, sandbox.url, unknown.url)
    calls = wait_for(lambda: receiver.calls_for(unknown.client_reference_id))
    assert calls[0].reply == {"RspCode": "01", "Message": "Order not found"}
    mismatch = new_ref()
    receiver.add_order(mismatch, 99_000)
    session = client.checkout.sessions.create(amount_vnd=10_000, client_reference_id=mismatch, order_info="x",
                                              ip_addr="127.0.0.1")
    pay_successfully(http, sandbox.url, session.url)
    calls = wait_for(lambda: receiver.calls_for(mismatch))
    assert calls[0].reply == {"RspCode": "04", "Message": "invalid amount"}
    assert receiver.orders[mismatch].status == "pending"
    log = wait_for(lambda: ipn_log(sandbox.url, txn_ref=mismatch))
    assert log[0]["rsp_code"] == "04" and log[0]["will_retry"] is False  # retry_max=0
