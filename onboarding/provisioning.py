"""Provisioning an approved application: a sequence of atomic, resumable steps.

Each step runs in one transaction together with the row that records it as done, so a
worker killed in the middle leaves either the whole step or nothing. Running the job again
skips what is done and finishes the rest. The tenant (its ``Tenant`` and ``Domain`` rows)
is registered by the *last* step: until then no host resolves to the new schema, so no
half-made tenant is visible to anyone. A PostgreSQL advisory lock keeps two workers from
running the same job at once (it dies with the connection of a killed worker).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tenants.utils import schema_context, schema_exists

from control.tenancy.models import Domain, Tenant
from control.tenancy.services import template_schema_ensure
from core.accounts.models import User
from core.signin.tokens import reset_token_generator
from onboarding import divisions
from onboarding.clone import clone_template_parallel, foreign_keys_complete
from onboarding.models import Application, Provisioning
from onboarding.transitions import application_transition

logger = logging.getLogger(__name__)
ADMIN_USERNAME = "admin"
LOCK_NAMESPACE = 0x0B0A  # pg_advisory_lock(namespace, application id)

STEPS: list[tuple[str, str, int]] = [
    ("schema", "Tạo cơ sở dữ liệu từ bản mẫu", 25),
    ("catalogue", "Sao chép danh mục thủ tục", 30),
    ("units", "Tạo các đơn vị", 15),
    ("calendar", "Lịch làm việc mặc định", 5),
    ("admin", "Tạo tài khoản quản trị đầu tiên", 10),
    ("register", "Kích hoạt tên miền", 15),
]
STEP_LABELS = {key: label for key, label, _ in STEPS}
# Filled by the catalogue step: the schema step leaves their foreign keys to it.
CATALOGUE_TABLES = frozenset({"procedures_field", "procedures_procedure", "procedures_fee",
                              "procedures_requireddocument"})


class ProvisioningFailed(RuntimeError):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{STEP_LABELS.get(step, step)}: {message}")
        self.step = step
        self.message = message


class AlreadyRunning(RuntimeError):
    pass


def percent_of(done: list[str]) -> int:
    total = sum(w for _, _, w in STEPS)
    return round(100 * sum(w for k, _, w in STEPS if k in done) / total)


# ------------------------------------------------------------------ steps
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def step_schema(app: Application, job: Provisioning) -> None:
    """Clone the template (tables spread over a few connections, see ``clone.py``). A schema
    left by an interrupted run (no tenant row points to it) is replaced."""
    schema = job.schema_name
    if schema_exists(schema) and Tenant.objects.filter(schema_name=schema).exists():
        raise ProvisioningFailed("schema", f"schema {schema} đã thuộc về một đơn vị khác")
    clone_template_parallel(schema, defer_foreign_keys_of=CATALOGUE_TABLES)


def step_catalogue(app: Application, job: Provisioning) -> None:
    """Copy the current master procedures of the tenant's levels, in four INSERT ... SELECT.

    The step is one transaction: it starts from empty tables every time it runs. The foreign
    keys of these tables come last when the schema step deferred them (a parallel clone): one
    join per constraint instead of a deferred trigger check per copied row at commit."""
    s = _q(job.schema_name)
    levels = list(app.levels) or ["province", "commune"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {s}.procedures_field (code, name)
                SELECT DISTINCT f.code, f.name FROM public.catalogue_masterfield f
                JOIN public.catalogue_masterprocedure p ON p.field_id = f.id
                WHERE p.is_current AND p.levels && %s::varchar[]
                ON CONFLICT (code) DO NOTHING""",
            [levels],
        )
        cursor.execute(
            f"""INSERT INTO {s}.procedures_procedure (code, name, field_id, levels, agency_kind, agency_name,
                    processing_amount, processing_unit, online_level, applicant_kinds, results, legal_basis, sample,
                    enabled, master_version, master_hash, locally_changed, declined_master_hash,
                    created_at, updated_at)
                SELECT p.code, p.name, tf.id, p.levels, p.agency_kind, p.agency_name, p.processing_amount,
                    p.processing_unit, p.online_level, p.applicant_kinds, p.results, p.legal_basis, p.sample,
                    false, p.version, p.content_hash, '{{}}', '', now(), now()
                FROM public.catalogue_masterprocedure p
                JOIN public.catalogue_masterfield f ON f.id = p.field_id
                JOIN {s}.procedures_field tf ON tf.code = f.code
                WHERE p.is_current AND p.levels && %s::varchar[]
                ON CONFLICT (code) DO NOTHING""",
            [levels],
        )
        cursor.execute(
            f"""INSERT INTO {s}.procedures_fee (procedure_id, name, kind, amount_vnd, legal_text, position)
                SELECT tp.id, mf.name, mf.kind, mf.amount_vnd, mf.legal_text, mf.position
                FROM public.catalogue_masterfee mf
                JOIN public.catalogue_masterprocedure p ON p.id = mf.procedure_id AND p.is_current
                JOIN {s}.procedures_procedure tp ON tp.code = p.code"""
        )
        cursor.execute(
            f"""INSERT INTO {s}.procedures_requireddocument (procedure_id, name, originals, copies,
                    form_template_code, form_template_name, optional, "group", position)
                SELECT tp.id, md.name, md.originals, md.copies, md.form_template_code, md.form_template_name,
                    md.optional, md."group", md.position
                FROM public.catalogue_masterdocument md
                JOIN public.catalogue_masterprocedure p ON p.id = md.procedure_id AND p.is_current
                JOIN {s}.procedures_procedure tp ON tp.code = p.code"""
        )
    foreign_keys_complete(job.schema_name)
    from tenants.procedures.services import life_events_seed, procedures_search_refresh

    with schema_context(job.schema_name):
        procedures_search_refresh(only_empty=True)  # the copied rows' folded search text
        life_events_seed()  # the starter life events (sinh con, kết hôn...) over the copied procedures


