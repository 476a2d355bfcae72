"""Procedure search: accents, case and word order ignored, ranked, typo-tolerant with pg_trgm and correct on
the plainer full-text path (run for real with the trigram path switched off), one selector for citizens
and staff, the folded columns kept by the writes, and the indexes of each path."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.tenants.procedures.search_data import build_catalogue

PATHS = [pytest.param(True, id="pg_trgm"), pytest.param(False, id="fallback")]


@pytest.fixture
def cat(tenant_a):  # noqa: ANN001, ANN201
    with schema_context(tenant_a.schema_name):
        yield build_catalogue()


def _codes(q: str, *, trigram: bool, **kw: object) -> list[str]:
    from tenants.procedures.selectors import procedure_search

    return [p.code for p in procedure_search(q=q, trigram=trigram, **kw)]


def test_the_test_database_has_pg_trgm(db):  # noqa: ANN001
    from tenants.procedures.search import trgm_enabled, trgm_installed

    assert trgm_installed(refresh=True) is True  # else the pg_trgm cases below would test the fallback twice
    assert trgm_enabled() is True


@pytest.mark.django_db
@pytest.mark.parametrize("trigram", PATHS)
@pytest.mark.parametrize("q", ["dang ky khai sinh", "khai sinh dang ky", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH",
                               "  đăng   ký\tkhai sinh ", "Đăng ky khai sinh", "đăng ký khai sinh"])
def test_accents_case_and_word_order_do_not_matter(cat, q, trigram):  # noqa: ANN001
    found = _codes(q, trigram=trigram)
    assert found[0] == cat.birth.code
    assert found.index(cat.birth_foreign.code) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("trigram", PATHS)
def test_ranking(cat, trigram):  # noqa: ANN001
    found = _codes("khai sinh", trigram=trigram)
    # names above other text (the results of "copy"); the phrase as a whole above its words scattered
    assert found.index(cat.birth.code) < found.index(cat.copy.code)
    assert found.index(cat.birth.code) < found.index(cat.scattered.code)
    found = _codes("đăng ký khai sinh", trigram=trigram)
    # all words above some: "đăng ký kết hôn" has two of the four
    assert found.index(cat.scattered.code) < found.index(cat.marriage.code)
    assert cat.permit.code not in found
    # the prefix of the name above the phrase inside it
    found = _codes("cap giay phep xay dung", trigram=trigram)
    assert found[0] == cat.permit.code


@pytest.mark.django_db
@pytest.mark.parametrize("trigram", PATHS)
def test_code_and_field_are_searched(cat, trigram):  # noqa: ANN001
    assert _codes(cat.birth.code, trigram=trigram)[0] == cat.birth.code
    assert _codes(cat.birth.code.lower(), trigram=trigram)[0] == cat.birth.code
    found = _codes("xay dung", trigram=trigram)
    assert found[0] == cat.permit.code


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["dang ki khai sinh", "dang ky khai snh", "dnag ky khai sinh", "dang ky khaisinh",
                               "dang kyy khai sinhh", "khaii sinhh", "khaj sinh"])
def test_typos_are_tolerated_with_pg_trgm(cat, q):  # noqa: ANN001
    assert cat.birth.code in _codes(q, trigram=True)[:2]


@pytest.mark.django_db
def test_the_plainer_path_is_correct_not_clever(cat):  # noqa: ANN001
    # half the words must start a word of the procedure: one typo in two words is one too many
    assert _codes("khaii sinhh", trigram=False) == []
    assert _codes("khaii sinhh", trigram=True)[0] == cat.birth.code
    # but one typo in four words still finds it
    assert _codes("dang ky khai snh", trigram=False)[0] == cat.birth.code


@pytest.mark.django_db
@pytest.mark.parametrize("trigram", PATHS)
@pytest.mark.parametrize("q", ["\x00", "a" * 10_000, "%", "_", "'; DROP TABLE x; --", "\\", "*:* | !",
                               "đ" * 300, "1 2 3 4 5 6 7 8 9 10 11 12", "(", "&&", "<%"])
def test_hostile_queries_are_just_queries(cat, q, trigram):  # noqa: ANN001
    _codes(q, trigram=trigram)  # no error


@pytest.mark.django_db
def test_filters(cat):  # noqa: ANN001
    assert _codes("dang ky", trigram=True, field_id=cat.build.pk) == []
    assert set(_codes("", trigram=False, field_id=cat.build.pk)) == {cat.permit.code}
    with connection.cursor():
        from tenants.procedures.models import Procedure

        Procedure.objects.filter(pk=cat.birth.pk).update(enabled=False)
    assert cat.birth.code not in _codes("khai sinh", trigram=True, enabled=True)
    assert cat.birth.code in _codes("khai sinh", trigram=True, enabled=False)


@pytest.mark.django_db
def test_the_switch_forces_the_fallback(cat, settings):  # noqa: ANN001
    from tenants.procedures.search import trgm_enabled
    from tenants.procedures.selectors import procedure_search

    settings.PROCEDURE_SEARCH_TRIGRAM = False
    assert trgm_enabled() is False
    assert cat.birth.code not in [p.code for p in procedure_search(q="khaii sinhh")]
    settings.PROCEDURE_SEARCH_TRIGRAM = None
    assert cat.birth.code in [p.code for p in procedure_search(q="khaii sinhh")]


@pytest.mark.django_db
def test_writes_keep_the_folded_columns(cat):  # noqa: ANN001
    from tenants.procedures.models import Procedure
    from tenants.procedures.services import procedures_search_refresh

    p = Procedure.objects.get(pk=cat.marriage.pk)
    assert (p.search_name, p.search_text.split()[-2:]) == ("thu tuc dang ky ket hon", ["ho", "tich"])
    p.name = "Đăng ký kết hôn lưu động"
    p.save(update_fields=["name"])
    assert Procedure.objects.get(pk=p.pk).search_name == "dang ky ket hon luu dong"
    # a bulk write (the onboarding clone, a field renamed) is caught up by the refresh
    Procedure.objects.filter(pk=p.pk).update(name="Ghi chú ly hôn", search_name="")
    cat.civil.name = "Hộ tịch, quốc tịch"
    cat.civil.save()
    assert procedures_search_refresh(only_empty=True) == 1
    assert procedures_search_refresh(field_ids=[cat.civil.pk]) == 5
    p.refresh_from_db()
    assert p.search_name == "ghi chu ly hon" and p.search_text.endswith("ho tich quoc tich")


@pytest.mark.django_db
def test_each_path_has_its_index(cat, tenant_a):  # noqa: ANN001
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'procedures_procedure'",
                       [tenant_a.schema_name])
        names = {r[0] for r in cursor.fetchall()}
        assert {"procedures_procedure_name_trgm", "procedures_procedure_search_trgm"} <= names
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM procedures_procedure WHERE search_text LIKE '%khai%'")
        assert "procedures_procedure_search_trgm" in " ".join(r[0] for r in cursor.fetchall())
        cursor.execute("EXPLAIN SELECT id FROM procedures_procedure WHERE 'khaisinh' <% search_name")
        assert "procedures_procedure_name_trgm" in " ".join(r[0] for r in cursor.fetchall())


@pytest.mark.django_db
def test_a_tenant_cloned_from_the_template_has_both_indexes(tenant_b):  # noqa: ANN001
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = 'procedures_procedure'",
                       [tenant_b.schema_name])
        assert {"procedures_procedure_name_trgm", "procedures_procedure_search_trgm"} <= {r[0] for r in cursor}
