"""The catalogue's canonical records: starter catalogue, JSON round trip, hash, diff, validation."""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import unicodedata
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from control.catalogue.national import default_national_path
from control.catalogue.records import (
    Catalogue,
    CatalogueFormatError,
    Fee,
    Field,
    FieldChange,
    ImportReport,
    ProcedureRecord,
    RequiredDocument,
    RowError,
    content_hash,
    diff,
    dump_catalogue,
    load_catalogue,
    load_starter_catalogue,
    validate_record,
)
from control.catalogue.synthetic import generate

NATIONAL = default_national_path()


@pytest.fixture(scope="module")
def starter() -> Catalogue:
    return load_starter_catalogue()


def make_record(**changes) -> ProcedureRecord:
    rec = ProcedureRecord(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field_code="G15-TP07",
        levels={"commune"},
        agency_kind="ubnd_xa",
        agency_name="Ủy ban nhân dân cấp xã",
        processing_amount=Decimal("1"),
        processing_unit="working_day",
        fees=[Fee("Lệ phí đăng ký khai sinh đúng hạn", "charge", 0, "Miễn lệ phí.")],
        documents=[
            RequiredDocument("Tờ khai đăng ký khai sinh", 1, 0, form_template_code="TK01"),
            RequiredDocument("Văn bản ủy quyền (nếu có)", 1, 0, optional=True),
        ],
        results=["Giấy khai sinh"],
        legal_basis=["Luật Hộ tịch số 60/2014/QH13"],
        online_level="full",
        applicant_kinds={"citizen"},
        version=1,
        effective_from=date(2025, 7, 1),
    )
    return dataclasses.replace(rec, **changes)


# ----------------------------------------------------------------- starter catalogue


def test_starter_catalogue_is_big_enough_and_consistent(starter: Catalogue) -> None:
    assert len(starter.procedures) >= 60
    used_fields = {p.field_code for p in starter.procedures}
    assert len(used_fields) >= 10
    assert used_fields <= {f.code for f in starter.fields}
    assert len({p.code for p in starter.procedures}) == len(starter.procedures)
    assert starter.problems() == []


def test_every_starter_procedure_is_valid(starter: Catalogue) -> None:
    for proc in starter.procedures:
        assert validate_record(proc) == [], proc.code
        assert proc.documents, proc.code
        assert proc.results and proc.legal_basis, proc.code
        for fee in proc.fees:
            assert fee.amount_vnd is None or (isinstance(fee.amount_vnd, int) and fee.amount_vnd >= 0)


def test_starter_catalogue_covers_the_common_fields(starter: Catalogue) -> None:
    names = {f.code: f.name for f in starter.fields}
    used = {names[p.field_code] for p in starter.procedures}
    for expected in ("Hộ tịch", "Đăng ký, quản lý cư trú", "Đất đai", "Hoạt động xây dựng", "Chứng thực",
                     "Bảo trợ xã hội", "Lao động, tiền lương", "Đường bộ", "Khám bệnh, chữa bệnh"):  # fmt: skip
        assert expected in used
    assert any("doanh nghiệp" in n for n in used) and any("hộ kinh doanh" in n for n in used)
    assert any(n.startswith("Giáo dục") for n in used)
    levels = {lvl for p in starter.procedures for lvl in p.levels}
    assert {"province", "commune"} <= levels


def test_starter_text_is_vietnamese_nfc(starter: Catalogue) -> None:
    for proc in starter.procedures:
        for text in [proc.name, *proc.results, *(d.name for d in proc.documents)]:
            assert unicodedata.normalize("NFC", text) == text
    khai_sinh = starter.procedure_by_code()["1.001193"]
    assert khai_sinh.name == "Thủ tục đăng ký khai sinh"
    assert khai_sinh.levels == {"commune"} and khai_sinh.agency_kind == "ubnd_xa"
    assert khai_sinh.processing_label == "1 ngày làm việc"
    assert any(f.is_free for f in khai_sinh.fees)


