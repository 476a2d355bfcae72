"""The demo step creates staff with the four roles and dossiers in every worklist, and is idempotent."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context

from devtools.demo_data import dossiers as demo

pytestmark = pytest.mark.django_db


def test_demo_run_is_idempotent(tenant_b, client_b):
    out = io.StringIO()
    demo.run(stdout=out, password="MotCua@2026", slugs=["beta"])
    demo.run(stdout=out, password="MotCua@2026", slugs=["beta"])
    with schema_context(tenant_b.schema_name):
        from tenants.dossiers.models import Dossier
        from tenants.organization.models import StaffRole

        assert Dossier.objects.count() == 8
        assert set(Dossier.objects.values_list("status", flat=True)) == {
            "processing", "awaiting_result", "supplement_requested", "returned", "submitted", "awaiting_payment"}
        fee_code = Dossier.objects.get(status="awaiting_payment").code
        assert StaffRole.objects.filter(user__username__in=["tiepnhan", "thuly", "lanhdao", "trakq"]).count() == 4
    assert "0 hồ sơ mẫu mới, 0 mẫu đơn mẫu" in out.getvalue() and "3 mẫu đơn mẫu" in out.getvalue()
    assert f"/tra-cuu/?ma={fee_code}" in out.getvalue()
    # The citizen finds the online payment on the public tracking page.
    assert "Thanh toán trực tuyến" in client_b.get("/tra-cuu/", {"ma": fee_code}).content.decode()
    assert client_b.post("/staff/login/", {"username": "thuly", "password": "MotCua@2026"}).status_code == 302
    home = client_b.get("/staff/").content.decode()
    assert 'data-count="thu-ly">2<' in home
    # A blank form (a marked sample, with its Vietnamese text) downloads from the procedure's first document.
    from pypdf import PdfReader

    with schema_context(tenant_b.schema_name):
        from tenants.procedures.models import RequiredDocument

        doc = RequiredDocument.objects.exclude(form_template_file="").order_by("pk").first()
    download = client_b.get(f"/mau-don/{doc.pk}/")
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "Mẫu minh họa" in text and "NGƯỜI YÊU CẦU" in text
