"""Import of the real national export shipped with the product
(control/catalogue/data/national-procedures.jsonl.gz, 400 records)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from control.catalogue.importer import import_file
from control.catalogue.national import default_national_path, load_national_jsonl
from control.catalogue.records import ImportReport, content_hash, validate_record

REPO_ROOT = Path(__file__).resolve().parents[3]
NATIONAL = default_national_path()
KNOWN_REASONS = {"missing_field", "central_agency", "bad_time", "unsupported_unit", "unknown_agency", "missing_code",
                 "missing_name", "duplicate_code", "negative_fee", "missing_applicants", "missing_time", "bad_json",
                 "too_long"}  # fmt: skip


@pytest.fixture(scope="module")
def report() -> ImportReport:
    return load_national_jsonl(NATIONAL)


@pytest.fixture(scope="module")
def by_code(report: ImportReport) -> dict:
    return {r.code: r for r in report.accepted}


def test_default_path_is_the_copy_shipped_in_the_repo() -> None:
    assert NATIONAL == REPO_ROOT / "control" / "catalogue" / "data" / "national-procedures.jsonl.gz"
    assert NATIONAL.is_file()
    assert (NATIONAL.parent / "README.md").is_file()


def test_counts_and_reasons(report: ImportReport) -> None:
    assert report.total_rows == 400
    assert report.encoding == "utf-8"
    assert len(report.accepted) >= 360
    assert len(report.accepted) + len(report.rejected_rows) == 400
    reasons = report.reasons()
    assert set(reasons) <= KNOWN_REASONS
    # what the real file cannot give: procedures of embassies/ministries, missing field and agency, months
    assert reasons["central_agency"] >= 5
    assert reasons["missing_field"] >= 10
    assert reasons["unsupported_unit"] >= 1
    assert sum(reasons.values()) >= len(report.rejected_rows)
    for err in report.rejected:
        assert err.code and err.reason and err.message_vi and err.message_en and err.column
        assert err.row_number >= 1


def test_specific_rejections(report: ImportReport) -> None:
    errors = {e.code: e for e in report.rejected}
    assert errors["1.000578"].reason == "central_agency"  # Cục Lãnh sự - Bộ Ngoại giao
    assert "cơ quan trung ương" in errors["1.000578"].message_vi
    assert errors["1.115403"].reason == "central_agency"  # Bộ Công an
    assert errors["1.115404"].reason == "unsupported_unit"  # 2 months
    assert errors["1.000736"].reason == "missing_field"  # null category and null agency
    assert errors["1.001022"].reason == "bad_time"  # only "3 OTHER"


def test_accepted_records_are_valid_and_unique(report: ImportReport) -> None:
    codes = [r.code for r in report.accepted]
    assert len(set(codes)) == len(codes)
    for rec in report.accepted:
        assert validate_record(rec) == [], rec.code
        assert rec.levels and rec.agency_kind != "co_quan_trung_uong"
        assert rec.processing_amount > 0
    assert {f.code for f in report.fields} == {r.field_code for r in report.accepted}
    field_names = {f.code: f.name for f in report.fields}
    assert field_names["G15-TP07"] == "Hộ tịch" and field_names["G13-TN02"] == "Đất đai"
    units = {r.processing_unit for r in report.accepted}
    assert units == {"working_day", "calendar_day", "hour"}
    land = [r for r in report.accepted if r.field_code == "G13-TN02"]
    assert len(land) >= 280


def test_known_procedures_are_mapped(by_code: dict) -> None:
    ks = by_code["1.001193"]
    assert ks.name == "Thủ tục đăng ký khai sinh"
    assert (ks.levels, ks.agency_kind) == ({"commune"}, "ubnd_xa")
    assert (ks.processing_amount, ks.processing_unit) == (Decimal(1), "working_day")
    assert [f.amount_vnd for f in ks.fees] == [0]
    assert ks.applicant_kinds == {"citizen"} and ks.results == ["Giấy khai sinh"]
    assert all(d.originals + d.copies > 0 for d in ks.documents)
    assert not any("Lưu ý" in d.group for d in ks.documents)
    assert any("Luật 60/2014/QH13" in lb for lb in ks.legal_basis)

    tt = by_code["1.004222"]  # category is null in the file: inferred from the name
    assert tt.field_code == "G01-CA05" and tt.agency_kind == "cong_an" and tt.levels == {"commune"}
    assert sorted(f.amount_vnd for f in tt.fees) == [10000, 20000]

    gp = by_code["1.013226"]
    assert (gp.processing_amount, gp.processing_unit) == (Decimal(20), "calendar_day")
    assert gp.fees and all(f.amount_vnd is None for f in gp.fees)  # "Theo quy định của HĐND": not free
    assert by_code["2.001159"].processing_unit == "hour"
    assert by_code["2.001955"].levels == {"province", "commune"}


def test_warnings_explain_guesses(report: ImportReport) -> None:
    warned = {(w.code, w.reason) for w in report.warnings}
    assert ("1.004222", "field_inferred") in warned
    assert ("1.000656", "levels_inferred") in warned  # agency missing: levels of the field's other records
    assert ("1.013217", "implausible_amount") in warned  # 45 "VND" is not a plausible fee
    assert any(reason == "name_variant" for _, reason in warned)  # provinces' variants of one procedure
    assert any(reason == "time_from_text" for _, reason in warned)


def test_import_is_deterministic(report: ImportReport) -> None:
    again = import_file(NATIONAL)
    assert [content_hash(r) for r in again.accepted] == [content_hash(r) for r in report.accepted]
    assert again.rejected == report.rejected


def line(**changes: object) -> str:
    base = {
        "code": "9.000001",
        "name": "Thủ tục thử nghiệm đăng ký khai sinh",
        "category": {"code": "G15-TP07", "name": "Hộ tịch"},
        "promulgating_agency": "Bộ Tư pháp",
        "executing_agency": "Ủy ban nhân dân cấp xã",
        "subject_types": ["Công dân Việt Nam"],
        "results": ["Giấy khai sinh"],
        "requirements": "",
        "channels": [
            {
                "method": "DIRECT",
                "fees": [{"type": "FEE", "value_vnd": 8000, "text": "8.000 đồng"}],
                "processing": {"qty": 1, "unit": "WORKING_DAY"},
                "note": "",
            }
        ],  # fmt: skip
        "processing_cases": [{"case_code": "9.000001.01", "qty": 3, "unit": "WORKING_DAY"}],
        "legal_basis": [{"code": "60/2014/QH13", "name": "Luật Hộ tịch"}],
        "steps_raw": [],
        "checklist_raw": [{"group": "", "items": [{"name": "- Tờ khai", "original_qty": 1, "copy_qty": 0}]}],
        "state": "ACTIVE",
        "source": {"updated_at": "2026-01-01T00:00:00Z"},
    }
    base.update(changes)
    return json.dumps(base, ensure_ascii=False)


def test_edge_cases_of_the_format(tmp_path: Path) -> None:
    lines = [
        line(),  # 1 accepted
        "{not json",  # 2
        line(
            code="9.000002",
            processing_cases=[],
            channels=[
                {
                    "method": "DIRECT",
                    "fees": [],
                    "processing": {"qty": "Không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ", "unit": "OTHER"},
                }
            ],
        ),  # 3
        line(code="9.000003", processing_cases=[{"case_code": "a", "qty": 2, "unit": "MONTH"}], channels=[]),  # 4
        line(code="9.000004", channels=[{"method": "ONLINE", "fees": [{"type": "FEE", "value_vnd": -1, "text": ""}]}]),
        line(code="9.000005", category=None, name="Cấp giấy phép bắn pháo hoa"),  # 6 no field, none inferable
        line(code="9.000001", source={"updated_at": "2026-06-01T00:00:00Z"}, name="Bản cập nhật"),  # 7 newer duplicate
        line(code="9.000006", executing_agency="Cơ quan đại diện Việt Nam ở nước ngoài"),  # 8
        line(code="9.000007", subject_types=["Xyz"]),  # 9
        "",
    ]
    path = tmp_path / "sample.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    rep = load_national_jsonl(path)
    assert rep.total_rows == 9
    accepted = {r.code: r for r in rep.accepted}
    assert sorted(accepted) == ["9.000001", "9.000002"] and accepted["9.000001"].name == "Bản cập nhật"
    second = accepted["9.000002"]
    assert (second.processing_amount, second.processing_unit) == (Decimal(10), "working_day")
    assert ("9.000002", "time_from_text") in {(w.code, w.reason) for w in rep.warnings}
    got = {e.row_number: e.reason for e in rep.rejected}
    assert got == {2: "bad_json", 4: "unsupported_unit", 5: "negative_fee", 6: "missing_field", 1: "duplicate_code",
                   8: "central_agency", 9: "missing_applicants"}  # fmt: skip
    assert rep.errors_for_row(1)[0].message_vi == "Trùng mã với dòng 7 (giữ bản cập nhật mới hơn)"
    first = accepted["9.000001"]
    assert first.online_level == "none" and first.documents[0].name == "Tờ khai" and first.fees[0].amount_vnd == 8000
