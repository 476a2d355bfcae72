"""The importer reads what the source says, no more: whole processing times, "(nếu có)" on
what it qualifies, fees under their own names, records without an agency flagged for review.
Real records of the national export shipped with the product wherever one shows the case."""

from __future__ import annotations

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from control.catalogue.agencies import document_is_optional, parse_document
from control.catalogue.durations import parse_duration
from control.catalogue.fees import fee_name_and_kind, parse_fees
from control.catalogue.importer import import_csv
from control.catalogue.national import default_national_path, load_national_jsonl
from control.catalogue.records import FieldError, ImportReport, content_hash

CATALOGUE = Path(__file__).resolve().parents[3] / "control" / "catalogue"


@pytest.fixture(scope="module")
def report() -> ImportReport:
    return load_national_jsonl(default_national_path())


@pytest.fixture(scope="module")
def by_code(report: ImportReport) -> dict:
    return {r.code: r for r in report.accepted}


# ----------------------------------------------------------------- processing time: the whole time


def test_real_times_written_as_steps_are_added_up(by_code: dict, report: ImportReport) -> None:
    # "a) Thời gian thu hồi Giấy chứng nhận ... không quá 25 ngày làm việc. b) ... cấp lại Giấy chứng
    # nhận không quá 23 ngày làm việc" (the first number alone was 25)
    for code in ("1.115724", "1.115745"):
        assert (by_code[code].processing_amount, by_code[code].processing_unit) == (Decimal(48), "working_day")
    warned = {(w.code, w.reason): w.message_vi for w in report.warnings}
    assert "cộng các bước" in warned[("1.115724", "time_from_text")]


def test_real_times_written_as_cases_take_the_longest(by_code: dict) -> None:
    # "a) Không quá 08 ngày ... b) Không quá 15 ngày ... c) Không quá 10 ngày làm việc đối với trường hợp ..."
    assert by_code["1.115729"].processing_amount == Decimal(15)  # was 8, the first number
    assert by_code["1.115718"].processing_amount == Decimal(10)  # a) 05, b) 07, c) 10; was 5
    assert by_code["1.115736"].processing_amount == Decimal(20)  # - 10 ... - 20; was 10


def test_extensions_and_notes_are_not_part_of_the_time(by_code: dict) -> None:
    # "Không quá 10 ngày làm việc. Đối với các xã miền núi ... được tăng thêm không quá 10 ngày làm việc"
    assert by_code["1.115714"].processing_amount == Decimal(10)
    assert by_code["1.115733"].processing_amount == Decimal(5)  # the same, after a comma
    amount, unit, several = parse_duration(
        "Không quá 03 ngày làm việc (không tính thời gian cơ quan có thẩm quyền xác định nghĩa vụ tài chính)"
    )
    assert (amount, unit, several) == (Decimal(3), "working_day", False)


@pytest.mark.parametrize(
    ("text", "amount", "several"),
    [
        ("UBND cấp xã: 05 ngày làm việc; Sở Tư pháp: 10 ngày làm việc", "15", True),
        ("Bước 1: 3 ngày làm việc\nBước 2: 2 ngày làm việc", "5", True),
        ("Tổng thời gian giải quyết: 15 ngày làm việc, trong đó: UBND xã 5 ngày làm việc; Sở 10 ngày làm việc",
         "15", False),
        ("15 ngày làm việc, trong đó cấp xã 5 ngày làm việc, cấp tỉnh 10 ngày làm việc", "15", False),
        ("Không quá 23 ngày làm việc (trong đó đăng ký lần đầu là 20 ngày làm việc; cấp Giấy chứng nhận là 03 "
         "ngày làm việc)", "23", False),
        ("Không quá 10 ngày làm việc. Trường hợp phải xác minh thì không quá 20 ngày làm việc", "20", True),
        ("Không quá 20 ngày làm việc. Không quá 20 ngày làm việc.", "20", False),
        ("03 (ba) ngày làm việc", "3", False),
    ],
)  # fmt: skip
def test_times_written_as_text_are_read_whole(text: str, amount: str, several: bool) -> None:
    assert parse_duration(text) == (Decimal(amount), "working_day", several)


def test_times_that_cannot_be_added_up_are_refused() -> None:
    # 1.115749: "Trong thời hạn 15 ngày ...; Trong thời hạn không quá 05 ngày làm việc ..." (days + working days)
    with pytest.raises(FieldError) as exc:
        parse_duration("- Trong thời hạn 15 ngày kể từ ngày nhận được hồ sơ hợp lệ, cơ quan cấp xã thẩm định. "
                       "- Trong thời hạn không quá 05 ngày làm việc kể từ ngày nhận văn bản thẩm định, cấp có "
                       "thẩm quyền có văn bản chấp thuận.")  # fmt: skip
    assert exc.value.reason == "bad_time" and "đơn vị khác nhau" in exc.value.message_vi
    # 1.115647: a number plus a time the text does not state
    with pytest.raises(FieldError) as exc:
        parse_duration("12.5 ngày làm việc + thời gian thực hiện cấp lại Giấy chứng nhận theo quy định")
    assert exc.value.reason == "bad_time" and "chỉ ghi một phần" in exc.value.message_vi


