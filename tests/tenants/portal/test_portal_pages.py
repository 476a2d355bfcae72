"""Citizen pages of the portal: search and browse (/thu-tuc/), a procedure's page, the apply placeholder.
Only enabled procedures are public, and only the host's own tenant's; hostile input answers 404/the page;
no inline script or style; Vietnamese first, strings marked for translation; under 300 KB."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from tests.tenants.procedures.search_data import build_catalogue

TEMPLATES = Path(__file__).resolve().parents[3] / "tenants" / "portal" / "templates" / "portal"


@pytest.fixture
def cat(tenant_a):  # noqa: ANN001, ANN201
    from tenants.procedures.models import Fee, Procedure, RequiredDocument
    from tenants.procedures.services import life_events_seed

    with schema_context(tenant_a.schema_name):
        c = build_catalogue()
        Fee.objects.create(procedure=c.birth, name="Lệ phí đăng ký khai sinh", amount_vnd=37_000)
        RequiredDocument.objects.create(procedure=c.birth, name="Tờ khai đăng ký khai sinh", position=1,
                                        form_template_name="Mẫu tờ khai")
        c.hidden = Procedure.objects.create(code=f"9.99.{c.sfx}", name="Đăng ký khai sinh bí mật", field=c.civil,
                                            processing_amount=1, processing_unit="working_day", enabled=False)
        life_events_seed()
        yield c


def _html(response) -> str:  # noqa: ANN001
    return response.content.decode()


@pytest.mark.django_db
def test_home_has_a_search_box_and_life_events(cat, client_a):  # noqa: ANN001
    html = _html(client_a.get("/"))
    assert 'role="search"' in html and '<label for="q">' in html and 'lang="vi"' in html
    assert "Sinh con" in html and "?su-kien=sinh-con" in html


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["dang ky khai sinh", "khai sinh dang ky", "Đăng ký khai sinh"])
def test_search_finds_enabled_procedures_only(cat, client_a, q):  # noqa: ANN001
    response = client_a.get("/thu-tuc/", {"q": q})
    assert response.status_code == 200
    html = _html(response)
    assert html.index(cat.birth.name) < html.index(cat.birth_foreign.name)
    assert "bí mật" not in html  # not enabled: not public


@pytest.mark.django_db
def test_browse_by_field_and_life_event(cat, client_a):  # noqa: ANN001
    html = _html(client_a.get("/thu-tuc/"))
    assert f"?linh-vuc={cat.civil.code}" in html and "?su-kien=ket-hon" in html
    html = _html(client_a.get("/thu-tuc/", {"linh-vuc": cat.build.code}))
    assert cat.permit.name in html and cat.birth.name not in html
    html = _html(client_a.get("/thu-tuc/", {"su-kien": "ket-hon"}))
    assert cat.marriage.name in html and cat.birth.name not in html
    html = _html(client_a.get("/thu-tuc/", {"su-kien": "sinh-con"}))
    assert cat.birth.name in html and "bí mật" not in html


@pytest.mark.django_db
def test_procedure_page(cat, client_a):  # noqa: ANN001
    response = client_a.get(f"/thu-tuc/{cat.birth.code}/")
    html = _html(response)
    assert response.status_code == 200
    assert "<h1>Thủ tục đăng ký khai sinh</h1>" in html
    assert "37.000 đồng" in html and "3 ngày làm việc" in html and cat.unit.name in html
    assert "Tờ khai đăng ký khai sinh" in html and "Nộp hồ sơ trực tuyến" in html
    assert f'href="/thu-tuc/{cat.birth.code}/nop-ho-so/"' in html
    soon = client_a.get(f"/thu-tuc/{cat.birth.code}/nop-ho-so/")
    assert soon.status_code == 200 and "sắp được mở" in _html(soon)
    assert client_a.get(f"/thu-tuc/{cat.hidden.code}/").status_code == 404
    assert client_a.get(f"/thu-tuc/{cat.hidden.code}/nop-ho-so/").status_code == 404


@pytest.mark.django_db
def test_a_blank_form_is_linked_when_uploaded(cat, client_a, tenant_a):  # noqa: ANN001
    from tenants.procedures.models import RequiredDocument

    with schema_context(tenant_a.schema_name):
        doc = RequiredDocument.objects.get(procedure=cat.birth)
        RequiredDocument.objects.filter(pk=doc.pk).update(form_template_file="mau-don/x.pdf")
    assert f'href="/mau-don/{doc.pk}/"' in _html(client_a.get(f"/thu-tuc/{cat.birth.code}/"))


@pytest.mark.django_db
def test_another_tenants_host_shows_none_of_it(cat, client_b):  # noqa: ANN001
    assert client_b.get(f"/thu-tuc/{cat.birth.code}/").status_code == 404
    html = _html(client_b.get("/thu-tuc/", {"q": "dang ky khai sinh"}))
    assert cat.birth.name not in html and cat.civil.code not in _html(client_b.get("/thu-tuc/"))


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"q": "\x00"}, {"q": "a" * 10_000}, {"q": "khai\x00sinh"},
                                    {"q": "khai sinh", "trang": "9" * 5000}, {"q": "khai sinh", "trang": "-1"},
                                    {"q": "khai sinh", "trang": "99999999999999999999"}, {"linh-vuc": "\x00"},
                                    {"su-kien": "x" * 10_000}, {"linh-vuc": "%"}, {"q": "%_\\'"}])
def test_hostile_input_answers_the_page(cat, client_a, params):  # noqa: ANN001
    assert client_a.get("/thu-tuc/", params).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["%00", "x" * 10_000, "%27", "..%2F"])
def test_hostile_codes_answer_404(cat, client_a, code):  # noqa: ANN001
    assert client_a.get(f"/thu-tuc/{code}/").status_code == 404
    assert client_a.get(f"/thu-tuc/{code}/nop-ho-so/").status_code == 404


@pytest.mark.django_db
def test_pages_are_light_and_have_no_inline_script_or_style(cat, client_a):  # noqa: ANN001
    for url in ["/", "/thu-tuc/", "/thu-tuc/?q=dang+ky", f"/thu-tuc/{cat.birth.code}/",
                f"/thu-tuc/{cat.birth.code}/nop-ho-so/"]:
        response = client_a.get(url)
        html = _html(response)
        assert response.status_code == 200 and len(response.content) < 300_000, url
        assert "<script" not in html and "<style" not in html and "style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url
        assert 'lang="vi"' in html and html.count("<h1") == 1, url


def test_every_string_of_the_portal_templates_is_marked_for_translation():
    """Text outside tags, template tags and variables is only punctuation: the rest is in {% translate %}."""
    for path in TEMPLATES.glob("*.html"):
        text = re.sub(r"{%\s*(blocktranslate|blocktrans).*?{%\s*end\1\s*%}", "", path.read_text(), flags=re.S)
        text = re.sub(r"{%.*?%}|{{.*?}}|<[^>]+>", " ", text, flags=re.S)
        left = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
        assert left == [], f"{path.name}: {left[:10]}"
