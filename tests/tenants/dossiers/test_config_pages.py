"""Configuration pages of the tenant's administrators: internal process per procedure (a new version on save,
dossiers in flight keep theirs), dossier code pattern and counters, near-due threshold. Owner / colleague
without the role / staff of another tenant."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from tenants.dossiers import services as s
from tests.tenants.dossiers.helpers import receive

pytestmark = pytest.mark.django_db


def _post_of(rows: list[dict], note: str = "") -> dict:
    data: dict = {"rows": len(rows), "note": note}
    for i, r in enumerate(rows):
        for k, v in r.items():
            data[f"s-{i}-{k}"] = v
    return data


def test_admin_edits_the_process_new_version_dossiers_in_flight_keep_theirs(office, client_a):
    from tenants.dossiers.models import ProcessVersion

    in_flight = receive(office)  # v1: receive, process, approve, return
    client_a.force_login(office.admin)
    home = client_a.get("/staff/").content.decode()
    assert "/staff/dossiers/cau-hinh/" in home
    listing = client_a.get("/staff/dossiers/cau-hinh/")
    assert listing.status_code == 200 and office.procedure.code in listing.content.decode()
    url = f"/staff/dossiers/cau-hinh/thu-tuc/{office.procedure.pk}/quy-trinh/"
    page = client_a.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "phiên bản 1" in html and "Thụ lý, thẩm định hồ sơ" in html
    # Save: no approval step, the processing step renamed and given to a fixed unit, reordered by number,
    # a half working day budget, a restricted set of actions; one blank row is ignored.
    response = client_a.post(url, _post_of([
        {"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
         "budget_unit": "hour", "actions": ["receive", "refuse"]},
        {"position": "3", "name": "Trả kết quả <b>nhanh</b>", "role": "returner", "unit": "one_stop",
         "budget_amount": "1", "budget_unit": "hour", "actions": ["issue_result", "return_result"]},
        {"position": "2", "name": "Thẩm định tại Sở Xây dựng", "role": "processor", "unit": str(office.other.pk),
         "budget_amount": "0,5", "budget_unit": "working_day", "actions": ["hand_over", "request_supplement"]},
        {"position": "4", "name": "Phê duyệt", "role": "approver", "unit": "handling", "budget_amount": "2",
         "budget_unit": "hour", "delete": "1"},
        {"position": "5", "name": "", "role": "", "unit": "handling", "budget_amount": "", "budget_unit": "hour"},
    ], note="Bỏ bước phê duyệt"))
    assert response.status_code == 302, response.content.decode()[:3000]
    v2 = ProcessVersion.objects.get(procedure=office.procedure, is_current=True)
    steps = list(v2.steps.order_by("position"))
    assert v2.number == 2 and v2.note == "Bỏ bước phê duyệt" and v2.created_by == office.admin
    assert [(st.position, st.role, st.unit_mode, st.unit_id) for st in steps] == [
        (1, "receiver", "one_stop", None), (2, "processor", "fixed", office.other.pk),
        (3, "returner", "one_stop", None)]
    assert (str(steps[1].budget_amount), steps[1].budget_unit) == ("0.50", "working_day")
    assert steps[1].actions == ["hand_over", "request_supplement"]
    shown = client_a.get(url).content.decode()
    assert "phiên bản 2" in shown and "Trả kết quả &lt;b&gt;nhanh&lt;/b&gt;" in shown and "<b>nhanh" not in shown
    # The dossier received before keeps v1: the department's processor hands over to the approver.
    in_flight.refresh_from_db()
    assert in_flight.process_version.number == 1
    after = s.dossier_hand_over(dossier_id=in_flight.pk, actor=office.processor)
    assert (after.current_role, after.current_unit_id) == ("approver", office.dept.pk)
    # A new dossier follows v2: processed in the other unit, then straight to the return desk.
    new = receive(office)
    assert new.process_version == v2 and (new.current_role, new.current_unit_id) == ("processor", office.other.pk)
    done = s.dossier_hand_over(dossier_id=new.pk, actor=office.outsider)  # holds processor in "other"
    assert (done.current_role, done.current_unit_id) == ("returner", office.one_stop.pk)


def test_bad_process_is_refused_with_a_message_nothing_saved(office, client_a):
    from tenants.dossiers.models import ProcessVersion
    from tenants.dossiers.processes import process_current

    process_current(procedure=office.procedure)
    client_a.force_login(office.admin)
    url = f"/staff/dossiers/cau-hinh/thu-tuc/{office.procedure.pk}/quy-trinh/"
    cases = [
        ([{"position": "1", "name": "Thụ lý", "role": "processor", "unit": "handling", "budget_amount": "1",
           "budget_unit": "hour"},
          {"position": "2", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
           "budget_unit": "hour"}], "Bước đầu tiên của quy trình phải là bước tiếp nhận"),
        ([{"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "-1",
           "budget_unit": "hour"},
          {"position": "2", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
           "budget_unit": "hour"}], "không được âm"),
        ([{"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
           "budget_unit": "hour"},
          {"position": "x", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
           "budget_unit": "hour"}], "thứ tự phải là một số"),
        ([{"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
           "budget_unit": "hour"},
          {"position": "2", "name": "Trả", "role": "returner", "unit": "999999", "budget_amount": "1",
           "budget_unit": "hour"}], "đơn vị thực hiện không hợp lệ"),
        ([{"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
           "budget_unit": "hour"},
          {"position": "2", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
           "budget_unit": "week"}], "đơn vị thời gian không hợp lệ"),
        ([{"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
           "budget_unit": "hour", "actions": ["withdraw"]},
          {"position": "2", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
           "budget_unit": "hour"}], "thao tác không hợp lệ"),
    ]
    for rows, message in cases:
        response = client_a.post(url, _post_of(rows))
        assert response.status_code == 400 and message in response.content.decode(), message
    assert ProcessVersion.objects.filter(procedure=office.procedure).count() == 1


def test_colleague_without_the_administrator_role_is_refused(office, client_a):
    from tenants.dossiers.models import CodeSettings, OfficeSettings, ProcessVersion

    for user in (office.processor, office.receiver, office.approver):
        client_a.force_login(user)
        assert "/staff/dossiers/cau-hinh/" not in client_a.get("/staff/").content.decode()
        for url in ("/staff/dossiers/cau-hinh/", f"/staff/dossiers/cau-hinh/thu-tuc/{office.procedure.pk}/quy-trinh/",
                    "/staff/dossiers/cau-hinh/ma-ho-so/", "/staff/dossiers/cau-hinh/thoi-han/"):
            assert client_a.get(url).status_code == 403, url
        assert client_a.post(f"/staff/dossiers/cau-hinh/thu-tuc/{office.procedure.pk}/quy-trinh/", _post_of([
            {"position": "1", "name": "Tiếp nhận", "role": "receiver", "unit": "one_stop", "budget_amount": "0",
             "budget_unit": "hour"},
            {"position": "2", "name": "Trả", "role": "returner", "unit": "one_stop", "budget_amount": "1",
             "budget_unit": "hour"}])).status_code == 403
        assert client_a.post("/staff/dossiers/cau-hinh/ma-ho-so/", {
            "pattern": "HS-{yyyy}-{seq:6}", "reset": "yearly", "scope": "tenant",
            "result_pattern": "KQ-{yyyy}-{seq:6}"}).status_code == 403
        assert client_a.post("/staff/dossiers/cau-hinh/thoi-han/", {
            "near_due_amount": "3", "near_due_unit": "hour"}).status_code == 403
    assert not ProcessVersion.objects.filter(procedure=office.procedure).exists()
    assert not CodeSettings.objects.exists() and not OfficeSettings.objects.exists()
    # The service refuses too, whoever calls it.
    from tenants.dossiers.configuration import office_settings_save
    from tenants.dossiers.errors import NotAllowed

    with pytest.raises(NotAllowed, match="Quản trị"):
        office_settings_save(actor=office.processor, near_due_amount="1", near_due_unit="hour")


def test_staff_of_another_tenant_gets_nothing(office, client_a, client_b, tenant_b):
    from core.accounts.models import User
    from tenants.dossiers.models import CodeSettings, ProcessVersion

    with schema_context(tenant_b.schema_name):
        beta_admin = User.objects.get(username="admin-beta")
        client_b.force_login(beta_admin)
    # Beta's own administrator sees beta's settings only; alpha's procedure is not there.
    assert client_b.get("/staff/dossiers/cau-hinh/").status_code == 200
    assert office.procedure.code not in client_b.get("/staff/dossiers/cau-hinh/?tat-ca=1").content.decode()
    # Beta's session is worthless on alpha's host.
    client_a.cookies["sessionid"] = client_b.cookies["sessionid"].value
    for url in ("/staff/dossiers/cau-hinh/", f"/staff/dossiers/cau-hinh/thu-tuc/{office.procedure.pk}/quy-trinh/",
                "/staff/dossiers/cau-hinh/ma-ho-so/", "/staff/dossiers/cau-hinh/thoi-han/"):
        assert client_a.get(url).status_code == 302, url
    assert client_a.post("/staff/dossiers/cau-hinh/ma-ho-so/", {
        "pattern": "HS-{yyyy}-{seq:6}", "reset": "yearly", "scope": "tenant",
        "result_pattern": "KQ-{yyyy}-{seq:6}"}).status_code == 302
    with schema_context("t_alpha"):
        assert not CodeSettings.objects.exists()
        assert not ProcessVersion.objects.filter(procedure=office.procedure).exists()


def test_tenant_first_admin_without_a_unit_role_may_configure(office, client_a):
    from core.accounts.models import User

    first = User.objects.get(username="admin-alpha")
    client_a.force_login(first)
    assert client_a.get("/staff/dossiers/cau-hinh/thoi-han/").status_code == 200


def test_code_pattern_saved_used_at_reception_and_unsafe_patterns_refused(office, client_a):
    from tenants.dossiers.models import CodeSettings

    client_a.force_login(office.admin)
    url = "/staff/dossiers/cau-hinh/ma-ho-so/"
    assert client_a.get(url).status_code == 200
    refused = [
        ({"pattern": "{agency}-{seq:4}", "reset": "daily", "scope": "unit"}, "mã sẽ bị trùng"),
        ({"pattern": "{agency}-{yymmdd}", "reset": "daily", "scope": "unit"}, "phải có bộ đếm"),
        ({"pattern": "{agency}-{yyyy}-{seq:5}", "reset": "yearly", "scope": "procedure"}, "phải chứa {procedure}"),
        ({"pattern": "HS-{yyyy}-{seq:5}", "reset": "yearly", "scope": "unit"}, "phải chứa {agency}"),
        ({"pattern": "{agency}-{ngay}-{seq}", "reset": "never", "scope": "unit"}, "không hợp lệ"),
        ({"pattern": "{agency}-{yyyy}-{seq}", "reset": "hourly", "scope": "unit"}, "đặt lại bộ đếm không hợp lệ"),
    ]
    for data, message in refused:
        response = client_a.post(url, {**data, "result_pattern": "KQ-{agency}-{yyyy}-{seq:6}"})
        assert response.status_code == 400 and message in response.content.decode(), message
    bad_result = client_a.post(url, {"pattern": "{agency}-{yymmdd}-{seq:4}", "reset": "daily", "scope": "unit",
                                     "result_pattern": "KQ-{agency}-{seq:6}"})
    assert bad_result.status_code == 400 and "Mẫu mã kết quả" in bad_result.content.decode()
    assert not CodeSettings.objects.exists()
    # A good tenant-wide pattern, counter per procedure, reset monthly.
    ok = client_a.post(url, {"pattern": "{procedure}/{yyyy}{mm}/{seq:5}", "reset": "monthly",
                             "scope": "procedure", "result_pattern": "KQ-{procedure}-{yyyy}-{seq:6}"})
    assert ok.status_code == 302
    from tenants.dossiers import cache

    cache.clear()
    d = receive(office)
    local = d.received_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert d.code == f"{office.procedure.code}/{local:%Y%m}/00001"
    # A unit's own pattern, then back to the tenant's.
    unit_url = f"{url}?don-vi={office.one_stop.pk}"
    assert client_a.post(unit_url, {"pattern": "MC-{agency}-{yymmdd}-{seq:3}", "reset": "daily", "scope": "unit",
                                    "result_pattern": "KQ-{agency}-{yyyy}-{seq:6}"}).status_code == 302
    assert CodeSettings.objects.get(unit=office.one_stop).pattern == "MC-{agency}-{yymmdd}-{seq:3}"
    cache.clear()
    assert receive(office).code.startswith("MC-000.00.01.H22-")
    assert client_a.post(unit_url, {"xoa": "1"}).status_code == 302
    assert not CodeSettings.objects.filter(unit=office.one_stop).exists()


def test_changing_the_reset_never_repeats_a_code(office):
    from tenants.dossiers import cache
    from tenants.dossiers.configuration import code_settings_save

    code_settings_save(actor=office.admin, unit=None, pattern="{agency}-{yymmdd}-{seq:4}", reset="daily",
                       scope="unit", result_pattern="KQ-{agency}-{yyyy}-{seq:6}")
    cache.clear()
    first = receive(office)
    # Same pattern, now never reset: a new counter starts at 1, but the code of today's first dossier exists.
    code_settings_save(actor=office.admin, unit=None, pattern="{agency}-{yymmdd}-{seq:4}", reset="never",
                       scope="unit", result_pattern="KQ-{agency}-{yyyy}-{seq:6}")
    cache.clear()
    second = receive(office)
    assert first.code.endswith("-0001") and second.code.endswith("-0002") and first.code != second.code


def test_near_due_threshold_in_hours_drives_the_worklist(office, client_a):
    from tenants.dossiers.models import Dossier, OfficeSettings

    client_a.force_login(office.admin)
    url = "/staff/dossiers/cau-hinh/thoi-han/"
    page = client_a.get(url).content.decode()
    assert 'value="1"' in page and '<option value="working_day" selected>' in page  # the default: 1 working day
    for amount in ("-1", "abc", "0", "100", "1.234"):
        response = client_a.post(url, {"near_due_amount": amount, "near_due_unit": "hour"})
        assert response.status_code == 400 and "sắp đến hạn" in response.content.decode(), amount
    assert client_a.post(url, {"near_due_amount": "2", "near_due_unit": "fortnight"}).status_code == 400
    assert not OfficeSettings.objects.exists()
    assert client_a.post(url, {"near_due_amount": "2,5", "near_due_unit": "hour"}).status_code == 302
    cfg = OfficeSettings.objects.get()
    assert (str(cfg.near_due_working_days), cfg.near_due_unit) == ("2.50", "hour")
    # The threshold is now + 2.5 working hours: a dossier due just before it is near due, just after it is not.
    from tenants.dossiers import selectors

    d = receive(office)
    now = d.received_at
    threshold = selectors.near_due_threshold(now)
    from tenants.dossiers.deadlines import calendar

    assert calendar().working_seconds_between(now, threshold) == int(2.5 * 3600)
    Dossier.objects.filter(pk=d.pk).update(due_at=threshold - dt.timedelta(minutes=1))
    assert d.pk in [x.pk for x in selectors.worklist(office.processor, "sap-den-han", now=now)]
    Dossier.objects.filter(pk=d.pk).update(due_at=threshold + dt.timedelta(minutes=1))
    assert d.pk not in [x.pk for x in selectors.worklist(office.processor, "sap-den-han", now=now)]