def test_starter_real_codes_match_the_national_data_and_samples_are_marked(starter: Catalogue) -> None:
    national = {}
    with gzip.open(NATIONAL, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            national[obj["code"]] = obj
    real = [p for p in starter.procedures if not p.sample]
    assert len(real) >= 25
    for proc in real:
        assert re.fullmatch(r"\d\.\d{6}", proc.code), proc.code
        assert proc.code in national, proc.code
        assert national[proc.code]["name"].rstrip(":").strip() == proc.name
    for proc in starter.procedures:
        if proc.sample:
            assert proc.code.startswith("MAU-"), proc.code
            assert proc.code not in national


def test_starter_records_round_trip_through_json(starter: Catalogue, tmp_path: Path) -> None:
    for proc in starter.procedures:
        data = json.loads(json.dumps(proc.to_dict(), ensure_ascii=False))
        again = ProcedureRecord.from_dict(data)
        assert again == proc
        assert content_hash(again) == content_hash(proc)
    path = tmp_path / "copy.json"
    dump_catalogue(starter, path)
    copy = load_catalogue(path)
    assert [p.to_dict() for p in copy.procedures] == [p.to_dict() for p in starter.procedures]
    assert copy.fields == starter.fields


# ----------------------------------------------------------------- dict, hash, diff


def test_to_dict_is_json_friendly_and_sorted() -> None:
    data = make_record(levels={"province", "commune", "district"}, applicant_kinds={"company", "citizen"}).to_dict()
    assert data["levels"] == ["province", "district", "commune"]
    assert data["applicant_kinds"] == ["citizen", "company"]
    assert data["processing_amount"] == "1"
    assert data["effective_from"] == "2025-07-01"
    json.dumps(data)


def test_from_dict_rejects_unknown_keys_and_wrong_types() -> None:
    data = make_record().to_dict()
    with pytest.raises(CatalogueFormatError):
        ProcedureRecord.from_dict({**data, "colour": "red"})
    with pytest.raises(CatalogueFormatError):
        ProcedureRecord.from_dict({**data, "levels": "commune"})
    with pytest.raises(CatalogueFormatError):
        ProcedureRecord.from_dict({k: v for k, v in data.items() if k != "code"})
    with pytest.raises(CatalogueFormatError):
        Catalogue.from_dict({"format": "something-else", "format_version": 1, "fields": [], "procedures": []})


def test_content_hash_is_stable_and_pinned() -> None:
    rec = make_record()
    assert content_hash(rec) == content_hash(make_record())
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(rec))
    # Decimal spelling, set order and version do not change the content
    assert content_hash(make_record(processing_amount=Decimal("1.00"))) == content_hash(rec)
    assert content_hash(make_record(levels={"commune"}, version=7)) == content_hash(rec)
    # Pinned: a change of canonicalisation would flag every tenant's procedures as changed.
    assert content_hash(rec) == PINNED_HASH


PINNED_HASH = "34cb18f0ddb6d645521842ebcb675396a7d51152e6b604aad174335e54883c9e"


def test_content_hash_changes_with_any_content() -> None:
    base = content_hash(make_record())
    variants = [
        make_record(name="Đăng ký khai sinh"),
        make_record(processing_amount=Decimal("2")),
        make_record(processing_unit="calendar_day"),
        make_record(levels={"commune", "province"}),
        make_record(fees=[Fee("Lệ phí", "charge", 5000, "")]),
        make_record(documents=[]),
        make_record(online_level="partial"),
        make_record(sample=True),
        make_record(effective_from=None),
    ]
    assert len({content_hash(v) for v in variants} | {base}) == len(variants) + 1


def test_diff_lists_changed_fields_in_order() -> None:
    old = make_record()
    assert diff(old, make_record()) == []
    new = make_record(
        name="Thủ tục đăng ký khai sinh (sửa đổi)",
        processing_amount=Decimal("3"),
        fees=[Fee("Lệ phí đăng ký khai sinh đúng hạn", "charge", 0, "Miễn lệ phí."), Fee("Lệ phí", "charge", 8000)],
        version=2,
    )
    changes = diff(old, new)
    assert [c.field for c in changes] == ["name", "processing_amount", "fees"]
    assert changes[1] == FieldChange("processing_amount", "1", "3")
    assert len(changes[2].new) == 2 and changes[2].new[1]["amount_vnd"] == 8000
    assert [c.field for c in diff(old, new, ignore=frozenset())] == ["name", "processing_amount", "fees", "version"]
    assert (diff(old, new) == []) == (content_hash(old) == content_hash(new))


