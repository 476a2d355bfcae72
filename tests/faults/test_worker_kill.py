"""A Celery worker killed with SIGKILL mid-task (issue 10, item 8), for provisioning, notification delivery,
payment reconciliation and the invoice run. Each over real processes: a worker (threads pool, one process)
on a private redis-server, held "mid-task" by pausing what it waits on (the SMTP server, the VNPay sandbox
with SIGSTOP) or by a lock the test holds in PostgreSQL, then killed. A new worker gets the task again
(acks_late + reject_on_worker_lost, redelivered after ``CELERY_VISIBILITY_TIMEOUT``, here a few seconds) and
finishes it exactly once. While stuck, the work is listed on the operator's stuck page; done, it leaves."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from tests.billing.helpers import pay_at_gateway, wait_for
from tests.faults.processes import CeleryWorker, SandboxProcess, SmtpSink
from tests.support import database_url_for_tests

VISIBILITY_S = 8
WORKER_ENV = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_S), "CELERY_UNACKED_RESTORE_S": "1",
              "VNPAY_TIMEOUT_S": "60"}


@pytest.fixture
def broker(live_db, private_redis):  # noqa: ANN001
    """(redis url, queue): a queue of this test on a private Redis (the restore sweeps only touch it)."""
    return private_redis.url, f"faults-{uuid.uuid4().hex[:8]}"


def _send(task, *, broker_url: str, queue: str, schema: str = "public", args: tuple = ()) -> None:  # noqa: ANN001
    from config.celery import app

    with schema_context(schema), app.connection_for_write(broker_url) as conn:
        task.apply_async(args=args, queue=queue, connection=conn)  # the schema travels in the headers


def _worker(broker_url: str, queue: str, **env: str) -> CeleryWorker:
    worker = CeleryWorker(queue, env={"REDIS_URL": broker_url, **WORKER_ENV, **env})
    worker.start()
    return worker


def stuck_refs(kind: str) -> set[str]:
    """What the operator's stuck page lists now (threshold 0 minutes) for ``kind``."""
    from core.accounts.models import User

    connection.set_schema_to_public()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="operator"))
    r = client.get("/console/health/ket/?sau=0")
    assert r.status_code == 200
    return set(re.findall(rf'data-kind="{kind}" data-schema="[^"]*" data-ref="([^"]+)"', r.content.decode()))


def _waiting_on_lock(pattern: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE %s",
                       [pattern])
        return cursor.fetchone()[0] > 0


def _kill_and_redeliver(worker: CeleryWorker, broker_url: str, queue: str, **env: str) -> CeleryWorker:
    worker.kill()
    time.sleep(1)
    return _worker(broker_url, queue, **env)


# --- provisioning ---------------------------------------------------------------------------------------
def test_provisioning_worker_killed_mid_step_redelivered_one_tenant(broker):
    from control.catalogue.models import MasterProcedure
    from control.catalogue.services import catalogue_load_starter
    from control.tenancy.models import Domain, Tenant
    from onboarding.models import Application, Provisioning
    from onboarding.tasks import provision_application
    from tenants.organization.models import Unit
    from tenants.procedures.models import Procedure
    from tests.onboarding.helpers import sign_up, wipe

    url, queue = broker
    slug = "faultbg"
    catalogue_load_starter()
    wipe(slug)
    app = sign_up("24", slug)
    Application.objects.filter(pk=app.pk).update(status="approved")  # approved without enqueueing elsewhere
    job = Provisioning.objects.create(application=app, schema_name=f"t_{slug}")
    blocker = psycopg.connect(database_url_for_tests())
    worker = None
    try:
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE public.catalogue_masterfee IN ACCESS EXCLUSIVE MODE")  # the catalogue step waits
        worker = _worker(url, queue)
        _send(provision_application, broker_url=url, queue=queue, args=(app.pk,))
        wait_for(lambda: _waiting_on_lock("%catalogue_masterfee%"), timeout=90)
        job.refresh_from_db()
        assert (job.current_step, job.state) == ("catalogue", "running")
        worker.kill()  # mid-step, inside the step's transaction
        blocker.rollback()
        assert f"khoi-tao:{app.pk}" in stuck_refs("provisioning")  # the operator sees it, stuck at its step
        assert not Tenant.objects.filter(slug=slug).exists()
        worker = _worker(url, queue)
        wait_for(lambda: Provisioning.objects.get(pk=job.pk).state == "done", timeout=120, interval=0.3)
        job.refresh_from_db()
        assert job.attempts == 2
        assert Tenant.objects.filter(slug=slug).count() == 1 and Domain.objects.filter(
            domain=f"{slug}.localhost").count() == 1
        expected = MasterProcedure.objects.filter(is_current=True, levels__overlap=["province", "commune"]).count()
        with schema_context(f"t_{slug}"):
            assert Procedure.objects.count() == expected == Procedure.objects.values("code").distinct().count()
            assert Unit.objects.filter(kind="one_stop").count() == 1
        assert f"khoi-tao:{app.pk}" not in stuck_refs("provisioning")
    finally:
        blocker.close()
        if worker:
            worker.stop()
        wipe(slug)


