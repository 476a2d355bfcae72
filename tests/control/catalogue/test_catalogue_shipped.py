"""The real national records ship with the product: the demo loads them into the master
catalogue (with the starter catalogue for what they lack), records flagged for review are
stored and listed as such, and tenants read them through the catalogue's interface."""

from __future__ import annotations

import pytest
from django.test import Client

from control.catalogue import interface
from control.catalogue.models import CatalogueImport, MasterProcedure
from control.catalogue.records import content_hash, load_starter_catalogue
from control.catalogue.services import catalogue_load_shipped
from core.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_shipped_records_load_once_then_nothing_changes():
    # (other tests may have committed the starter catalogue to the public schema before this one)
    first = catalogue_load_shipped(by="test")
    national = first.national
    national_codes = {r.code for r in first.report.accepted}
    assert len(national_codes) >= 360
    assert set(national.created) | set(national.updated) | set(national.unchanged) == national_codes
    starter_codes = {p.code for p in load_starter_catalogue().procedures}
    starter = first.starter
    assert set(starter.created) | set(starter.updated) | set(starter.unchanged) == starter_codes - national_codes
    assert starter_codes - national_codes  # the sample procedures the real records lack
    current = MasterProcedure.objects.filter(is_current=True)
    assert set(current.filter(code__in=national_codes).values_list("source", flat=True)) == {
        "national-procedures.jsonl.gz"
    }  # where both have a procedure, the real record is the current one
    assert current.filter(code__in=national_codes | starter_codes).count() == len(national_codes | starter_codes)
    assert "cần rà soát" in first.summary()

    again = catalogue_load_shipped(by="test")
    assert again.national.created == again.national.updated == again.starter.created == again.starter.updated == []
    assert again.national.unchanged and again.starter.unchanged
    assert CatalogueImport.objects.filter(source="national-procedures.jsonl.gz", created=0, updated=0).exists()


def test_flagged_records_are_stored_listed_and_read_as_flagged():
    catalogue_load_shipped(by="test")
    row = MasterProcedure.objects.get(code="1.000656", is_current=True)
    assert row.needs_review and row.review_reason.startswith("Thiếu cơ quan thực hiện")
    assert content_hash(interface.record_at("1.000656")) == row.content_hash  # the flag survives the round trip
    flags = interface.review_flags(["1.000656", "1.001193"])
    assert list(flags) == ["1.000656"] and "cần rà soát" in flags["1.000656"]

    user = User.objects.create_superuser(username="catalogue-admin", password="Pw-12345678", email="a@example.gov.vn")
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(user)
    page = admin.get("/admin/catalogue/masterprocedure/", {"needs_review__exact": "1", "is_current__exact": "1"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "1.000656" in html and "Thiếu cơ quan thực hiện" in html and "1.001193" not in html


def test_the_interface_gives_plain_frozen_values():
    catalogue_load_shipped(by="test")
    ref = interface.current_ref("1.001193")
    assert ref is not None and ref.version >= 1 and len(ref.content_hash) == 64
    with pytest.raises(AttributeError):
        ref.version = 2  # type: ignore[misc]
    versions = interface.current_versions(["1.001193", "9.999999"])
    assert list(versions) == ["1.001193"] and versions["1.001193"].record.name == "Thủ tục đăng ký khai sinh"
    assert interface.current_hashes(["1.001193"]) == {"1.001193": ref.content_hash}
    assert interface.field_name("G15-TP07") == "Hộ tịch" and interface.field_name("NOPE") is None
    assert interface.current_ref("9.999999") is None and interface.record_at("9.999999") is None
