"""Notifications: queued after commit, one outbox row per message, sent once by a real Celery worker;
the deadline watch is idempotent."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context

from tenants.notifications.models import OutboxMessage
from tenants.notifications.services import notify, outbox_send
from tests.tenants.dossiers.helpers import build_office, receive


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    from control.tenancy.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        with schema_context(tenant.schema_name):
            connection.tenant = tenant
            yield tenant, build_office()
        connection.set_schema_to_public()
        connection.close()  # a committed-data test leaves no session open on the test database


def _wait(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_reception_notifies_after_commit_and_worker_sends_once(committed, celery_queue):
    _, o = committed
    d = receive(o)
    rows = OutboxMessage.objects.filter(dossier_id=d.pk)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "sms"]
    sms = rows.get(channel="sms")
    assert d.code in sms.body and "Hẹn trả kết quả" in sms.body and "/tra-cuu/?ma=" in sms.body
    assert _wait(lambda: rows.filter(status="sent").count() == 2), list(rows.values("status", "error"))
    assert rows.get(channel="sms").backend == "outbox"
    # Sending again is a no-op: the message was sent once.
    assert outbox_send(message_id=sms.pk) == "skipped"
    assert OutboxMessage.objects.get(pk=sms.pk).attempts == 1


def test_supplement_and_result_ready_are_notified(committed, celery_queue):
    from tenants.dossiers import services as s
    from tests.tenants.dossiers.helpers import pdf_upload

    _, o = committed
    d = receive(o)
    s.dossier_request_supplement(dossier_id=d.pk, actor=o.processor, note="Bổ sung tờ khai có chữ ký")
    s.dossier_supply(dossier_id=d.pk, actor=o.receiver)
    s.dossier_hand_over(dossier_id=d.pk, actor=o.processor)
    s.dossier_approve(dossier_id=d.pk, actor=o.approver)
    s.dossier_issue_result(dossier_id=d.pk, actor=o.returner, result_file=pdf_upload())
    bodies = list(OutboxMessage.objects.filter(dossier_id=d.pk, channel="sms").order_by("id")
                  .values_list("body", flat=True))
    assert len(bodies) == 3
    assert "cần bổ sung: Bổ sung tờ khai có chữ ký" in bodies[1] and "đã có kết quả" in bodies[2]


@pytest.mark.django_db
def test_same_key_is_one_message_and_email_goes_through_django_mail(tenant_a, django_capture_on_commit_callbacks):
    with schema_context(tenant_a.schema_name):
        first = notify(key="k-1", channel="email", to="a@example.vn", subject="Chào", body="Nội dung")
        again = notify(key="k-1", channel="email", to="a@example.vn", subject="Chào", body="Nội dung")
        assert first is not None and again is None
        assert OutboxMessage.objects.filter(key="k-1").count() == 1
        assert outbox_send(message_id=first.pk) == "sent"
        assert outbox_send(message_id=first.pk) == "skipped"
        assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Chào"


@pytest.mark.django_db
def test_deadline_watch_is_idempotent(tenant_a):
    from tenants.dossiers.models import Dossier, DossierAlert
    from tenants.dossiers.watch import deadline_watch_run

    with schema_context(tenant_a.schema_name):
        o = build_office()
        late = receive(o)
        soon = receive(o)
        fine = receive(o)
        now = late.received_at
        Dossier.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(days=2))
        Dossier.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(hours=2))
        Dossier.objects.filter(pk=fine.pk).update(due_at=now + dt.timedelta(days=30))
        first = deadline_watch_run(now=now)
        messages = OutboxMessage.objects.filter(key__startswith="deadline:").count()
        second = deadline_watch_run(now=now)
        assert first["alerts"] >= 2 and second["alerts"] == 0
        assert OutboxMessage.objects.filter(key__startswith="deadline:").count() == messages
        # Processor + unit leader, e-mail and SMS each, for both dossiers.
        assert OutboxMessage.objects.filter(key__contains=f":{late.pk}:").count() == 4
        assert set(DossierAlert.objects.filter(dossier__in=[late, soon, fine]).values_list("dossier_id", "kind")) == {
            (late.pk, "overdue"), (soon.pk, "near_due")}
        late.refresh_from_db()
        assert late.deadline_flag == "overdue"


@pytest.mark.django_db
def test_outbox_page_for_receivers_only(tenant_a, client_a, django_capture_on_commit_callbacks):
    with schema_context(tenant_a.schema_name):
        o = build_office()
        with django_capture_on_commit_callbacks(execute=True):
            d = receive(o)
        client_a.force_login(o.receiver)
        page = client_a.get("/staff/outbox/?kenh=sms")
        assert page.status_code == 200 and f"Hồ sơ {d.code}" in page.content.decode()
        client_a.force_login(o.processor)
        assert client_a.get("/staff/outbox/").status_code == 403


def test_beat_sends_what_the_broker_lost_and_leaves_fresh_messages_to_their_own_task(committed, celery_queue,
                                                                                     settings):
    """A Redis restart without persistence loses the queued delivery tasks: the outbox row stays pending.
    The beat's flush (every OUTBOX_FLUSH_EVERY_S) sends the rows older than that, once each."""
    from django.utils import timezone

    from tenants.notifications.tasks import outbox_flush_task

    entry = settings.CELERY_BEAT_SCHEDULE["notifications-outbox-flush"]
    assert entry["task"] == outbox_flush_task.name and "tenant_schemas" not in entry  # every tenant
    assert entry["schedule"] == settings.OUTBOX_FLUSH_EVERY_S == entry["kwargs"]["settled_s"]
    # rows written without their task (as after the restart): one long pending, one just written
    lost = OutboxMessage.objects.create(key=f"lost-{time.time()}", channel="sms", recipient="0912000111",
                                        body="Ho so da duoc tiep nhan")
    OutboxMessage.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    fresh = OutboxMessage.objects.create(key=f"fresh-{time.time()}", channel="sms", recipient="0912000222",
                                         body="Ho so da duoc tiep nhan")
    try:
        sent = outbox_flush_task.apply_async(kwargs=entry["kwargs"], queue=celery_queue).get(timeout=30)
        assert sent >= 1
        lost.refresh_from_db()
        fresh.refresh_from_db()
        assert (lost.status, lost.attempts) == ("sent", 1)
        assert (fresh.status, fresh.attempts) == ("pending", 0)
        outbox_flush_task.apply_async(kwargs=entry["kwargs"], queue=celery_queue).get(timeout=30)
        lost.refresh_from_db()
        assert lost.attempts == 1  # sent once, never again
    finally:
        OutboxMessage.objects.filter(pk__in=[lost.pk, fresh.pk]).delete()
