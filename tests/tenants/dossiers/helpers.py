"""Helpers of the dossier tests: an office (units, staff with roles, an enabled procedure), receptions, uploads."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from core.accounts.models import User
from tenants.calendar.workingtime import TZ
from tests.support import PASSWORD

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def pdf_upload(name: str = "don.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


APPLICANT = {"applicant_kind": "person", "applicant_name": "Nguyễn Văn Ánh", "id_number": "031234567890",
             "address": "Số 1 Lạch Tray, Ngô Quyền", "phone": "0912345678", "email": "anh@example.vn"}


def build_office(suffix: str | None = None, *, amount: str = "5", unit: str = "working_day") -> SimpleNamespace:
    """Units, staff and a procedure in the current schema (unique names with ``suffix``)."""
    from tenants.organization.models import StaffRole, Unit
    from tenants.procedures.models import Field, Procedure, RequiredDocument

    sfx = suffix or uuid.uuid4().hex[:8]
    one_stop = Unit.objects.create(name=f"Bộ phận Một cửa {sfx}", kind=Unit.Kind.ONE_STOP,
                                   agency_code="000.00.01.H22")
    dept = Unit.objects.create(name=f"Sở Tư pháp {sfx}", kind=Unit.Kind.DEPARTMENT, agency_code="000.00.05.H22")
    other = Unit.objects.create(name=f"Sở Xây dựng {sfx}", kind=Unit.Kind.DEPARTMENT)
    R = StaffRole.Role

    def staff(name: str, *roles: tuple[Unit, str]) -> User:
        user = User.objects.create_user(username=f"{name}-{sfx}", password=PASSWORD, kind=User.Kind.STAFF,
                                        full_name=f"Cán bộ {name}", email=f"{name}-{sfx}@example.vn",
                                        phone="0987654321")
        for u, role in roles:
            StaffRole.objects.create(user=user, unit=u, role=role)
        return user

    field = Field.objects.create(code=f"F-{sfx}", name="Hộ tịch")
    procedure = Procedure.objects.create(code=f"1.00{sfx}", name="Đăng ký khai sinh", field=field,
                                         processing_amount=Decimal(amount), processing_unit=unit, enabled=True)
    procedure.handling_units.add(dept)
    docs = [RequiredDocument.objects.create(procedure=procedure, name="Tờ khai đăng ký khai sinh", position=1),
            RequiredDocument.objects.create(procedure=procedure, name="Giấy chứng sinh", position=2)]
    return SimpleNamespace(
        sfx=sfx, one_stop=one_stop, dept=dept, other=other, procedure=procedure, docs=docs, field=field,
        receiver=staff("tiepnhan", (one_stop, R.RECEIVER)),
        processor=staff("thuly", (dept, R.PROCESSOR)),
        approver=staff("lanhdao", (dept, R.APPROVER)),
        returner=staff("trakq", (one_stop, R.RETURNER)),
        admin=staff("quantri", (one_stop, R.ADMINISTRATOR)),
        outsider=staff("ngoai", (other, R.PROCESSOR), (other, R.APPROVER), (other, R.RECEIVER), (other, R.RETURNER)),
    )


def receive(o: SimpleNamespace, *, when: dt.datetime | None = None, **overrides):
    from tenants.dossiers.services import dossier_receive

    applicant = {**APPLICANT, **overrides.pop("applicant", {})}
    return dossier_receive(actor=overrides.pop("actor", o.receiver), procedure=overrides.pop("procedure", o.procedure),
                           receiving_unit=o.one_stop, applicant=applicant, at=when, **overrides)


def catalogue_update(o: SimpleNamespace, documents: list) -> object:
    """The national catalogue publishes a new version of the office's procedure with ``documents`` (catalogue
    records), and the tenant's administrator accepts it: public services only."""
    from control.catalogue.records import Field, ProcedureRecord
    from control.catalogue.services import catalogue_upsert
    from tenants.procedures.services import procedure_update_accept

    p = o.procedure
    record = ProcedureRecord(code=p.code, name=p.name, field_code=o.field.code, levels={"province"},
                             agency_kind="so_ban_nganh", processing_amount=p.processing_amount,
                             processing_unit=p.processing_unit, documents=list(documents))
    catalogue_upsert(fields=[Field(o.field.code, o.field.name)], procedures=[record], source="test")
    return procedure_update_accept(procedure=p)


def png() -> io.BytesIO:
    return io.BytesIO(PNG_BYTES)
