"""Reception in few statements: one statement takes the code and writes the dossier with it, its audit row
and its scans; the COMMIT travels with it when nothing else is left to write.

The one-statement insert must store exactly what the ORM stores, and the COMMIT may travel with it only
when the reception is the outermost transaction (never ending a caller's transaction).
"""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.db.fastinsert import insert_tree
from tenants.calendar.workingtime import TZ
from tenants.dossiers.models import Dossier, DossierEvent, DossierFile
from tests.support import database_url_for_tests
from tests.tenants.dossiers.helpers import pdf_upload, receive

AWKWARD = "Nguyễn Thị \"Ánh\" O'Brien \\ <b>%s %(x)s</b> 🙂\nxuống dòng"


def _tree(o, name: str, code: str) -> tuple[Dossier, DossierEvent, list[DossierFile]]:
    from tenants.dossiers.processes import process_current, steps_of

    version = process_current(procedure=o.procedure)
    step = steps_of(version)[0]
    when = dt.datetime(2026, 2, 13, 16, 59, 58, 123456, tzinfo=TZ)
    dossier = Dossier(
        code=code, procedure=o.procedure, process_version=version, current_step=step, receiving_unit=o.one_stop,
        handling_unit=o.dept, current_unit=o.dept, current_role="processor", applicant_name=name,
        applicant_name_norm="nguyen thi anh", id_number="031234567890", address=AWKWARD, phone="0912345678",
        email="anh@example.vn", documents_checked=[3, 1],
        documents_received=[{"id": 1, "name": "Tờ khai “đặc biệt” %s", "received": True}, {"id": 3, "x": None}],
        status="processing", submitted_at=when, received_at=when, received_by=o.receiver, due_at=when,
        original_due_at=when, step_started_at=when, step_due_at=when, fee_total_vnd=10**15, reason=AWKWARD,
    )
    event = DossierEvent(dossier=dossier, at=when, actor=o.receiver, actor_name="Cán bộ “tiếp nhận”",
                         action="receive", to_status="processing", step=step, step_name="Tiếp nhận",
                         note=AWKWARD, used_seconds=0, budget_seconds=28_800,
                         data={"ghi chú": AWKWARD, "list": [1, 2.5, None, True]})
    files = [DossierFile(dossier=dossier, required_document=doc, file=f"dossiers/2026/02/{code}-{i}.pdf",
                         original_name=f"Bản quét “{i}” %s.pdf", content_type="application/pdf", size=1234 + i,
                         sha256="ab" * 32, uploaded_by=o.receiver if i else None)
             for i, doc in enumerate([o.docs[0], None])]
    return dossier, event, files


def _rows(model, **where) -> list[dict]:
    rows = list(model.objects.filter(**where).order_by("pk").values())
    for row in rows:
        for key in ("id", "dossier_id", "created_at", "updated_at", "uploaded_at"):
            row.pop(key, None)
    return rows