# --- notification delivery -------------------------------------------------------------------------------
def test_notification_worker_killed_while_smtp_hangs_each_message_sent_once(broker):
    from tenants.notifications.models import OutboxMessage
    from tenants.notifications.tasks import outbox_deliver

    url, queue = broker
    smtp = SmtpSink()
    smtp.start()
    tag = secrets.token_hex(4)
    with schema_context(_alpha_schema()):
        ids = [OutboxMessage.objects.create(key=f"fault-{tag}-{i}", channel="email", recipient=f"dan{i}@example.vn",
                                            subject=f"Ho so {tag}-{i}", body="Hồ sơ đã được tiếp nhận").pk
               for i in range(4)]
    worker = _worker(url, queue, **smtp.env())
    try:
        smtp.pause()  # the server accepts connections and says nothing: a sending worker hangs in SMTP
        for pk in ids:
            _send(outbox_deliver, broker_url=url, queue=queue, schema=_alpha_schema(), args=(pk,))
        wait_for(lambda: worker.connected_to(smtp.port), timeout=60)
        time.sleep(0.3)
        worker.kill()
        smtp.resume()
        with schema_context(_alpha_schema()):
            assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"pending"}
        assert {f"thong-bao:{pk}" for pk in ids} <= stuck_refs("notifications")
        worker = _worker(url, queue, **smtp.env())

        def all_sent() -> bool:
            with schema_context(_alpha_schema()):
                return OutboxMessage.objects.filter(pk__in=ids, status="sent").count() == len(ids)

        wait_for(all_sent, timeout=60, interval=0.3)
        subjects = [m["subject"] for m in smtp.received() if tag in m["subject"]]
        assert sorted(subjects) == sorted(f"Ho so {tag}-{i}" for i in range(4))  # each once, none twice
        with schema_context(_alpha_schema()):
            assert all(m.attempts >= 1 for m in OutboxMessage.objects.filter(pk__in=ids))
        assert not {f"thong-bao:{pk}" for pk in ids} & stuck_refs("notifications")
    finally:
        worker.stop()
        smtp.stop()


def _alpha_schema() -> str:
    from control.tenancy.models import Tenant

    connection.set_schema_to_public()
    return Tenant.objects.get(slug="alpha").schema_name


# --- payment reconciliation ---------------------------------------------------------------------------------
def test_reconciliation_worker_killed_while_gateway_hangs_each_payment_reconciled_once(broker):
    from billing.fees.models import LedgerEntry, Payment, PaymentEvent
    from billing.fees.services import payment_checkout, terminal_save
    from billing.fees.tasks import reconcile_pending
    from tests.billing.helpers import LiveTenant, citizen

    url, queue = broker
    from control.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug="alpha")
    tmn, secret = f"FKW{secrets.randbelow(10**5):05d}", secrets.token_hex(16)
    sandbox = SandboxProcess([{"tmn_code": tmn, "hash_secret": secret, "ipn_url": "http://127.0.0.1:9/ipn"}])
    sandbox.start()
    live = LiveTenant(tenant=tenant, tmn_code=tmn, secret=secret, base="", sandbox_url=sandbox.url)
    worker = None
    try:
        with live.schema():
            terminal_save(tmn_code=tmn, hash_secret=secret, pay_url=sandbox.url, api_url=sandbox.url, actor="faults")
        sandbox.switches(tmn, drop=True)  # paid at the gateway, the IPN never comes
        payments = []
        for amount in (71_000, 72_000, 73_000):
            req = live.request(amount)
            with live.schema():
                p = payment_checkout(request=req, idempotency_key=secrets.token_hex(8), ip_addr="127.0.0.1",
                                     return_url="http://alpha.localhost/thanh-toan/vnpay/return")
            pay_at_gateway(citizen(), p.pay_url)
            payments.append(p)
        with live.schema():  # as if the payment window had closed: still pending, for the reconciliation
            Payment.objects.filter(pk__in=[p.pk for p in payments]).update(
                expires_at=timezone.now() - timedelta(minutes=1))
        refs = {f"thanh-toan:{p.txn_ref}" for p in payments}
        assert refs <= stuck_refs("payments")
        worker = _worker(url, queue)
        sandbox.pause()  # querydr hangs
        _send(reconcile_pending, broker_url=url, queue=queue, schema=tenant.schema_name, args=(0,))
        wait_for(lambda: worker.connected_to(sandbox.port), timeout=60)
        time.sleep(0.3)
        worker.kill()
        sandbox.resume()
        with live.schema():
            assert set(Payment.objects.filter(pk__in=[p.pk for p in payments]).values_list("status", flat=True)) \
                == {"pending"}
        worker = _worker(url, queue)

        def settled() -> bool:
            with live.schema():
                return Payment.objects.filter(pk__in=[p.pk for p in payments], status="succeeded").count() == 3

        wait_for(settled, timeout=60, interval=0.3)
        with live.schema():
            for p in payments:
                assert LedgerEntry.objects.filter(payment_id=p.pk, kind="fee_paid").count() == 1
                assert PaymentEvent.objects.filter(payment_id=p.pk, to_status="succeeded").count() == 1
                assert Payment.objects.get(pk=p.pk).confirmed_via == "querydr"
        assert not refs & stuck_refs("payments")
    finally:
        if worker:
            worker.stop()
        sandbox.stop()