def test_a_csv_time_of_several_steps_is_their_sum_with_a_warning() -> None:
    report = import_csv(_csv(ThoiHanGiaiQuyet="Cấp xã: 03 ngày làm việc; Cấp tỉnh: 07 ngày làm việc").encode())
    assert report.ok, report.rejected
    assert report.accepted[0].processing_amount == Decimal(10)
    (warning,) = [w for w in report.warnings if w.reason == "several_times"]
    assert "đã cộng các bước" in warning.message_vi


# ----------------------------------------------------------------- "(nếu có)"


@pytest.mark.parametrize(
    ("text", "optional"),
    [
        ("Văn bản ủy quyền (nếu có)", True),
        ("Văn bản thủ tục môi trường của cơ quan có thẩm quyền (nếu có);", True),
        ("Giấy tờ chứng minh phần diện tích tăng thêm (nếu có) đối với trường hợp quy định tại Điều 5", True),
        ("Bản sao Trích lục (nếu có yêu cầu)", True),
        ("Bản vẽ hoàn công công trình (nếu có) hoặc bản vẽ thiết kế mô tả thực trạng công trình", False),
        ("Văn bản phê duyệt và bản đồ, bản vẽ kèm theo (nếu có) của quy hoạch sử dụng làm căn cứ", False),
        ("Hồ sơ khảo sát xây dựng; thuyết minh Báo cáo; Báo cáo kết quả thẩm tra thiết kế cơ sở (nếu có).", False),
        ("Sơ đồ nhà ở (nếu có). Trường hợp thửa đất gốc có giấy tờ thì nộp Giấy chứng nhận đã cấp", False),
        ("Nếu công dân Việt Nam đã ly hôn thì nộp bản sao Quyết định", False),
        ("Tờ khai đăng ký khai sinh", False),
    ],
)  # fmt: skip
def test_if_any_makes_optional_only_what_it_qualifies(text: str, optional: bool) -> None:
    assert document_is_optional(text) is optional
    assert parse_document(text).optional is optional


def test_real_documents_are_optional_only_as_a_whole(by_code: dict) -> None:
    docs = {d.name: d.optional for d in by_code["1.013230"].documents}  # relocating a building
    drawing = next(name for name in docs if name.startswith("Bản vẽ hoàn công công trình (nếu có) hoặc"))
    assert docs[drawing] is False  # the drawing is required; only the as-built one "if any"
    land = {d.name: d.optional for d in by_code["1.115537"].documents}
    assert land["Văn bản về việc giao nhận ruộng đất (nếu có)"] is True
    plan = {d.name: d.optional for d in by_code["1.115609"].documents}
    assert not any(opt for name, opt in plan.items() if name.startswith("Trích lục bản đồ địa chính (nếu có) hoặc"))


# ----------------------------------------------------------------- fees keep their own names


def test_real_fee_rows_keep_their_own_names(by_code: dict) -> None:
    names = [(f.name, f.amount_vnd) for f in by_code["1.115594"].fees]
    assert ("Phí thẩm định hồ sơ Cấp Giấy chứng nhận lần đầu đối với tổ chức (Đất+Tài sản)", 215000) in names
    assert ("Phí", 215000) not in names  # the generic name it had before
    changes = {f.name: f.amount_vnd for f in by_code["1.115593"].fees}
    assert changes["Lệ phí cấp Giấy chứng nhận: Đăng ký biến động trên Giấy chứng nhận đã cấp (Đất)"] == 25000
    assert changes["Lệ phí cấp Giấy chứng nhận: Đăng ký biến động trên Giấy chứng nhận đã cấp (Đất+Tài sản)"] == 30000
    # "Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 đồng/lần đăng ký."
    online = by_code["1.004222"].fees
    assert ("Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến", 10000) in [
        (f.name, f.amount_vnd) for f in online
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Phí thẩm định hồ sơ", "Phí thẩm định hồ sơ"),
        ("Lệ phí Cấp Giấy chứng nhận lần đầu (Đất)Lệ phí Cấp Giấy chứng nhận lần đầu (Đất)",
         "Lệ phí Cấp Giấy chứng nhận lần đầu (Đất)"),
        ("Cấp bản sao trích lục hộ tịch", "Cấp bản sao trích lục hộ tịch"),
        ("Tra cứu tại Quyết định số 2252/QĐ-VP ngày 02/7/2026", "Lệ phí"),
        ("Theo quy định của Hội đồng nhân dân cấp tỉnh", "Lệ phí"),
        ("Các trường hợp được miễn, giảm nộp phí: - Người khuyết tật", "Lệ phí"),
        ("Theo quy định tại Điều 8 Nghị quyết số 28/2024/NQ-HĐND, cụ thể: 10.000 đồng", "Lệ phí"),
    ],
)  # fmt: skip
def test_fee_names_are_names_not_legal_wording(text: str, name: str) -> None:
    assert fee_name_and_kind(text)[0] == name


