"""Provisioning: the clone, the copied catalogue, units, calendar, first admin; failures; resuming."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django_tenants.utils import schema_context, schema_exists

from control.catalogue.models import MasterFee, MasterProcedure
from control.catalogue.services import catalogue_load_starter
from control.tenancy.models import Domain, Tenant
from control.tenancy.services import tenant_create
from onboarding import services
from onboarding.clone import clone_template, clone_template_parallel, foreign_keys_complete
from onboarding.models import Application, Provisioning
from onboarding.provisioning import ProvisioningFailed, provisioning_run
from tests.onboarding.helpers import sign_up, wipe
from tests.support import ROOT, database_url_for_tests, fresh_code, server_env

LEVELS = ["province", "commune"]


def _structure(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT 'col', table_name, column_name, data_type, is_nullable, is_identity, coalesce(column_default, '')
               FROM information_schema.columns WHERE table_schema = %s
               UNION ALL SELECT 'con', conrelid::regclass::text, conname, pg_get_constraintdef(oid), '', '', ''
               FROM pg_constraint WHERE connamespace = %s::regnamespace
               UNION ALL SELECT 'idx', tablename, indexname, indexdef, '', '', '' FROM pg_indexes WHERE schemaname = %s
               ORDER BY 1, 2, 3""",
            [schema, schema, schema],
        )
        rows = cursor.fetchall()
    # A partial index's predicate is re-parsed, so its text may differ in casts only: compare up to WHERE.
    return [tuple(str(v).replace(f"{schema}.", "").split(" WHERE ")[0] for v in row) for row in rows]


@pytest.mark.django_db
def test_clone_copies_the_template_exactly():
    with transaction.atomic():
        assert clone_template("t_clone_check") in ("plan", "django-tenants")
        assert _structure("t_clone_check") == _structure("tenant_template")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM t_clone_check.django_migrations")
            copied = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
            assert copied == cursor.fetchone()[0] > 0
        transaction.set_rollback(True)
    assert not schema_exists("t_clone_check")


def test_parallel_clone_equals_the_template_and_deferred_keys_are_completed(django_db_blocker):
    """Outside any enclosing transaction the clone spreads the tables over several connections."""
    with django_db_blocker.unblock():
        template = _structure("tenant_template")
        try:
            with transaction.atomic():
                assert clone_template_parallel("t_par_check") == "parallel"
            assert _structure("t_par_check") == template
            with transaction.atomic():  # a leftover is replaced; the fee's keys are left to the caller
                assert clone_template_parallel("t_par_check", defer_foreign_keys_of=frozenset({"procedures_fee"})) \
                    == "parallel"
            partial = _structure("t_par_check")
            missing = set(template) - set(partial)
            assert missing and all(row[0] == "con" and row[1] == "procedures_fee" for row in missing)
            with transaction.atomic():
                assert foreign_keys_complete("t_par_check") == len(missing)
                assert foreign_keys_complete("t_par_check") == 0
            assert _structure("t_par_check") == template
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t_par_check.django_migrations")
                copied = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM tenant_template.django_migrations")
                assert copied == cursor.fetchone()[0] > 0
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP SCHEMA IF EXISTS t_par_check CASCADE")
            connection.set_schema_to_public()


def _approved(code: str, slug: str) -> Application:
    app = sign_up(code, slug)
    return services.application_approve(application=app, actor="operator", link_base="http://localhost:8000")