def step_units(app: Application, job: Provisioning) -> None:
    """The people's committee, the standard departments, one unit per commune/ward, the one-stop desk.

    A district-sized tenant (no province code) gets the committee and the desk; its other
    units are entered by hand in the setup wizard."""
    from tenants.organization.models import Unit

    with schema_context(job.schema_name):
        if Unit.objects.exists():
            return
        root = Unit.objects.create(name=f"Ủy ban nhân dân {app.name}", kind=Unit.Kind.PEOPLES_COMMITTEE,
                                   division_code=app.province_code)
        units = [Unit(name=f"{divisions.ONE_STOP_NAME} {divisions.short_name(app.name)}",
                      kind=Unit.Kind.ONE_STOP, parent=root)]
        if app.province_code:
            units += [Unit(name=name, kind=Unit.Kind.DEPARTMENT, parent=root) for name in divisions.departments()]
            units += [
                Unit(name=c.name, kind=Unit.Kind.COMMUNE, parent=root, division_code=c.code)
                for c in divisions.communes(app.province_code)
            ]
        Unit.objects.bulk_create(units, batch_size=500)


def step_calendar(app: Application, job: Provisioning) -> None:
    from tenants.calendar.models import CalendarSettings

    with schema_context(job.schema_name):
        if not CalendarSettings.objects.exists():
            CalendarSettings.objects.create()


def step_admin(app: Application, job: Provisioning) -> None:
    from tenants.organization.models import StaffRole, Unit

    with schema_context(job.schema_name):
        user, created = User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"kind": User.Kind.STAFF, "full_name": app.contact_name, "email": app.email,
                      "phone": app.phone, "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        root = Unit.objects.filter(kind=Unit.Kind.PEOPLES_COMMITTEE).order_by("pk").first()
        if root is not None:
            StaffRole.objects.get_or_create(user=user, unit=root, role=StaffRole.Role.ADMINISTRATOR)


def tenant_base_url(app: Application) -> str:
    base = urlsplit(app.link_base or f"http://{settings.BASE_DOMAIN}")
    port = f":{base.port}" if base.port else ""
    return f"{base.scheme or 'http'}://{app.slug}.{settings.BASE_DOMAIN}{port}"


def admin_password_link(app: Application, schema_name: str) -> str | None:
    """A one-time link for the tenant's first administrator, bound to its schema (core.signin.tokens)."""
    with schema_context(schema_name):
        user = User.objects.filter(username=ADMIN_USERNAME).first()
        if user is None or user.has_usable_password():
            return None
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = reset_token_generator.make_token(user)
    return f"{tenant_base_url(app)}/staff/setup/mat-khau/{uid}/{token}/"


def send_admin_link(app: Application, schema_name: str) -> None:
    link = admin_password_link(app, schema_name)
    if link is None:
        return
    send_mail(
        subject=f"[Một cửa điện tử] {app.name}: hệ thống đã sẵn sàng",
        message=(
            f"Kính gửi {app.contact_name},\n\n"
            f"Hệ thống Một cửa điện tử của {app.name} đã được khởi tạo tại {tenant_base_url(app)}/staff/\n"
            f"Tên đăng nhập quản trị: {ADMIN_USERNAME}\n"
            f"Đặt mật khẩu (liên kết chỉ dùng được một lần):\n{link}\n\n"
            "Sau khi đăng nhập, hãy hoàn tất các bước thiết lập và danh sách kiểm tra trước khi vận hành chính thức."
        ),
        from_email=None,
        recipient_list=[app.email],
        fail_silently=False,
    )


