"""Life events (sự kiện): the starter set seeded with matching procedures, the administrator's pages (owner,
colleague without the role, outsider from another tenant), every change in the configuration log."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.tenants.procedures.search_data import build_catalogue


@pytest.fixture
def cat(tenant_a):  # noqa: ANN001, ANN201
    from tenants.procedures.services import life_events_seed

    with schema_context(tenant_a.schema_name):
        c = build_catalogue()
        assert life_events_seed() == 7
        assert life_events_seed() == 0  # a second run keeps what is there
        yield c


@pytest.mark.django_db
def test_the_starter_set_matches_procedures(cat):  # noqa: ANN001
    from tenants.procedures.models import LifeEvent

    groups = {e.slug: set(e.procedures.values_list("code", flat=True)) for e in LifeEvent.objects.all()}
    assert groups["sinh-con"] == {cat.birth.code, cat.birth_foreign.code}
    assert groups["ket-hon"] == {cat.marriage.code}
    assert groups["xay-nha"] == {cat.permit.code}


@pytest.mark.django_db
def test_the_administrator_edits_a_group_and_it_is_logged(cat, office, client_a):  # noqa: ANN001
    from core.audit.models import ConfigChange
    from tenants.procedures.models import LifeEvent

    client_a.force_login(office.admin)
    assert "Sinh con" in client_a.get("/staff/procedures/su-kien/").content.decode()
    response = client_a.post("/staff/procedures/su-kien/", {
        "name": "Nghỉ hưu", "description": "Lương hưu", "position": "9", "procedures": f"{cat.marriage.code}"})
    assert response.status_code == 302
    event = LifeEvent.objects.get(slug="nghi-huu")
    assert list(event.procedures.values_list("code", flat=True)) == [cat.marriage.code]
    response = client_a.post(f"/staff/procedures/su-kien/{event.pk}/", {
        "name": "Nghỉ hưu", "slug": "nghi-huu", "position": "1",
        "procedures": f"{cat.birth.code}\n{cat.permit.code}"})
    assert response.status_code == 302
    assert set(event.procedures.values_list("code", flat=True)) == {cat.birth.code, cat.permit.code}
    refused = client_a.post(f"/staff/procedures/su-kien/{event.pk}/", {"name": "Nghỉ hưu", "procedures": "KHONG.CO"})
    assert "Không có thủ tục mã: KHONG.CO" in refused.content.decode()
    assert client_a.post(f"/staff/procedures/su-kien/{event.pk}/xoa/").status_code == 302
    assert not LifeEvent.objects.filter(pk=event.pk).exists()
    log = list(ConfigChange.objects.filter(data__life_event="nghi-huu").order_by("id")
               .values_list("summary", flat=True))
    assert log == ["Sự kiện “Nghỉ hưu”: tạo mới, 1 thủ tục", "Sự kiện “Nghỉ hưu”: cập nhật, 2 thủ tục (thêm 2, bớt 1)",
                   "Sự kiện “Nghỉ hưu”: xóa"]
    assert ConfigChange.objects.filter(data__life_event="nghi-huu").exclude(actor=office.admin).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "slug", "procedures", "position", "description"])
def test_hostile_input_is_refused_or_ignored_never_a_500(cat, office, client_a, field):  # noqa: ANN001
    client_a.force_login(office.admin)
    for value in ["\x00", "x" * 10_000, "9" * 5000]:
        response = client_a.post("/staff/procedures/su-kien/", {"name": "Sự kiện", field: value})
        assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_a_colleague_without_the_role_cannot(cat, office, client_a):  # noqa: ANN001
    from tenants.procedures.models import LifeEvent

    event = LifeEvent.objects.get(slug="ket-hon")
    client_a.force_login(office.processor)
    for url in ["/staff/procedures/su-kien/", f"/staff/procedures/su-kien/{event.pk}/"]:
        assert client_a.get(url).status_code in (302, 403)
    client_a.post(f"/staff/procedures/su-kien/{event.pk}/xoa/")
    client_a.post(f"/staff/procedures/su-kien/{event.pk}/", {"name": "Đổi tên"})
    assert LifeEvent.objects.get(pk=event.pk).name == "Kết hôn"


@pytest.mark.django_db
def test_an_administrator_of_another_tenant_cannot(cat, tenant_a, tenant_b, client_a):  # noqa: ANN001
    from core.accounts.models import User
    from tenants.procedures.models import LifeEvent

    with schema_context(tenant_b.schema_name):
        outsider = User.objects.get(username="admin-beta")
    client_a.force_login(outsider)  # a session made in beta's schema, presented to alpha's host
    with schema_context(tenant_a.schema_name):
        event = LifeEvent.objects.get(slug="ket-hon")
    for url in ["/staff/procedures/su-kien/", f"/staff/procedures/su-kien/{event.pk}/"]:
        response = client_a.get(url)
        assert response.status_code in (302, 403) and "Kết hôn" not in response.content.decode()
    client_a.post(f"/staff/procedures/su-kien/{event.pk}/xoa/")
    with schema_context(tenant_a.schema_name):
        assert LifeEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_the_staff_procedure_list_searches_without_accents(cat, office, client_a):  # noqa: ANN001
    client_a.force_login(office.admin)
    html = client_a.get("/staff/procedures/", {"q": "khai sinh dang ky"}).content.decode()
    assert cat.birth.name in html and cat.permit.name not in html
    assert client_a.get("/staff/procedures/", {"q": "\x00" + "a" * 10_000}).status_code == 200
