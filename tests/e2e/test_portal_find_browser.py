"""A citizen finds a procedure on a phone (390x844, Debian chromium, JavaScript off): types it without
accents and in another order, opens it, reads its fee and documents, reaches the apply button; browses by
life event and by field. The pages fit the phone's width, and the keyboard reaches the search."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.e2e.pages import url
from tests.tenants.procedures.search_data import build_catalogue

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def catalogue(django_db_setup, django_db_blocker):  # noqa: ANN001, ANN201
    """A small catalogue committed in tenant alpha (a server in another process reads it), removed after."""
    from control.tenancy.models import Tenant
    from tenants.procedures.models import Fee, Field, LifeEvent, Procedure, RequiredDocument

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        with schema_context(tenant.schema_name):
            c = build_catalogue()
            Fee.objects.create(procedure=c.birth, name="Lệ phí đăng ký khai sinh", amount_vnd=37_000)
            RequiredDocument.objects.create(procedure=c.birth, name="Tờ khai đăng ký khai sinh", position=1)
            c.event = LifeEvent.objects.create(slug=f"ket-hon-{c.sfx}", name=f"Kết hôn {c.sfx}")
            c.event.procedures.add(c.marriage)
        connection.set_schema_to_public()
        yield c
        with schema_context(tenant.schema_name):
            LifeEvent.objects.filter(pk=c.event.pk).delete()
            Procedure.objects.filter(code__endswith=f".{c.sfx}").delete()
            Field.objects.filter(pk__in=[c.civil.pk, c.build.pk]).delete()
            c.unit.delete()
        connection.set_schema_to_public()
        connection.close()


def _fits(browser, address: str) -> int:  # noqa: ANN001
    """The page's width in a JavaScript-enabled phone context (to measure it)."""
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(address)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.context.close()
    return width


def test_a_citizen_finds_a_procedure_on_a_phone(browser, live_server_url, catalogue):  # noqa: ANN001
    c = catalogue
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(url(live_server_url, "/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    # The keyboard: the skip link first, then the search box reachable and labelled.
    search = page.get_by_label("Tìm thủ tục (gõ có dấu hay không dấu đều được)")
    search.focus()
    search.fill("khai sinh dang ky")
    search.press("Enter")
    page.wait_for_url("**/thu-tuc/?q=*")
    # (other tests' offices committed in alpha may add their own "Đăng ký khai sinh": look for ours)
    hrefs = [a.get_attribute("href") for a in page.locator("ol.results li a").all()]
    ours = [h for h in hrefs if h.endswith(f".{c.sfx}/")]
    assert ours[:2] == [f"/thu-tuc/{c.birth.code}/", f"/thu-tuc/{c.birth_foreign.code}/"], hrefs
    expect(page.get_by_role("heading", level=2)).to_contain_text("thủ tục")
    page.locator(f'ol.results li a[href="/thu-tuc/{c.birth.code}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    expect(page.get_by_text("37.000 đồng")).to_be_visible()
    expect(page.get_by_text("Tờ khai đăng ký khai sinh")).to_be_visible()
    expect(page.get_by_text("3 ngày làm việc")).to_be_visible()
    procedure_page = page.url
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_role("status")).to_contain_text("sắp được mở")

    # Browse: by life event, then by field.
    page.goto(url(live_server_url, "/thu-tuc/"))
    page.get_by_role("link", name=f"Kết hôn {c.sfx}").click()
    expect(page.locator("ol.results li a")).to_have_text(["Thủ tục đăng ký kết hôn"])
    page.goto(url(live_server_url, "/thu-tuc/"))
    page.get_by_role("link", name="Xây dựng").first.click()
    expect(page.locator("ol.results li a").first).to_have_text("Cấp giấy phép xây dựng nhà ở riêng lẻ")
    # A typo still finds it (pg_trgm on the test server).
    page.goto(url(live_server_url, "/thu-tuc/?q=dang+ki+ket+honn"))
    expect(page.locator(f'ol.results li a[href="/thu-tuc/{c.marriage.code}/"]')).to_have_text("Thủ tục đăng ký kết hôn")
    context.close()

    for path in ["/", "/thu-tuc/", "/thu-tuc/?q=dang+ky+khai+sinh", procedure_page]:
        address = path if path.startswith("http") else url(live_server_url, path)
        assert _fits(browser, address) <= PHONE["width"], address