@pytest.mark.django_db
def test_one_statement_insert_stores_what_the_orm_stores(office):
    orm_dossier, orm_event, orm_files = _tree(office, "Bằng ORM", "ORM-1")
    orm_dossier.save(force_insert=True)
    orm_event.dossier = orm_dossier
    orm_event.save(force_insert=True)
    for f in orm_files:
        f.dossier = orm_dossier
    DossierFile.objects.bulk_create(orm_files)

    fast_dossier, fast_event, fast_files = _tree(office, "Một câu lệnh", "")
    code = insert_tree(fast_dossier, [("dossier", [fast_event]), ("dossier", fast_files)],
                       computed=("code", "%s || '-' || %s", ["FAST", 1]))

    assert code == fast_dossier.code == "FAST-1" and fast_dossier.pk and not fast_dossier._state.adding
    (orm,), (fast,) = _rows(Dossier, pk=orm_dossier.pk), _rows(Dossier, pk=fast_dossier.pk)
    assert (orm.pop("applicant_name"), orm.pop("code")) == ("Bằng ORM", "ORM-1")
    assert (fast.pop("applicant_name"), fast.pop("code")) == ("Một câu lệnh", "FAST-1")
    assert fast == orm
    assert fast["received_at"].microsecond == 123456 and fast["address"] == AWKWARD
    assert _rows(DossierEvent, dossier=fast_dossier) == _rows(DossierEvent, dossier=orm_dossier)
    orm_file_rows, fast_file_rows = _rows(DossierFile, dossier=orm_dossier), _rows(DossierFile, dossier=fast_dossier)
    for row in orm_file_rows + fast_file_rows:
        row["file"] = row["file"].rsplit("-", 1)[1]  # the paths carry each dossier's code
    assert len(fast_file_rows) == 2 and fast_file_rows == orm_file_rows
    stored = Dossier.objects.get(pk=fast_dossier.pk)
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.files.filter(uploaded_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_reception_inside_a_callers_transaction_leaves_the_commit_to_the_caller(office):
    with CaptureQueriesContext(connection) as ctx, pytest.raises(RuntimeError), transaction.atomic():
        d = receive(office)
        raise RuntimeError("the caller changes its mind")
    assert not any("COMMIT" in q["sql"] for q in ctx.captured_queries)
    assert not Dossier.objects.filter(pk=d.pk).exists()  # rolled back with the caller's transaction


@pytest.mark.django_db
def test_the_statement_never_commits_a_transaction_that_is_not_the_callers(office):
    dossier, event, _ = _tree(office, "Lồng nhau", "NESTED-1")
    with pytest.raises(RuntimeError, match="outermost"), transaction.atomic():  # inside the test's transaction
        insert_tree(dossier, [("dossier", [event])], commit=True)
    assert not Dossier.objects.filter(code="NESTED-1").exists()


@pytest.mark.django_db
def test_a_pattern_that_finds_no_free_code_is_refused_in_vietnamese(office, monkeypatch):
    from tenants.dossiers import services
    from tenants.dossiers.errors import DossierError

    taken = receive(office).code
    # A template without {seq}: every number the counter gives renders the same, issued code, so the
    # database function gives up after 10,000 tries (SQLSTATE P0002).
    monkeypatch.setattr(services, "dossier_code_sql", lambda **_: (
        "public.dossiers_code_next(%s, %s, %s, %s)", ["test:stuck", "p", taken, 4]))
    before = Dossier.objects.count()
    with pytest.raises(DossierError, match="Không cấp được mã hồ sơ mới"):
        receive(office, files=[(pdf_upload(), None)])
    assert Dossier.objects.count() == before


def test_outermost_reception_is_two_statements_and_commits_with_the_code(committed_office):
    tenant, o = committed_office
    receive(o)  # the first reception creates the procedure's process (and so touches the procedure)
    first = receive(o)  # reads the procedure's reception settings (cached afterwards)
    with CaptureQueriesContext(connection) as ctx:
        d = receive(o, applicant={"phone": "", "email": ""})
    # Django logs its BEGIN and its final COMMIT (which psycopg, finding no transaction open, does not send).
    sqls = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(sqls) == 2, sqls  # the role; the code, the dossier with its audit row, and the COMMIT
    assert "organization_staffrole" in sqls[0]
    assert sqls[1].startswith("WITH v AS MATERIALIZED (SELECT public.dossiers_code_next(")
    assert 'INSERT INTO "dossiers_dossierevent"' in sqls[1] and sqls[1].endswith("; COMMIT")
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert int(d.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1
    # Committed: another connection sees the dossier, its code and its audit row.
    with psycopg.connect(database_url_for_tests()) as other:
        other.execute(f'SET search_path = "{tenant.schema_name}"')
        code, events = other.execute(
            "SELECT code, (SELECT count(*) FROM dossiers_dossierevent WHERE dossier_id = d.id)"
            " FROM dossiers_dossier d WHERE id = %s", [d.pk]).fetchone()
    assert code == d.code and events == 1
    # The connection goes on normally after Django's own (empty) commit; scans go in the same statement.
    with CaptureQueriesContext(connection) as ctx:
        scanned = receive(o, applicant={"phone": "", "email": ""},
                          files=[(pdf_upload(), o.docs[0].pk), (pdf_upload("giay-chung-sinh.pdf"), None)])
    sqls = [q["sql"] for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    assert len(sqls) == 3 and "dossiers_officesettings" in sqls[1], sqls  # + the office's upload limit
    assert 'INSERT INTO "dossiers_dossierfile"' in sqls[2] and sqls[2].endswith("; COMMIT")
    assert int(scanned.code.rsplit("-", 1)[1]) == int(d.code.rsplit("-", 1)[1]) + 1
    assert sorted(scanned.files.values_list("original_name", flat=True)) == ["don.pdf", "giay-chung-sinh.pdf"]


def test_reception_with_a_fee_commits_after_its_payment_request(committed_office):
    from tenants.procedures.models import Fee

    tenant, o = committed_office
    Fee.objects.create(procedure=o.procedure, name="Lệ phí", amount_vnd=50_000)
    o.procedure.save()  # a new updated_at: the reception settings are read again
    with CaptureQueriesContext(connection) as ctx:
        d = receive(o)
    assert not any(q["sql"].endswith("; COMMIT") for q in ctx.captured_queries)
    assert d.status == "awaiting_payment"
    from billing.fees.models import PaymentRequest

    assert PaymentRequest.objects.filter(subject_id=d.pk, reference=d.code).exists()

