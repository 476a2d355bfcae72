"""Demo provinces onboarded through the real flow: sign-up → approval → provisioning.

Hải Phòng (31) and Lạng Sơn (20), with their real communes/wards; admin ``admin`` with the
demo password. The master catalogue holds the real national records shipped with the
product, and the starter catalogue for what they lack, before any province is provisioned.
A second run reuses what exists. The provisioning runs here (the same job
the Celery worker runs), so ``make demo`` does not depend on a worker being up yet.
"""

from __future__ import annotations

from django.db import connection

from control.catalogue.services import catalogue_load_shipped
from control.tenancy.models import Tenant
from control.tenancy.services import operator_ensure, tenant_admin_ensure
from onboarding import services
from onboarding.models import Application, Provisioning
from onboarding.provisioning import provisioning_run

DEMO = [
    # (province code, slug, contact)
    ("31", "haiphong", "Trần Thị Hải"),
    ("20", "langson", "Hoàng Văn Lạng"),
]


def _receiver_and_procedures(tenant: Tenant, password: str) -> None:
    """Enough setup for the demo to be usable: a receiver at the desk, procedures enabled."""
    from django_tenants.utils import schema_context

    from tenants.organization.models import StaffRole, Unit
    from tenants.procedures.models import Procedure

    with schema_context(tenant.schema_name):
        desk = Unit.objects.filter(kind=Unit.Kind.ONE_STOP).order_by("pk").first()
        admin = tenant_admin_ensure(tenant=tenant, username="admin", password=password,
                                    full_name=f"Quản trị {tenant.name}")
        if desk is not None:
            StaffRole.objects.get_or_create(user=admin, unit=desk, role=StaffRole.Role.RECEIVER)
            if not Procedure.objects.filter(enabled=True).exists():
                through = Procedure.handling_units.through
                ids = list(Procedure.objects.values_list("pk", flat=True))
                Procedure.objects.filter(pk__in=ids).update(enabled=True)
                through.objects.bulk_create([through(procedure_id=i, unit_id=desk.pk) for i in ids],
                                            ignore_conflicts=True)
        from tenants.procedures.services import life_events_seed

        life_events_seed()  # provinces provisioned before life events existed get the starter set too


def run(stdout, password: str) -> None:  # noqa: ANN001
    operator = operator_ensure(username="operator", password=password, full_name="Nhân viên vận hành demo")
    loaded = catalogue_load_shipped(by="demo")
    stdout.write(f"  danh mục gốc: {loaded.summary()}")
    for code, slug, contact in DEMO:
        tenant = Tenant.objects.filter(slug=slug).first()
        app = Application.objects.filter(slug=slug).exclude(status=Application.Status.REJECTED).first()
        if tenant is not None and app is None:
            stdout.write(f"  = {tenant.name}: đã có (tạo trước khi có quy trình đăng ký), dùng lại")
        else:
            if app is None:
                app = services.application_submit(data=services.SignUp(
                    kind="province", province_code=code, name="", slug=slug, contact_name=contact,
                    email=f"{slug}@example.gov.vn", phone="0225 3842 000", plan="standard"))
                stdout.write(f"  + {app.name}: đơn đăng ký #{app.pk}")
            if app.status == Application.Status.SUBMITTED:
                app = services.application_approve(application=app, actor=operator.username,
                                                   link_base="http://localhost:8000")
            job = Provisioning.objects.get(application=app)
            if job.state != Provisioning.State.DONE:
                job = provisioning_run(application_id=app.pk)
                stdout.write(f"  + {app.name}: khởi tạo xong trong {sum(job.timings.values()):.2f} s")
            else:
                stdout.write(f"  = {app.name}: đã khởi tạo, dùng lại")
            app.refresh_from_db()
            tenant = app.tenant
        _receiver_and_procedures(tenant, password)
        if tenant.status == Tenant.Status.TRIAL:
            from onboarding.golive import tenant_go_live

            tenant_go_live(tenant=tenant, actor=operator.username)
        connection.set_schema_to_public()
