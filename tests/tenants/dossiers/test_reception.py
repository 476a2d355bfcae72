"""Reception: the code assigned once (pattern, counters), the due date, the audit row, nothing half-saved."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.dossiers.errors import InvalidInput, NotAllowed
from tenants.dossiers.models import CodeSettings, Dossier, DossierEvent, DossierFile
from tenants.dossiers.states import Status
from tests.tenants.dossiers.helpers import APPLICANT, at, catalogue_update, pdf_upload, receive

pytestmark = pytest.mark.django_db


def test_reception_assigns_code_due_date_step_and_audit(office):
    d = receive(office, when=at(2026, 3, 9, 9, 0), documents_checked=[office.docs[0].pk],
                files=[(pdf_upload(), office.docs[0].pk)])
    assert d.code == "000.00.01.H22-260309-0001"
    assert d.status == Status.PROCESSING
    assert d.current_role == "processor" and d.current_unit_id == office.dept.pk
    # 5 working days from Mon 09:00 = Mon 16 Mar 09:00.
    assert d.due_at == at(2026, 3, 16, 9, 0)
    assert d.applicant_name_norm == "nguyen van anh"
    event = DossierEvent.objects.get(dossier=d)
    assert (event.action, event.from_status, event.to_status) == ("receive", "", Status.PROCESSING)
    assert event.actor == office.receiver
    f = DossierFile.objects.get(dossier=d)
    assert f.file.name.startswith("dossiers/") and "don" not in f.file.name and f.content_type == "application/pdf"
    second = receive(office, when=at(2026, 3, 9, 10, 0))
    assert second.code == "000.00.01.H22-260309-0002"
    next_day = receive(office, when=at(2026, 3, 10, 8, 0))
    assert next_day.code.endswith("-260310-0001")


def test_code_pattern_per_unit_monthly_per_procedure(office):
    CodeSettings.objects.create(unit=office.one_stop, pattern="HS-{procedure}-{yyyy}{mm}-{seq:5}",
                                reset=CodeSettings.Reset.MONTHLY, scope=CodeSettings.Scope.PROCEDURE)
    a = receive(office, when=at(2026, 3, 9))
    b = receive(office, when=at(2026, 3, 20))
    c = receive(office, when=at(2026, 4, 1))
    assert a.code == f"HS-{office.procedure.code}-202603-00001"
    assert b.code == f"HS-{office.procedure.code}-202603-00002"
    assert c.code == f"HS-{office.procedure.code}-202604-00001"


def test_two_units_sharing_an_agency_code_never_produce_the_same_code(office):
    from tenants.organization.models import StaffRole, Unit

    twin = Unit.objects.create(name="Một cửa cơ sở 2", kind=Unit.Kind.ONE_STOP, agency_code="000.00.01.H22")
    StaffRole.objects.create(user=office.receiver, unit=twin, role=StaffRole.Role.RECEIVER)
    from tenants.dossiers.services import dossier_receive

    a = receive(office, when=at(2026, 3, 9))
    b = dossier_receive(actor=office.receiver, procedure=office.procedure, receiving_unit=twin, applicant=APPLICANT,
                        at=at(2026, 3, 9, 10))
    assert a.code != b.code and b.code.endswith("-0002")


@pytest.mark.parametrize(("pattern", "reset", "scope", "ok"), [
    ("{agency}-{yymmdd}-{seq:4}", "daily", "unit", True),
    ("{agency}-{seq:4}", "daily", "unit", False),
    ("{agency}-{yyyy}{mm}-{seq}", "monthly", "unit", True),
    ("{yyyy}-{seq}", "yearly", "procedure", False),
    ("{procedure}/{yyyy}/{seq:6}", "yearly", "procedure", True),
    ("{agency}-{bogus}-{seq}", "never", "tenant", False),
])
def test_pattern_check(pattern, reset, scope, ok):
    from tenants.dossiers.numbering import pattern_check

    if ok:
        pattern_check(pattern, reset=reset, scope=scope)
    else:
        with pytest.raises(InvalidInput):
            pattern_check(pattern, reset=reset, scope=scope)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("id_number", "12345", "12 chữ số"),
    ("id_number", "03123456789A", "12 chữ số"),
    ("phone", "12345", "Số điện thoại"),
    ("email", "khong-phai-email", "thư điện tử"),
    ("applicant_name", "", "họ tên"),
])
def test_bad_applicant_data_is_refused_and_nothing_saved(office, field, value, message):
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    with pytest.raises(InvalidInput) as exc:
        receive(office, applicant={field: value})
    assert message in exc.value.message
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before


def test_disguised_and_oversized_uploads_are_refused_nothing_saved(office, settings):
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(InvalidInput) as exc:
        receive(office, files=[(disguised, None)])
    assert "không phải PDF, JPEG hoặc PNG" in exc.value.message
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    with pytest.raises(InvalidInput) as exc:
        receive(office, files=[(big, None)])
    assert "quá lớn" in exc.value.message
    assert not Dossier.objects.filter(procedure=office.procedure).exists()
    # A failed reception gives its number back: the next code is still 0001.
    d = receive(office, when=at(2026, 3, 9))
    assert d.code.endswith("-0001")


def test_html_in_text_fields_is_kept_as_text(office):
    d = receive(office, applicant={"applicant_name": "<script>alert(1)</script> Trần Thị B"})
    assert d.applicant_name == "<script>alert(1)</script> Trần Thị B"


def test_only_a_receiver_of_the_unit_can_receive(office):
    for user in (office.processor, office.approver, office.returner, office.admin, office.outsider):
        with pytest.raises(NotAllowed):
            receive(office, actor=user)
    assert not Dossier.objects.filter(procedure=office.procedure).exists()


def test_disabled_procedure_is_refused(office):
    from tenants.dossiers.errors import DossierError

    office.procedure.enabled = False
    office.procedure.save()
    with pytest.raises(DossierError, match="chưa được áp dụng"):
        receive(office)


def test_company_applicant_with_tax_code(office):
    d = receive(office, applicant={"applicant_kind": "company", "applicant_name": "Công ty TNHH Đại Phát",
                                   "id_number": "0201234567"})
    assert d.applicant_kind == "company"
    assert APPLICANT["phone"] == d.phone


def test_a_number_wider_than_the_pattern_keeps_every_digit_and_both_paths_agree(office):
    """Reception takes its code in the database (``dossiers_code_next``); online reception through Python
    (``dossier_code_next``). Both draw on the same counter and render the same code."""
    from tenants.dossiers.models import CodeCounter
    from tenants.dossiers.numbering import dossier_code_next

    first = receive(office, when=at(2026, 3, 11))
    CodeCounter.objects.filter(key__startswith="dossier:", period="20260311").update(value=9998)
    assert receive(office, when=at(2026, 3, 11, 10)).code == "000.00.01.H22-260311-9999"
    assert dossier_code_next(unit=office.one_stop, procedure=office.procedure,
                             at=at(2026, 3, 11, 11)) == "000.00.01.H22-260311-10000"
    assert receive(office, when=at(2026, 3, 11, 14)).code == "000.00.01.H22-260311-10001"
    assert first.code == "000.00.01.H22-260311-0001"


def test_dossier_foreign_keys_are_checked_at_write_not_at_commit(office):
    """Migrations 0005 and 0007 (scans): checked at commit they ran under the code counter's lock. A cloned
    tenant keeps it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.relname, k.condeferrable, k.condeferred FROM pg_constraint k
                          JOIN pg_class c ON c.oid = k.conrelid
                          WHERE c.relnamespace = current_schema()::regnamespace AND k.contype = 'f'
                            AND c.relname IN ('dossiers_dossier', 'dossiers_dossierevent', 'dossiers_dossierfile')""")
        rows = cursor.fetchall()
    assert len(rows) >= 13 and {"dossiers_dossierfile"} < {table for table, _, _ in rows}
    assert {(deferrable, deferred) for _, deferrable, deferred in rows} == {(True, False)}


def test_the_receipt_keeps_the_documents_as_received_after_a_catalogue_update(office):
    import io

    from pypdf import PdfReader

    from control.catalogue.records import RequiredDocument as Record
    from tenants.dossiers.pdf import dossier_form_pdf

    first, second = office.docs
    d = receive(office, documents_checked=[first.pk])
    assert d.documents_received == [{"id": first.pk, "name": first.name, "received": True},
                                    {"id": second.pk, "name": second.name, "received": False}]
    catalogue_update(office, [Record("Tờ khai theo mẫu mới (2027)")])  # both replaced
    d = Dossier.objects.get(pk=d.pk)
    text = " ".join(PdfReader(io.BytesIO(dossier_form_pdf(d, "01"))).pages[0].extract_text().split())
    assert first.name in text and second.name in text and "mẫu mới (2027)" not in text
    assert [doc["name"] for doc in d.received_documents() if doc["received"]] == [first.name]
