"""Operator pages of onboarding under /console/: applications, approve/reject, progress JSON."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from control.console.models import OperatorAction
from control.tenancy.models import Tenant
from core.accounts.models import User
from onboarding.models import Application, Provisioning
from tests.onboarding.helpers import sign_up, wipe
from tests.support import PASSWORD, sign_in


def _operator_client() -> Client:
    client = Client(HTTP_HOST="localhost")
    assert sign_in(client, "operator").status_code == 302
    return client


@pytest.mark.django_db
def test_only_operators_reach_the_console(platform_client, client_a):
    app = sign_up("22", "quangninh")
    assert platform_client.get("/console/").status_code == 302  # anonymous → login
    assert platform_client.post(f"/console/don/{app.pk}/duyet/").status_code == 302
    with schema_context("public"):
        User.objects.create_user(username="not-operator", password=PASSWORD, kind=User.Kind.STAFF)
    other = Client(HTTP_HOST="localhost")
    other.post("/login/", {"username": "not-operator", "password": PASSWORD})
    assert other.get("/console/").status_code == 302
    assert other.get("/console/tien-do.json").status_code == 302
    # a tenant's admin has no console on the tenant's host either
    client_a.post("/staff/login/", {"username": "admin-alpha", "password": PASSWORD})
    assert client_a.get("/console/").status_code == 404
    app.refresh_from_db()
    assert app.status == "submitted"


@pytest.mark.django_db
def test_operator_rejects_with_a_reason_emailed(django_capture_on_commit_callbacks, mailoutbox):
    app = sign_up("22", "quangninh")
    client = _operator_client()
    page = client.get("/console/")
    assert "Tỉnh Quảng Ninh" in page.content.decode() and "Duyệt Tỉnh Quảng Ninh" in page.content.decode()
    response = client.post(f"/console/don/{app.pk}/tu-choi/", {"reason": ""}, follow=True)
    assert "Hãy ghi lý do từ chối" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/console/don/{app.pk}/tu-choi/", {"reason": "Thiếu công văn đề nghị của UBND tỉnh"})
    app.refresh_from_db()
    assert app.status == "rejected" and app.decided_by == "operator"
    assert len(mailoutbox) == 1 and "Thiếu công văn đề nghị" in mailoutbox[0].body
    assert OperatorAction.objects.filter(action="reject", application_id=app.pk, actor="operator").exists()
    # a rejected province may sign up again
    assert sign_up("22", "quangninh").status == "submitted"
    # an already-decided application cannot be approved
    response = client.post(f"/console/don/{app.pk}/duyet/", follow=True)
    assert "Không thể chuyển đơn" in response.content.decode()


@pytest.fixture
def committed_slug(django_db_blocker):
    with django_db_blocker.unblock():
        from control.catalogue.services import catalogue_load_starter

        catalogue_load_starter()
        wipe("thainguyen")
        yield "thainguyen"
        wipe("thainguyen")


def test_approval_provisions_on_the_worker_with_visible_progress(celery_queue, committed_slug):
    app = sign_up("19", committed_slug)
    client = _operator_client()
    client.post(f"/console/don/{app.pk}/duyet/")  # commits, then enqueues on the real worker
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        jobs = client.get(f"/console/tien-do.json?id={app.pk}").json()["jobs"]
        seen.append(jobs[0]["percent"])
        if jobs[0]["state"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert jobs[0]["state"] == "done", jobs
    assert seen[-1] == 100 and jobs[0]["steps_done"][-1] == "register"
    assert Tenant.objects.get(slug=committed_slug).status == "trial"
    assert Application.objects.get(pk=app.pk).status == "provisioned"
    assert Provisioning.objects.get(application=app).attempts == 1
    page = client.get("/console/").content.decode()
    assert "Tỉnh Thái Nguyên" in page
