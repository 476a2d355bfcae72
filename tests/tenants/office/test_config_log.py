"""Every configuration change of a tenant is logged (who, when, what), append-only, in its transaction; the
log is the administrators' own and their tenant's only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from core.audit.append_only import AppendOnlyError
from tests.support import sign_in

pytestmark = pytest.mark.django_db

LOG = "/staff/nhat-ky-cau-hinh/"


def _changes():  # noqa: ANN202
    from core.audit.models import ConfigChange

    return list(ConfigChange.objects.order_by("id"))


def test_changes_through_the_pages_are_logged_with_their_author(office, client_a):
    from tenants.calendar.services import calendar_exception_add
    from tenants.organization.services import staff_role_add

    client_a.force_login(office.admin)
    before = len(_changes())
    assert client_a.post("/staff/dossiers/cau-hinh/ma-ho-so/", {
        "pattern": "{agency}-{yymmdd}-{seq:4}", "reset": "daily", "scope": "unit",
        "result_pattern": "KQ-{agency}-{yyyy}-{seq:6}"}).status_code == 302
    assert client_a.post("/staff/dossiers/cau-hinh/thoi-han/", {"near_due_amount": "2",
                                                                "near_due_unit": "hour"}).status_code == 302
    # A refused change leaves no trace.
    assert client_a.post("/staff/dossiers/cau-hinh/thoi-han/", {"near_due_amount": "abc",
                                                                "near_due_unit": "hour"}).status_code == 400
    # Services called outside a request (the setup wizard's, a command) name the system.
    staff_role_add(user=office.processor, unit=office.other, role="approver")
    next_year = timezone.localdate().year + 1
    saturday = next(dt.date(next_year, 3, d) for d in range(1, 8) if dt.date(next_year, 3, d).weekday() == 5)
    calendar_exception_add(date=saturday, kind="makeup", reason="Quyết định 12/QĐ-UBND")
    changes = _changes()[before:]
    assert [c.area for c in changes] == ["codes", "thresholds", "organization", "calendar"]
    assert changes[0].actor_id == office.admin.pk and changes[0].actor_name == office.admin.display_name()
    assert "{agency}-{yymmdd}-{seq:4}" in changes[0].summary and "Ngưỡng sắp đến hạn: 2" in changes[1].summary
    assert changes[2].actor is None and changes[2].actor_name == "Hệ thống"
    assert "Quyết định 12/QĐ-UBND" in changes[3].summary

    page = client_a.get(LOG).content.decode()
    assert "Nhật ký thay đổi cấu hình" in page and "Ngưỡng sắp đến hạn: 2" in page
    assert office.admin.display_name() in page
    only_codes = client_a.get(LOG + "?nd=codes").content.decode()
    assert "{agency}-{yymmdd}-{seq:4}" in only_codes and "Ngưỡng sắp đến hạn" not in only_codes
    assert 'href="/staff/nhat-ky-cau-hinh/"' in client_a.get("/staff/").content.decode()


def test_a_process_version_and_a_procedure_setting_are_logged(office, client_a):
    from tenants.dossiers.processes import process_current, process_version_create, steps_of
    from tenants.procedures.services import procedure_configure

    current = steps_of(process_current(procedure=office.procedure))
    steps = [{"name": s.name, "role": s.role, "unit_mode": s.unit_mode, "budget_amount": s.budget_amount,
              "budget_unit": s.budget_unit, "actions": s.actions} for s in current]
    before = len(_changes())
    process_version_create(procedure=office.procedure, steps=steps, actor=office.admin, note="thử")
    procedure_configure(procedure=office.procedure, enabled=True, handling_units=[office.dept, office.other])
    process, configured = _changes()[before:]
    assert process.area == "process" and process.actor_id == office.admin.pk
    assert office.procedure.code in process.summary and configured.area == "procedure"
    assert office.dept.name in configured.summary and office.other.name in configured.summary


def test_the_log_is_append_only(office, client_a):
    from core.audit.models import ConfigChange
    from tenants.organization.services import unit_set_active

    unit_set_active(unit=office.other, active=False)
    change = _changes()[-1]
    with pytest.raises(AppendOnlyError, match="Nhật ký cấu hình chỉ được ghi thêm"):
        change.save()
    with pytest.raises(AppendOnlyError):
        change.delete()
    for sql in (f"UPDATE office_configchange SET summary = 'sửa' WHERE id = {change.pk}",
                f"DELETE FROM office_configchange WHERE id = {change.pk}"):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql)
    assert ConfigChange.objects.get(pk=change.pk).summary == change.summary


def test_only_administrators_of_this_tenant_read_it(office, client_a, client_b, tenant_b):
    from tenants.organization.services import unit_set_active

    unit_set_active(unit=office.other, active=False)
    marker = f"Ngừng hoạt động đơn vị “{office.other.name}”"
    client_a.force_login(office.processor)
    assert client_a.get(LOG).status_code == 403
    client_a.logout()
    assert client_a.get(LOG).status_code == 302  # to the login page
    sign_in(client_b, "admin-beta")
    page = client_b.get(LOG)
    assert page.status_code == 200 and marker not in page.content.decode()
    with schema_context(tenant_b.schema_name):
        from core.audit.models import ConfigChange

        assert not ConfigChange.objects.filter(summary=marker).exists()
