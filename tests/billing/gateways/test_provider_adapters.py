"""The provider adapters: what billing sees of a gateway (typed objects, an outcome, its reply in words).

VNPay's notification goes through the event layer (the same mapping of codes as every other reader), and
the adapter says billing's acknowledgements in VNPay's reply table; PayGov (simulated) in its own.
"""

from __future__ import annotations

import pytest

from billing.gateways.paygov import PayGovProvider, sign
from billing.gateways.providers import PROVIDERS, provider_class, provider_for
from billing.gateways.types import InvalidNotification, IpnAck, Outcome, Terminal
from billing.gateways.vnpay import sign_params
from billing.gateways.vnpay.provider import VNPayProvider

SECRET = "TESTSECRETTESTSECRETTESTSECRET12"
VNPAY = Terminal(provider="vnpay", merchant_code="DEMOV210", secret=SECRET)


def _ipn(code: str = "00", status: str = "00", **extra: str) -> dict[str, str]:
    params = {"vnp_TmnCode": "DEMOV210", "vnp_Amount": "1806000", "vnp_BankCode": "NCB",
              "vnp_BankTranNo": "VNP14100001", "vnp_CardType": "ATM", "vnp_PayDate": "20210801153900",
              "vnp_OrderInfo": "Thanh toan don hang :5", "vnp_TransactionNo": "14100001",
              "vnp_ResponseCode": code, "vnp_TransactionStatus": status, "vnp_TxnRef": "5", **extra}
    return {**params, "vnp_SecureHash": sign_params(params, SECRET)}


def test_registry_names_each_provider_once():
    assert set(PROVIDERS) == {"vnpay", "paygov"}
    assert provider_class("vnpay") is VNPayProvider and provider_class("paygov") is PayGovProvider
    assert isinstance(provider_for(VNPAY), VNPayProvider)
    with pytest.raises(ValueError):
        provider_class("momo")


@pytest.mark.parametrize(("code", "status", "outcome"), [
    ("00", "00", Outcome.SUCCEEDED),
    ("00", "01", Outcome.PENDING),  # not final yet
    ("07", "07", Outcome.PENDING),  # debited, under review: querydr decides
    ("24", "02", Outcome.CANCELED),
    ("11", "02", Outcome.EXPIRED),
    ("51", "02", Outcome.FAILED),
    ("00", "02", Outcome.FAILED),
])
def test_vnpay_notification_is_verified_and_mapped_once(code, status, outcome):
    note = provider_for(VNPAY).verify_notification(_ipn(code, status))
    assert (note.reference, note.amount_vnd, note.outcome, note.transaction_no, note.bank_code, note.result_code) \
        == ("5", 18_060, outcome, "14100001", "NCB", code)
    assert "vnp_SecureHash" not in note.raw and note.raw["vnp_TxnRef"] == "5"


def test_vnpay_notification_that_does_not_verify_says_how_to_answer():
    adapter = provider_for(VNPAY)
    with pytest.raises(InvalidNotification) as forged:
        adapter.verify_notification({**_ipn(), "vnp_Amount": "100"})
    assert forged.value.ack == IpnAck.INVALID_SIGNATURE
    with pytest.raises(InvalidNotification) as other:
        provider_for(Terminal(provider="vnpay", merchant_code="OTHER123", secret=SECRET)).verify_notification(_ipn())
    assert other.value.ack == IpnAck.INVALID_SIGNATURE
    with pytest.raises(InvalidNotification) as malformed:  # signed, but its amount is not one
        adapter.verify_notification(_ipn(vnp_Amount="12a"))
    assert malformed.value.ack == IpnAck.AMOUNT_MISMATCH


def test_vnpay_reply_table_lives_with_vnpay():
    assert [VNPayProvider.reply(ack) for ack in IpnAck] == [
        {"RspCode": "00", "Message": "Confirm Success"},
        {"RspCode": "01", "Message": "Order not found"},
        {"RspCode": "02", "Message": "Order already confirmed"},
        {"RspCode": "04", "Message": "invalid amount"},
        {"RspCode": "97", "Message": "Invalid signature"},
        {"RspCode": "99", "Message": "Unknow error"},
    ]
    assert VNPayProvider.reference_of(_ipn()) == "5"
    assert VNPayProvider.describe("24").endswith("Khách hàng hủy giao dịch.") and VNPayProvider.describe("xx") == ""


def test_vnpay_reported_payment_reads_its_own_records():
    ipn = {"method": "GET", "params": _ipn()}
    assert VNPayProvider.reported_payment(kind="ipn", request=ipn, response=VNPayProvider.reply(IpnAck.CONFIRMED)) \
        .amount_vnd == 18_060
    assert VNPayProvider.reported_payment(kind="ipn", request=ipn,
                                          response=VNPayProvider.reply(IpnAck.ALREADY_CONFIRMED)).reference == "5"
    assert VNPayProvider.reported_payment(kind="ipn", request=ipn,
                                          response=VNPayProvider.reply(IpnAck.INVALID_SIGNATURE)) is None
    failed = {"method": "GET", "params": _ipn("24", "02")}
    assert VNPayProvider.reported_payment(kind="ipn", request=failed,
                                          response=VNPayProvider.reply(IpnAck.CONFIRMED)) is None
    querydr = {"json": {"vnp_ResponseCode": "00", "vnp_TransactionStatus": "00", "vnp_TxnRef": "9",
                        "vnp_Amount": "500000"}}
    assert VNPayProvider.reported_payment(kind="querydr", request={}, response=querydr).amount_vnd == 5_000
    assert VNPayProvider.reported_payment(kind="checkout.create", request=ipn, response={}) is None


def test_paygov_speaks_its_own_protocol():
    terminal = Terminal(provider="paygov", merchant_code="PAYGOV-ALPHA", secret="paygov-secret")
    params = {"merchant": "PAYGOV-ALPHA", "order": "PG1", "amount": "75000", "status": "paid", "transaction": "T1"}
    params["signature"] = sign(params, "paygov-secret")
    note = provider_for(terminal).verify_notification(params)
    assert (note.reference, note.amount_vnd, note.outcome) == ("PG1", 75_000, Outcome.SUCCEEDED)
    with pytest.raises(InvalidNotification):
        provider_for(terminal).verify_notification({**params, "amount": "1"})
    assert PayGovProvider.reply(IpnAck.AMOUNT_MISMATCH)["RspCode"] == "04"
    assert PayGovProvider.reported_payment(kind="ipn", request={"params": params},
                                           response=PayGovProvider.reply(IpnAck.CONFIRMED)).amount_vnd == 75_000
