"""`make demo` step: staff with the four roles and a few dossiers in each demo province (idempotent).

If onboarding has not set up units or procedures yet, a minimal one-stop desk, a department and a few
enabled procedures are created here.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django_tenants.utils import schema_context

from control.tenancy.models import Tenant
from core.accounts.models import User
from tenants.organization.models import StaffRole, Unit
from tenants.procedures.models import Field, Procedure, RequiredDocument

DEMO_SLUGS = ["haiphong", "langson"]
STAFF = [
    ("tiepnhan", "Nguyễn Thị Tiếp Nhận", "one_stop", StaffRole.Role.RECEIVER),
    ("thuly", "Trần Văn Thụ Lý", "dept", StaffRole.Role.PROCESSOR),
    ("lanhdao", "Lê Quang Lãnh Đạo", "dept", StaffRole.Role.APPROVER),
    ("trakq", "Phạm Thị Trả Kết Quả", "one_stop", StaffRole.Role.RETURNER),
]
PROCEDURES = [
    ("DEMO.1.001193", "Đăng ký khai sinh", "1"),
    ("DEMO.2.000889", "Cấp bản sao trích lục hộ tịch", "0.5"),
    ("DEMO.1.004227", "Chứng thực hợp đồng, giao dịch", "2"),
]
APPLICANTS = [
    ("Nguyễn Văn An", "031090001111", "0912000111"), ("Trần Thị Bích Hường", "031185002222", "0983000222"),
    ("Lê Đức Cường", "031076003333", "0904000333"), ("Phạm Ngọc Diệp", "031199004444", "0977000444"),
    ("Đặng Quốc Toản", "031088005555", "0936000555"), ("Hoàng Thu Hà", "031192006666", "0868000666"),
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _units(tenant: Tenant) -> tuple[Unit, Unit]:
    desk = Unit.objects.filter(kind=Unit.Kind.ONE_STOP, is_active=True).order_by("pk").first()
    if desk is None:
        desk = Unit.objects.create(name="Bộ phận Một cửa", kind=Unit.Kind.ONE_STOP,
                                   agency_code=f"000.00.01.H{tenant.admin_code or '00'}")
    enabled = Procedure.objects.filter(enabled=True, handling_units__isnull=False).first()
    dept = enabled.handling_units.order_by("pk").first() if enabled else None
    if dept is None:
        dept = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).order_by("pk").first() or Unit.objects.create(
            name="Sở Tư pháp", kind=Unit.Kind.DEPARTMENT, agency_code=f"000.00.05.H{tenant.admin_code or '00'}")
    return desk, dept


def _procedures(dept: Unit) -> list[Procedure]:
    enabled = list(Procedure.objects.filter(enabled=True).order_by("code")[:3])
    if not enabled:
        field, _ = Field.objects.get_or_create(code="DEMO-HT", defaults={"name": "Hộ tịch, chứng thực"})
        for code, name, amount in PROCEDURES:
            proc, created = Procedure.objects.get_or_create(code=code, defaults={
                "name": name, "field": field, "processing_amount": Decimal(amount),
                "processing_unit": Procedure.ProcessingUnit.WORKING_DAY, "enabled": True})
            if created:
                RequiredDocument.objects.create(procedure=proc, name="Tờ khai theo mẫu", position=1)
                RequiredDocument.objects.create(procedure=proc, name="Giấy tờ tùy thân (bản sao)", position=2)
            enabled.append(proc)
    for proc in enabled:
        if not proc.handling_units.exists():
            proc.handling_units.add(dept)
    return enabled


def _upload(name: str) -> io.BytesIO:
    f = io.BytesIO(PDF)
    f.name = name
    return f


def _blank_forms(tenant: Tenant, procedures: list[Procedure]) -> int:
    """A blank form (a clearly marked sample) on the first required document of each demo procedure, so the
    reception page and /mau-don/ have something to show; uploaded through the service like an administrator."""
    from core.pdf import render_pdf
    from tenants.procedures.services import document_form_set

    made = 0
    for proc in procedures:
        doc = proc.documents.order_by("position", "pk").first()
        if doc is None or doc.form_template_file:
            continue
        content = render_pdf("dossiers/pdf/blank_form.html", {
            "title": doc.name[:200].upper(), "tenant_name": tenant.name, "procedure_name": proc.name})
        upload = io.BytesIO(content)
        upload.name = f"Mẫu đơn - {proc.code}.pdf"
        document_form_set(document=doc, upload=upload)
        made += 1
    return made


def _dossiers(staff: dict[str, User], desk: Unit, procedures: list[Procedure]) -> int:
    from tenants.dossiers import services as s
    from tenants.dossiers.models import Dossier

    if Dossier.objects.exists():
        return 0
    made = []
    for i, (name, id_number, phone) in enumerate(APPLICANTS):
        proc = procedures[i % len(procedures)]
        d = s.dossier_receive(actor=staff["tiepnhan"], procedure=proc, receiving_unit=desk,
                              applicant={"applicant_name": name, "id_number": id_number, "phone": phone,
                                         "address": "Số 12 đường Trần Phú"},
                              documents_checked=list(proc.documents.values_list("id", flat=True)),
                              files=[(_upload("ho-so.pdf"), None)])
        made.append(d)
    # Spread them over the worklists: to process, to approve, to return, supplement, returned.
    s.dossier_hand_over(dossier_id=made[1].pk, actor=staff["thuly"], note="Hồ sơ hợp lệ, đề nghị phê duyệt")
    s.dossier_hand_over(dossier_id=made[2].pk, actor=staff["thuly"])
    s.dossier_approve(dossier_id=made[2].pk, actor=staff["lanhdao"])
    s.dossier_request_supplement(dossier_id=made[3].pk, actor=staff["thuly"],
                                 note="Bổ sung bản sao giấy chứng sinh có chứng thực")
    s.dossier_hand_over(dossier_id=made[4].pk, actor=staff["thuly"])
    s.dossier_approve(dossier_id=made[4].pk, actor=staff["lanhdao"])
    s.dossier_issue_result(dossier_id=made[4].pk, actor=staff["trakq"], result_file=_upload("ket-qua.pdf"))
    s.dossier_return_result(dossier_id=made[4].pk, actor=staff["trakq"], method="in_person")
    s.dossier_submit(procedure=procedures[0], receiving_unit=desk,
                     applicant={"applicant_name": "Vũ Minh Khôi", "id_number": "031201007777",
                                "phone": "0911000777"})
    return len(made) + 1


FEE_APPLICANT = ("Bùi Thị Thanh Tâm", "031195008888", "0945000888")


def _fee_dossier(staff: dict[str, User], desk: Unit, dept: Unit) -> str:
    """One dossier whose fee the citizen pays online (from /tra-cuu/) in the demo; its code."""
    from tenants.dossiers import services as s
    from tenants.dossiers.models import Dossier
    from tenants.procedures.models import Fee

    existing = Dossier.objects.filter(id_number=FEE_APPLICANT[1]).values_list("code", flat=True).first()
    if existing:
        return existing
    proc = (Procedure.objects.filter(enabled=True, fees__amount_vnd__gt=0).order_by("code").first())
    if proc is None:  # no fixed fee in this catalogue: a sample one
        field, _ = Field.objects.get_or_create(code="DEMO-HT", defaults={"name": "Hộ tịch, chứng thực"})
        proc, _ = Procedure.objects.get_or_create(code="DEMO.FEE.1", defaults={
            "name": "Chứng thực bản sao từ bản chính (mẫu)", "field": field, "processing_amount": Decimal("0.5"),
            "processing_unit": Procedure.ProcessingUnit.WORKING_DAY, "enabled": True, "sample": True})
        Fee.objects.get_or_create(procedure=proc, name="Phí chứng thực (mẫu)",
                                  defaults={"amount_vnd": 10_000, "kind": "fee"})
    if not proc.handling_units.exists():
        proc.handling_units.add(dept)
    name, id_number, phone = FEE_APPLICANT
    d = s.dossier_receive(actor=staff["tiepnhan"], procedure=proc, receiving_unit=desk,
                          applicant={"applicant_name": name, "id_number": id_number, "phone": phone,
                                     "address": "Số 5 đường Lê Lợi"},
                          documents_checked=list(proc.documents.values_list("id", flat=True)))
    return d.code


def run(*, stdout: object, password: str, slugs: list[str] | None = None) -> None:
    for slug in slugs or DEMO_SLUGS:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            stdout.write(f"  - {slug}: chưa có, bỏ qua")
            continue
        with schema_context(tenant.schema_name):
            desk, dept = _units(tenant)
            procedures = _procedures(dept)
            staff = {}
            for username, full_name, where, role in STAFF:
                user, _ = User.objects.get_or_create(username=username, defaults={
                    "kind": User.Kind.STAFF, "full_name": full_name, "email": f"{username}@{slug}.example.vn"})
                user.set_password(password)
                user.save()
                StaffRole.objects.get_or_create(user=user, unit=desk if where == "one_stop" else dept, role=role)
                staff[username] = user
            made = _dossiers(staff, desk, procedures)
            fee_code = _fee_dossier(staff, desk, dept)
            forms = _blank_forms(tenant, procedures)
        stdout.write(f"  + {tenant.name}: cán bộ tiepnhan/thuly/lanhdao/trakq, {made} hồ sơ mẫu mới, "
                     f"{forms} mẫu đơn mẫu")
        stdout.write(f"    hồ sơ chờ nộp phí trực tuyến: /tra-cuu/?ma={fee_code}")
