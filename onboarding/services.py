"""The lease flow: sign-up, approval or rejection, provisioning start.

The application's state machine is ``onboarding.transitions``; a tenant's suspension and resumption
belong to the control plane (``control.tenancy.lifecycle``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from control.console.models import record
from control.tenancy.models import Tenant
from control.tenancy.services import RESERVED_SLUGS, SLUG_RE, schema_name_for
from onboarding import divisions
from onboarding.models import Application, Provisioning
from onboarding.transitions import application_transition

S = Application.Status
LEVELS_BY_KIND = {"province": ["province", "commune"], "district": ["district", "commune"]}


@dataclass(frozen=True)
class SignUp:
    kind: str  # "province" | "district"
    province_code: str
    name: str
    slug: str
    contact_name: str
    email: str
    phone: str
    plan: str


def slug_problem(slug: str) -> str | None:
    """The Vietnamese reason a sub-domain cannot be used, or None."""
    if not SLUG_RE.match(slug or ""):
        return "Tên miền con chỉ gồm chữ thường không dấu, số và dấu gạch ngang (3-42 ký tự, bắt đầu bằng chữ)."
    if slug in RESERVED_SLUGS:
        return f"Tên miền con “{slug}” đã được dành riêng, hãy chọn tên khác."
    if Tenant.objects.filter(slug=slug).exists() or Application.objects.filter(slug=slug).exclude(
            status=S.REJECTED).exists():
        return f"Tên miền con “{slug}” đã có đơn vị sử dụng hoặc đang chờ duyệt, hãy chọn tên khác."
    return None


def province_problem(code: str) -> str | None:
    division = divisions.province(code)
    if division is None:
        return "Hãy chọn tỉnh, thành phố trong danh sách."
    if Application.objects.filter(province_code=division.code).exclude(status=S.REJECTED).exists() or \
            Tenant.objects.filter(admin_code=division.code, kind=Tenant.Kind.PROVINCE).exists():
        return f"{division.name} đã đăng ký (đơn đang chờ duyệt hoặc đã hoạt động); không đăng ký lại được."
    return None


def application_submit(*, data: SignUp) -> Application:
    errors: dict[str, str] = {}
    name = data.name.strip()
    code = ""
    if data.kind == "province":
        problem = province_problem(data.province_code)
        if problem:
            errors["province_code"] = problem
        else:
            division = divisions.province(data.province_code)
            code, name = division.code, division.name
            if division.kind == "tỉnh" and not name.startswith("Tỉnh"):
                name = f"Tỉnh {name}"
    elif data.kind == "district":
        if not name:
            errors["name"] = "Hãy nhập tên đơn vị (ví dụ: Huyện Tiên Lãng)."
    else:
        errors["kind"] = "Loại đơn vị không hợp lệ."
    slug = (data.slug or "").strip().lower()
    problem = slug_problem(slug)
    if problem:
        errors["slug"] = problem
    if data.plan not in Application.Plan.values:
        errors["plan"] = "Hãy chọn gói thuê."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return Application.objects.create(
                kind=data.kind, province_code=code, name=name, slug=slug,
                levels=LEVELS_BY_KIND[data.kind], contact_name=data.contact_name.strip(),
                email=data.email.strip(), phone=data.phone.strip(), plan=data.plan,
            )
    except IntegrityError as exc:  # a concurrent sign-up for the same province or sub-domain
        raise ValidationError("Tỉnh, thành phố hoặc tên miền con này vừa được đăng ký; hãy kiểm tra lại.") from exc


@transaction.atomic
def application_approve(*, application: Application, actor: str, link_base: str = "") -> Application:
    """Approve and start provisioning (after commit)."""
    if Tenant.objects.filter(slug=application.slug).exists():
        raise ValidationError(f"Tên miền con “{application.slug}” đã có đơn vị sử dụng.")
    app = application_transition(application=application, to=S.APPROVED, actor=actor, action="approve",
                                 decided_by=actor, decided_at=timezone.now(), link_base=link_base[:100])
    Provisioning.objects.get_or_create(application=app, defaults={"schema_name": schema_name_for(app.slug)})
    transaction.on_commit(lambda: provisioning_enqueue(application_id=app.pk))
    return app


def provisioning_enqueue(*, application_id: int) -> None:
    from onboarding.tasks import provision_application

    provision_application.delay(application_id)


@transaction.atomic
def provisioning_retry(*, application: Application, actor: str) -> None:
    job = Provisioning.objects.select_for_update().get(application=application)
    if job.state == Provisioning.State.DONE:
        raise ValidationError("Đơn vị đã được khởi tạo xong.")
    record(actor=actor, action="provision_retry", target=application.name, application_id=application.pk,
           detail=f"bước lỗi trước: {job.error_step or '-'}")
    transaction.on_commit(lambda: provisioning_enqueue(application_id=application.pk))


@transaction.atomic
def application_reject(*, application: Application, actor: str, reason: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Hãy ghi lý do từ chối (sẽ được gửi thư cho người đăng ký)."})
    app = application_transition(application=application, to=S.REJECTED, actor=actor, action="reject",
                                 detail=reason, reject_reason=reason, decided_by=actor, decided_at=timezone.now())
    transaction.on_commit(lambda: send_mail(
        subject=f"[Một cửa điện tử] Đơn đăng ký của {app.name} chưa được chấp thuận",
        message=(f"Kính gửi {app.contact_name},\n\nĐơn đăng ký thuê hệ thống Một cửa điện tử của {app.name} "
                 f"chưa được chấp thuận.\nLý do: {reason}\n\nQuý đơn vị có thể đăng ký lại sau khi điều chỉnh."),
        from_email=None, recipient_list=[app.email], fail_silently=False,
    ))
    return app


def platform_link_base(scheme: str, host: str) -> str:
    """'http://localhost:8000' from the operator's request (for the tenant's links)."""
    return f"{scheme}://{host}" if host else f"http://{settings.BASE_DOMAIN}"