@pytest.mark.django_db
def test_a_province_is_provisioned_with_its_communes_catalogue_calendar_and_admin(
        django_capture_on_commit_callbacks, mailoutbox):
    catalogue_load_starter()
    app = _approved("31", "haiphong")
    assert not Tenant.objects.filter(slug="haiphong").exists()
    with django_capture_on_commit_callbacks(execute=True):
        job = provisioning_run(application_id=app.pk)
    assert (job.state, job.percent, job.steps_done) == ("done", 100, ["schema", "catalogue", "units", "calendar",
                                                                      "admin", "register"])
    tenant = Tenant.objects.get(slug="haiphong")
    assert (tenant.status, tenant.admin_code, tenant.schema_name) == ("trial", "31", "t_haiphong")
    assert Domain.objects.filter(tenant=tenant, domain="haiphong.localhost").exists()
    app.refresh_from_db()
    assert app.status == "provisioned" and app.tenant == tenant
    assert tenant.contact_email == app.email  # leasing writes to it (through control.tenancy.interface)
    from control.console.models import OperatorAction

    assert list(OperatorAction.objects.filter(application_id=app.pk).values_list("action", flat=True)) == [
        "provisioned", "approve"]  # every status change of the application went through its machine

    expected = MasterProcedure.objects.filter(is_current=True, levels__overlap=LEVELS)
    from tenants.calendar.models import CalendarSettings
    from tenants.organization.models import StaffRole, Unit
    from tenants.procedures.models import Fee, Procedure

    with schema_context(tenant.schema_name):
        assert Unit.objects.filter(kind="commune").count() == 114
        assert Unit.objects.filter(kind="one_stop").count() == 1
        assert Unit.objects.filter(kind="department").count() >= 10
        assert Unit.objects.filter(division_code="11311").exists() or Unit.objects.filter(
            kind="commune", division_code__regex=r"^\d{5}$").count() == 114
        assert Procedure.objects.count() == expected.count() > 0
        assert Fee.objects.count() == MasterFee.objects.filter(procedure__in=expected).count()
        assert not Procedure.objects.filter(enabled=True).exists()
        p = Procedure.objects.order_by("code").first()
        master = expected.get(code=p.code)
        assert (p.master_version, p.master_hash, p.name) == (master.version, master.content_hash, master.name)
        assert CalendarSettings.objects.count() == 1
        from core.accounts.models import User

        admin = User.objects.get(username="admin")
        assert not admin.has_usable_password() and admin.email == "haiphong@example.gov.vn"
        assert StaffRole.objects.filter(user=admin, role="administrator").exists()

    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["haiphong@example.gov.vn"]
    link = re.search(r"http://haiphong\.localhost:8000(/staff/setup/mat-khau/\S+/)", mailoutbox[0].body).group(1)
    # the link is bound to the tenant's schema: the same account number elsewhere gains nothing from it
    from django.contrib.auth.tokens import default_token_generator

    from core.accounts.models import User
    from core.signin.tokens import reset_token_generator

    token = link.rstrip("/").rsplit("/", 1)[1]
    with schema_context("t_haiphong"):
        admin = User.objects.get(username="admin")
        assert reset_token_generator.check_token(admin, token)
        assert not default_token_generator.check_token(admin, token)
    with schema_context("public"):
        assert not reset_token_generator.check_token(admin, token)
    client = Client(HTTP_HOST="haiphong.localhost")
    form = client.get(link, follow=True)
    assert "Đặt mật khẩu quản trị" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                       {"new_password1": "Hai-Phong-2026!", "new_password2": "Hai-Phong-2026!"})
    assert done.status_code == 302
    # signed in by the link; an administrator gives a second factor before anything else
    assert client.get("/staff/setup/")["Location"].startswith("/staff/xac-thuc/dang-ky/")
    client.post("/staff/xac-thuc/ma/", {"code": fresh_code("admin", "t_haiphong")})
    assert client.get("/staff/setup/").status_code == 200
    again = Client(HTTP_HOST="haiphong.localhost").get(link, follow=True)
    assert "không hợp lệ hoặc đã được dùng" in again.content.decode()  # one-time

    # running it again changes nothing
    again_job = provisioning_run(application_id=app.pk)
    assert again_job.state == "done" and Tenant.objects.filter(slug="haiphong").count() == 1