def step_register(app: Application, job: Provisioning) -> None:
    with connection.cursor() as cursor:  # this one commits durably (the job runs with async commits)
        cursor.execute("SET LOCAL synchronous_commit TO on")
    if Tenant.objects.filter(slug=app.slug).exists():
        raise ProvisioningFailed("register", f"tên miền con “{app.slug}” đã có đơn vị sử dụng")
    tenant = Tenant(name=app.name, slug=app.slug, kind=app.kind, admin_code=app.province_code,
                    status=Tenant.Status.TRIAL, schema_name=job.schema_name, contact_email=app.email)
    tenant.auto_create_schema = False  # the schema is already there, complete
    tenant.save(verbosity=0)
    Domain.objects.create(domain=f"{app.slug}.{settings.BASE_DOMAIN}", tenant=tenant, is_primary=True)
    application_transition(application=app, to=Application.Status.PROVISIONED, actor="provisioning",
                           action="provisioned", detail=f"schema {job.schema_name}", tenant=tenant)
    schema = job.schema_name
    transaction.on_commit(lambda: _mail_quietly(app, schema))


def _mail_quietly(app: Application, schema: str) -> None:
    try:
        send_admin_link(app, schema)
    except Exception:  # the tenant is ready; the operator can resend the link from the console
        logger.exception("admin link for %s not sent", app.slug)


STEP_FUNCTIONS: dict[str, Callable[[Application, Provisioning], None]] = {
    "schema": step_schema,
    "catalogue": step_catalogue,
    "units": step_units,
    "calendar": step_calendar,
    "admin": step_admin,
    "register": step_register,
}


# ------------------------------------------------------------------ the job
def _try_lock(application_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, application_id])
        return bool(cursor.fetchone()[0])


def _unlock(application_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, application_id])


def provisioning_run(*, application_id: int,
                     progress: Callable[[Provisioning, str], None] | None = None) -> Provisioning:
    """Run (or resume) the provisioning of an approved application until done.

    Raises ProvisioningFailed (recorded on the job: step and reason) or AlreadyRunning. Meant to
    run outside a transaction (each step commits); inside one, steps become savepoints."""
    connection.set_schema_to_public()
    if not _try_lock(application_id):
        raise AlreadyRunning(f"Đơn {application_id} đang được khởi tạo ở nơi khác.")
    # Asynchronous commits: a crash may lose the last steps' commits, never half of one; the job
    # then simply redoes them. Saves a WAL flush per step and per progress update.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        job = Provisioning.objects.select_related("application").get(application_id=application_id)
        app = job.application
        if job.state == Provisioning.State.DONE:
            return job
        if app.status not in (Application.Status.APPROVED, Application.Status.PROVISIONED):
            raise ProvisioningFailed("schema", "đơn đăng ký chưa được duyệt")
        Provisioning.objects.filter(pk=job.pk).update(
            state=Provisioning.State.RUNNING, attempts=job.attempts + 1, error_step="", error_message="",
            started_at=job.started_at or timezone.now(),
        )
        job.refresh_from_db()
        if not schema_exists(settings.TENANT_BASE_SCHEMA):
            template_schema_ensure()
            connection.set_schema_to_public()
        for key, _label, _weight in STEPS:
            if key in job.steps_done:
                continue
            Provisioning.objects.filter(pk=job.pk).update(current_step=key)
            if progress:
                progress(job, key)
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    STEP_FUNCTIONS[key](app, job)
                    job.steps_done = [*job.steps_done, key]
                    job.percent = percent_of(job.steps_done)
                    job.timings = {**job.timings, key: round(time.perf_counter() - started, 4)}
                    job.save(update_fields=["steps_done", "percent", "timings", "updated_at"])
            except Exception as exc:
                connection.set_schema_to_public()
                failure = exc if isinstance(exc, ProvisioningFailed) else ProvisioningFailed(key, str(exc)[:2000])
                Provisioning.objects.filter(pk=job.pk).update(
                    state=Provisioning.State.FAILED, error_step=key, error_message=failure.message,
                    updated_at=timezone.now(),
                )
                logger.warning("provisioning of %s failed at %s: %s", app.slug, key, failure.message)
                raise failure from exc
            connection.set_schema_to_public()
        Provisioning.objects.filter(pk=job.pk).update(
            state=Provisioning.State.DONE, current_step="", percent=100, finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        job.refresh_from_db()
        if progress:
            progress(job, "")
        return job
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
        _unlock(application_id)