def test_csv_fee_without_an_amount_keeps_its_name() -> None:
    fees, _ = parse_fees("Phí thẩm định hồ sơ; Lệ phí cấp giấy phép: 75.000 đồng")
    assert [(f.name, f.kind, f.amount_vnd) for f in fees] == [
        ("Phí thẩm định hồ sơ", "fee", None),
        ("Lệ phí cấp giấy phép", "charge", 75000),
    ]


# ----------------------------------------------------------------- without an agency: flagged for review


def test_real_records_without_an_agency_are_flagged_not_guessed(by_code: dict, report: ImportReport) -> None:
    rec = by_code["1.000656"]  # executing_agency is null in the file
    assert rec.needs_review and rec.agency_name == "" and rec.agency_kind == "khac"
    assert "Thiếu cơ quan thực hiện" in rec.review_reason and "cần rà soát" in rec.review_reason
    assert "Cấp xã" in rec.review_reason  # the guessed level is named as a guess
    flagged = [r for r in report.accepted if r.needs_review]
    assert flagged and all(not r.agency_name or r.agency_kind == "khac" for r in flagged)
    assert all(r.agency_name and not r.needs_review for r in report.accepted if r.agency_kind != "khac")
    assert report.summary()["needs_review"] == len(flagged)
    ks = by_code["1.001193"]  # Ủy ban nhân dân cấp xã: stated, not flagged
    assert not ks.needs_review and ks.review_reason == ""


def test_a_csv_row_without_an_agency_is_loaded_flagged() -> None:
    report = import_csv(_csv(CoQuanThucHien="").encode())
    assert report.ok, report.rejected
    rec = report.accepted[0]
    assert rec.needs_review and rec.review_reason.startswith("Thiếu cơ quan thực hiện")
    assert rec.levels == {"commune"}  # stated by CapThucHien, not guessed
    assert [w.reason for w in report.warnings] == ["agency_missing_review"]


def test_the_review_flag_keeps_old_hashes_and_changes_new_ones(by_code: dict) -> None:
    import dataclasses

    rec = by_code["1.001193"]
    flagged = dataclasses.replace(rec, needs_review=True, review_reason="Cần rà soát")
    assert content_hash(flagged) != content_hash(rec)
    data = rec.to_dict()
    assert data["needs_review"] is False and data["review_reason"] == ""
    legacy = {k: v for k, v in data.items() if k not in {"needs_review", "review_reason"}}
    assert content_hash(type(rec).from_dict(legacy)) == content_hash(rec)


# ----------------------------------------------------------------- the split importer


def test_the_importer_modules_are_small_and_import_no_cycle() -> None:
    split = ["importer", "readers", "rows", "cells", "fees", "durations", "agencies"]
    imports: dict[str, set[str]] = {}
    for name in [*split, "national", "records"]:
        source = (CATALOGUE / f"{name}.py").read_text(encoding="utf-8")
        if name in split:
            assert len(source.splitlines()) < 400, name
        tree = ast.parse(source)
        imports[name] = {
            n.module.rsplit(".", 1)[-1]
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("control.catalogue.")
        }
    assert "importer" not in imports["national"]
    for name, deps in imports.items():  # no module reaches itself again
        seen, todo = set(), list(deps)
        while todo:
            dep = todo.pop()
            assert dep != name, f"{name} imports itself through {dep}"
            if dep not in seen:
                seen.add(dep)
                todo.extend(imports.get(dep, ()))


# ----------------------------------------------------------------- helpers

HEADER = ["MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "CapThucHien", "ThoiHanGiaiQuyet", "PhiLePhi",
          "CoQuanThucHien", "MucDo", "DoiTuong", "ThanhPhanHoSo", "KetQua", "CanCuPhapLy"]  # fmt: skip
ROW = {"MaTTHC": "1.001193", "TenTTHC": "Thủ tục đăng ký khai sinh", "MaLinhVuc": "G15-TP07", "TenLinhVuc": "Hộ tịch",
       "CapThucHien": "Cấp xã", "ThoiHanGiaiQuyet": "01 ngày làm việc", "PhiLePhi": "Miễn phí",
       "CoQuanThucHien": "Ủy ban nhân dân cấp xã", "MucDo": "Toàn trình", "DoiTuong": "Công dân Việt Nam",
       "ThanhPhanHoSo": "Tờ khai (01 bản chính)", "KetQua": "Giấy khai sinh",
       "CanCuPhapLy": "Luật Hộ tịch"}  # fmt: skip


def _csv(**changes: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow([{**ROW, **changes}[h] for h in HEADER])
    return buf.getvalue()