@pytest.mark.django_db
def test_district_tenant_gets_the_committee_and_desk_only():
    catalogue_load_starter()
    app = services.application_approve(application=sign_up("", "tienlang", kind="district", name="Huyện Tiên Lãng"),
                                       actor="operator")
    provisioning_run(application_id=app.pk)
    from tenants.organization.models import Unit
    from tenants.procedures.models import Procedure

    with schema_context("t_tienlang"):
        assert sorted(Unit.objects.values_list("kind", flat=True)) == ["one_stop", "peoples_committee"]
        levels = set().union(*Procedure.objects.values_list("levels", flat=True))
        assert "district" in levels or "commune" in levels


@pytest.mark.django_db
def test_a_failure_is_recorded_with_step_and_reason_and_nothing_is_visible():
    app = _approved("22", "quangninh")
    tenant_create(name="Chiếm chỗ", slug="quangninh")  # another path took the schema meanwhile
    with pytest.raises(ProvisioningFailed):
        provisioning_run(application_id=app.pk)
    job = Provisioning.objects.get(application=app)
    assert job.state == "failed" and job.error_step == "schema" and "đã thuộc về" in job.error_message
    assert job.steps_done == []


@pytest.fixture
def committed(django_db_blocker):
    slugs = []
    with django_db_blocker.unblock():
        catalogue_load_starter()

        def make(code: str, slug: str) -> Application:
            # Approved without enqueueing: no Celery worker of the session may pick the job up.
            wipe(slug)
            slugs.append(slug)
            app = sign_up(code, slug)
            Application.objects.filter(pk=app.pk).update(status="approved")
            Provisioning.objects.create(application=app, schema_name=f"t_{slug}")
            app.refresh_from_db()
            return app

        yield make
        for slug in slugs:
            wipe(slug)
        connection.set_schema_to_public()


def test_killed_midway_then_run_again_finishes_without_duplicates(committed):
    app = committed("20", "langson")
    job = Provisioning.objects.get(application=app)
    blocker = psycopg.connect(database_url_for_tests())
    blocker.execute("BEGIN")
    blocker.execute("LOCK TABLE public.catalogue_masterfee IN ACCESS EXCLUSIVE MODE")  # the catalogue step waits
    proc = subprocess.Popen([sys.executable, "manage.py", "tenant_provision", "langson"], cwd=ROOT,
                            env=server_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.current_step == "catalogue":
                break
            time.sleep(0.1)
        assert job.current_step == "catalogue", proc.stdout.read1(4000) if proc.poll() is not None else ""
        time.sleep(0.3)  # inside the step's transaction, waiting on the lock
        os.killpg(proc.pid, signal.SIGKILL)  # the worker dies mid-step
        proc.wait(10)
    finally:
        blocker.rollback()
        blocker.close()
    job.refresh_from_db()
    assert job.steps_done == ["schema"] and job.state == "running"
    assert not Tenant.objects.filter(slug="langson").exists()
    assert not Domain.objects.filter(domain="langson.localhost").exists()
    assert Client(HTTP_HOST="langson.localhost").get("/staff/").status_code == 404  # nobody sees it
    from tenants.procedures.models import Procedure

    with schema_context("t_langson"):
        assert Procedure.objects.count() == 0  # the killed step left nothing

    call_command("tenant_provision", "langson", stdout=open(os.devnull, "w"))  # noqa: SIM115
    job.refresh_from_db()
    assert job.state == "done" and job.attempts == 2
    expected = MasterProcedure.objects.filter(is_current=True, levels__overlap=LEVELS).count()
    from tenants.organization.models import Unit

    assert _structure("t_langson") == _structure("tenant_template")  # the deferred keys are there
    with schema_context("t_langson"):
        assert Procedure.objects.count() == expected
        assert Procedure.objects.values("code").distinct().count() == expected
        assert Unit.objects.filter(kind="commune").count() == 65
    assert Tenant.objects.filter(slug="langson").count() == 1