# ----------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("changes", "reason", "message_vi"),
    [
        ({"code": ""}, "missing_code", "Thiếu mã thủ tục"),
        ({"code": "1.001 193"}, "bad_code", "Mã thủ tục không hợp lệ"),
        ({"name": "   "}, "missing_name", "Thiếu tên thủ tục"),
        ({"name": "x" * 2001}, "too_long", "vượt quá giới hạn 2000 ký tự"),
        ({"levels": set()}, "missing_levels", "Thiếu cấp thực hiện"),
        ({"levels": {"commune", "central"}}, "unknown_level", "Cấp thực hiện không hợp lệ: central"),
        ({"agency_kind": "bo"}, "bad_agency_kind", "Loại cơ quan không hợp lệ"),
        ({"processing_amount": Decimal("0")}, "bad_time", "Thời hạn giải quyết không hợp lệ"),
        ({"processing_amount": Decimal("1.125")}, "bad_time", "2 chữ số thập phân"),
        ({"processing_unit": "month"}, "bad_unit", "Đơn vị thời gian không hợp lệ"),
        ({"fees": [Fee("Lệ phí", "charge", -5000)]}, "negative_fee", "Phí, lệ phí không được âm"),
        ({"fees": [Fee("Lệ phí", "tax", 5000)]}, "bad_fee", "Loại phí không hợp lệ"),
        ({"documents": [RequiredDocument("Tờ khai", -1, 0)]}, "bad_document", "không âm"),
        ({"online_level": "4"}, "bad_online_level", "Mức độ DVC không hợp lệ"),
        ({"applicant_kinds": set()}, "missing_applicants", "Thiếu đối tượng thực hiện"),
        ({"version": 0}, "bad_version", "Phiên bản"),
    ],
)
def test_validate_record_reports_problems(changes: dict, reason: str, message_vi: str) -> None:
    assert validate_record(make_record()) == []
    issues = validate_record(make_record(**changes))
    assert any(i.reason == reason and message_vi in i.message_vi and i.message_en for i in issues), issues


def test_fee_and_record_helpers() -> None:
    rec = make_record(fees=[Fee("A", "fee", 20000), Fee("B", "charge", None), Fee("C", "charge", 0)])
    assert rec.fixed_fee_total_vnd == 20000
    assert [f.is_free for f in rec.fees] == [False, False, True]
    assert [f.is_fixed for f in rec.fees] == [True, False, True]
    loose = ProcedureRecord("X", "Y", "Z", ["commune"], "ubnd_xa", 7.5, "working_day")  # type: ignore[arg-type]
    assert loose.processing_amount == Decimal("7.5") and loose.levels == {"commune"}
    assert Field("G15-TP07", "Hộ tịch").to_dict() == {"code": "G15-TP07", "name": "Hộ tịch", "sample": False}


def test_import_report_counts() -> None:
    errors = [
        RowError(3, "A", "MaTTHC", "Thiếu mã thủ tục", "Missing", "missing_code"),
        RowError(3, "A", "PhiLePhi", "Âm", "Negative", "negative_fee"),
        RowError(5, "B", "MaTTHC", "Trùng", "Duplicate", "duplicate_code"),
    ]
    report = ImportReport(accepted=[make_record()], rejected=errors, encoding="utf-8", total_rows=3)
    assert not report.ok
    assert report.rejected_rows == [3, 5]
    assert report.reasons() == {"missing_code": 1, "negative_fee": 1, "duplicate_code": 1}
    assert report.summary()["rejected_rows"] == 2
    assert str(errors[0]) == "Dòng 3 [MaTTHC]: Thiếu mã thủ tục"
    assert ImportReport([make_record()], [], "utf-8", 1).ok
    assert not ImportReport([], [], "utf-8", 0).ok


# ----------------------------------------------------------------- synthetic catalogue


def test_synthetic_catalogue_is_deterministic_unique_and_valid() -> None:
    # its speed is the onboarding and search benchmarks' business, not a timed unit test's
    records = generate(2000, seed=0)
    assert len(records) == 2000
    assert len({r.code for r in records}) == 2000
    assert len({r.name for r in records}) == 2000
    assert [content_hash(r) for r in records] == [content_hash(r) for r in generate(2000, seed=0)]
    assert [r.to_dict() for r in generate(50, seed=1)] != [r.to_dict() for r in generate(50, seed=0)]
    assert all(validate_record(r) == [] and r.sample for r in records)
    assert all(3 <= len(r.documents) <= 8 and 0 <= len(r.fees) <= 3 for r in records)
    assert len({r.field_code for r in records}) >= 10
    assert {lvl for r in records for lvl in r.levels} == {"province", "district", "commune"}
    assert {r.processing_unit for r in records} == {"working_day", "calendar_day", "hour"}