# --- the invoice run ---------------------------------------------------------------------------------------
def test_invoice_run_worker_killed_mid_run_one_invoice_per_contract_and_period(broker):
    from billing.leasing.models import Invoice, LeaseContract, PlatformLedgerEntry
    from billing.leasing.services import contract_create, period_for
    from billing.leasing.tasks import invoice_run
    from control.tenancy.models import Tenant

    url, queue = broker
    today = timezone.localdate()
    tenants = list(Tenant.objects.filter(slug__in=["alpha", "beta"]))
    before_active = list(LeaseContract.objects.filter(is_active=True).values_list("pk", flat=True))
    contracts = [contract_create(tenant_id=t.pk, number=f"HD-FAULT-{secrets.token_hex(3)}", price_vnd=10_000_000,
                                 start_date=today - timedelta(days=400), end_date=today + timedelta(days=400))
                 for t in tenants]
    contracts = [LeaseContract.objects.get(pk=c.pk) for c in contracts]
    LeaseContract.objects.filter(pk__in=[c.pk for c in contracts]).update(
        created_at=timezone.now() - timedelta(minutes=1))
    refs = {f"hop-dong:{c.number}" for c in contracts}
    blocker = psycopg.connect(database_url_for_tests())
    worker = None
    try:
        assert refs <= stuck_refs("invoice_run")  # due, not yet invoiced
        blocker.execute("BEGIN")
        blocker.execute("INSERT INTO leasing_invoicecounter (year, last) VALUES (%s, 0) ON CONFLICT DO NOTHING",
                        [today.year])
        blocker.execute("SELECT * FROM leasing_invoicecounter WHERE year = %s FOR UPDATE", [today.year])
        worker = _worker(url, queue)
        _send(invoice_run, broker_url=url, queue=queue)
        wait_for(lambda: _waiting_on_lock("%leasing_invoicecounter%"), timeout=60)
        worker.kill()  # mid-run, numbering its first invoice
        blocker.rollback()
        assert refs <= stuck_refs("invoice_run")
        worker = _worker(url, queue)

        def issued() -> bool:
            return Invoice.objects.filter(contract__in=contracts).count() >= len(contracts)

        wait_for(issued, timeout=60, interval=0.3)
        time.sleep(1)
        for c in contracts:
            start, _end = period_for(c, today)
            invoices = list(Invoice.objects.filter(contract=c))
            assert [i.period_start for i in invoices] == [start]  # one per contract and period
            assert PlatformLedgerEntry.objects.filter(invoice=invoices[0], kind="invoice_issued").count() == 1
        numbers = list(Invoice.objects.filter(contract__in=contracts).values_list("number", flat=True))
        assert len(set(numbers)) == len(numbers)
        assert not refs & stuck_refs("invoice_run")
    finally:
        blocker.close()
        if worker:
            worker.stop()
        _contracts_remove(contracts, before_active)


def _contracts_remove(contracts, before_active: list[int]) -> None:  # noqa: ANN001
    """This test's contracts leave no trace for the tests after it (raw SQL: the ledger is append-only)."""
    from billing.leasing.models import LeaseContract

    ids = [c.pk for c in contracts]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM leasing_invoice WHERE contract_id = ANY(%s)", [ids])
        invoices = [r[0] for r in cursor.fetchall()]
        for table in ("leasing_platformledgerentry", "leasing_invoiceevent", "leasing_dunningevent",
                      "leasing_invoicepayment"):
            cursor.execute(f"DELETE FROM {table} WHERE invoice_id = ANY(%s)", [invoices])  # noqa: S608
        cursor.execute("DELETE FROM leasing_invoice WHERE id = ANY(%s)", [invoices])
        cursor.execute("DELETE FROM leasing_leasecontract WHERE id = ANY(%s)", [ids])
    LeaseContract.objects.filter(pk__in=before_active).update(is_active=True)
