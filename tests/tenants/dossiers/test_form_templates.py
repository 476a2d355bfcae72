"""Blank forms of required documents: uploaded by the tenant's administrator (checked by content), downloaded
by anyone from the tenant's own host, shown at reception, kept through a catalogue update; never across
tenants."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context
from openpyxl import Workbook

from tests.conftest import host_of
from tests.support import sign_in
from tests.tenants.dossiers.helpers import PDF_BYTES, catalogue_update

pytestmark = pytest.mark.django_db


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "TỜ KHAI ĐĂNG KÝ KHAI SINH"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip(entries: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in entries.items():
            z.writestr(name, text)
    return out.getvalue()


DOCX = _zip({"[Content_Types].xml": '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
                                    'wordprocessingml.document.main+xml"/></Types>', "word/document.xml": "<w/>"})


@pytest.fixture
def admin_a(office, client_a):
    client_a.force_login(office.admin)
    return client_a


def _upload(client: Client, office, name: str, content: bytes, doc=None):  # noqa: ANN001, ANN202
    doc = doc or office.docs[0]
    return client.post(f"/staff/procedures/{office.procedure.code}/mau-don/{doc.pk}/",
                       {"form_file": SimpleUploadedFile(name, content)})


def test_admin_uploads_a_form_anyone_downloads_it_receivers_see_it(office, admin_a, tenant_a):
    from tenants.procedures.models import RequiredDocument

    content = _xlsx()
    response = _upload(admin_a, office, "Tờ khai đăng ký khai sinh.xlsx", content)
    assert response.status_code == 302
    doc = RequiredDocument.objects.get(pk=office.docs[0].pk)
    assert doc.form_template_filename == "Tờ khai đăng ký khai sinh.xlsx"
    assert doc.form_template_file.name.startswith("mau-don/") and "khai" not in doc.form_template_file.name
    assert "form_templates" in doc.procedure.locally_changed
    page = admin_a.get(f"/staff/procedures/{office.procedure.code}/").content.decode()
    assert f'href="/mau-don/{doc.pk}/"' in page and "Tải mẫu đơn: Tờ khai đăng ký khai sinh.xlsx" in page

    anonymous = Client(HTTP_HOST=host_of(tenant_a))
    download = anonymous.get(f"/mau-don/{doc.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in download["Content-Disposition"] and "utf-8''" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"

    admin_a.force_login(office.receiver)
    assert f'href="/mau-don/{doc.pk}/">[mẫu đơn]' in admin_a.get("/staff/dossiers/tiep-nhan/").content.decode()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("to-khai.docx", b"MZ\x90\x00" + b"\x00" * 200, "không phải mẫu đơn"),  # a program named .docx
    ("to-khai.docx", _zip({"readme.txt": "x"}), "không phải mẫu đơn"),  # a zip that is no document
    ("to-khai.pdf", b"", "rỗng"),
    ("to-khai.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "quá lớn"),
])
def test_disguised_empty_or_oversized_forms_are_refused_nothing_saved(office, admin_a, name, content, message):
    from tenants.procedures.models import RequiredDocument

    response = _upload(admin_a, office, name, content)
    assert response.status_code == 302
    assert message in admin_a.get(response["Location"]).content.decode()
    doc = RequiredDocument.objects.get(pk=office.docs[0].pk)
    assert not doc.form_template_file and doc.form_template_filename == ""


def test_word_and_pdf_are_accepted_a_replaced_form_leaves_no_orphan(office, admin_a,
                                                                   django_capture_on_commit_callbacks):
    from tenants.procedures.models import RequiredDocument

    with django_capture_on_commit_callbacks(execute=True):
        _upload(admin_a, office, "mau-01.docx", DOCX)
    first = RequiredDocument.objects.get(pk=office.docs[0].pk).form_template_file.name
    assert first.endswith(".docx") and default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(admin_a, office, "mau-01.pdf", PDF_BYTES)
    second = RequiredDocument.objects.get(pk=office.docs[0].pk).form_template_file.name
    assert second.endswith(".pdf") and default_storage.exists(second) and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        admin_a.post(f"/staff/procedures/{office.procedure.code}/mau-don/{office.docs[0].pk}/", {"xoa": "1"})
    assert not RequiredDocument.objects.get(pk=office.docs[0].pk).form_template_file
    assert not default_storage.exists(second)
    assert admin_a.get(f"/mau-don/{office.docs[0].pk}/").status_code == 404


def test_staff_without_the_administrator_role_cannot_upload(office, client_a):
    client_a.force_login(office.processor)
    assert _upload(client_a, office, "mau.pdf", PDF_BYTES).status_code == 403
    client_a.logout()
    assert _upload(client_a, office, "mau.pdf", PDF_BYTES).status_code == 302  # to the login page
    from tenants.procedures.models import RequiredDocument

    assert not RequiredDocument.objects.get(pk=office.docs[0].pk).form_template_file


def test_another_tenant_neither_downloads_nor_replaces_the_form(office, admin_a, tenant_b):
    _upload(admin_a, office, "mau.pdf", PDF_BYTES)
    doc_id, code = office.docs[0].pk, office.procedure.code
    other = Client(HTTP_HOST=host_of(tenant_b))
    assert other.get(f"/mau-don/{doc_id}/").status_code == 404
    sign_in(other, "admin-beta")
    assert other.post(f"/staff/procedures/{code}/mau-don/{doc_id}/",
                      {"form_file": SimpleUploadedFile("x.pdf", PDF_BYTES)}).status_code == 404
    with schema_context(tenant_b.schema_name):
        from tenants.procedures.models import RequiredDocument

        assert not RequiredDocument.objects.exclude(form_template_file="").exists()


def test_a_catalogue_update_keeps_documents_in_place_with_their_forms(office, admin_a):
    from control.catalogue.records import RequiredDocument as Record
    from tenants.procedures.models import RequiredDocument

    _upload(admin_a, office, "to-khai.xlsx", _xlsx())
    kept, dropped = office.docs
    catalogue_update(office, [
        Record("Giấy tờ mới theo quy định 2026", originals=1),
        Record(kept.name, originals=2, copies=1, form_template_code="TK-01"),
    ])
    docs = list(RequiredDocument.objects.filter(procedure=office.procedure).order_by("position"))
    assert [d.name for d in docs] == ["Giấy tờ mới theo quy định 2026", kept.name]
    same = docs[1]
    assert same.pk == kept.pk and (same.originals, same.copies, same.form_template_code) == (2, 1, "TK-01")
    assert same.form_template_filename == "to-khai.xlsx" and same.form_template_file
    assert not RequiredDocument.objects.filter(pk=dropped.pk).exists()
