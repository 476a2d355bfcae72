"""Importer of CSV / XLSX catalogue files: encodings, headers, values, row-by-row errors."""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from control.catalogue.importer import (
    FieldError,
    classify_agency,
    decode_bytes,
    encode_cp1258,
    import_csv,
    import_file,
    import_xlsx,
    parse_applicants,
    parse_document,
    parse_duration,
    parse_fees,
    parse_levels,
    parse_online_level,
)

HEADER = ["MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "CapThucHien", "ThoiHanGiaiQuyet", "DonViThoiGian",
          "PhiLePhi", "CoQuanThucHien", "MucDo", "DoiTuong", "ThanhPhanHoSo", "KetQua", "CanCuPhapLy"]  # fmt: skip
GOOD_ROWS = [
    ["1.001193", "Thủ tục đăng ký khai sinh", "G15-TP07", "Hộ tịch", "Cấp xã", "01 ngày làm việc", "", "Miễn phí",
     "Ủy ban nhân dân cấp xã", "Toàn trình", "Công dân Việt Nam; Người Việt Nam định cư ở nước ngoài",
     "Tờ khai đăng ký khai sinh theo mẫu (01 bản chính); Giấy chứng sinh (01 bản chính); Văn bản ủy quyền (nếu có)",
     "Giấy khai sinh", "Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP"],
    ["1.004222", "Đăng ký thường trú", "G01-CA05", "Đăng ký, quản lý cư trú", "Cấp xã", "07 ngày làm việc", "",
     "Nộp trực tiếp: 20.000 đồng; Nộp trực tuyến: 10.000đ/lần", "Công an cấp xã", "Mức độ 4", "Công dân Việt Nam",
     "Tờ khai thay đổi thông tin cư trú theo Mẫu CT01 (01 bản chính); Giấy tờ chứng minh chỗ ở hợp pháp (01 bản sao)",
     "Cập nhật thông tin trong Cơ sở dữ liệu về cư trú", "Luật Cư trú số 68/2020/QH14"],
    ["MAU-XD-01", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "G17-XD11", "Hoạt động xây dựng", "Cấp xã",
     "15", "Ngày", "Lệ phí cấp giấy phép: 75.000 đồng/giấy phép", "UBND xã", "Một phần", "Cá nhân, hộ gia đình",
     "Đơn đề nghị cấp giấy phép xây dựng; Bản vẽ thiết kế (02 bản chính)", "Giấy phép xây dựng",
     "Luật Xây dựng số 50/2014/QH13"],
    ["MAU-DN-01", "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", "G05-KD07",
     "Thành lập và hoạt động của doanh nghiệp", "Cấp tỉnh", "03 ngày làm việc", "",
     "Lệ phí: 50.000 đồng; Phí công bố: 100.000 đồng", "Sở Tài chính", "Toàn trình",
     "Tổ chức (không bao gồm doanh nghiệp, HTX); Doanh nghiệp", "Giấy đề nghị đăng ký doanh nghiệp; Điều lệ công ty",
     "Giấy chứng nhận đăng ký doanh nghiệp", "Luật Doanh nghiệp số 59/2020/QH14"],
    ["MAU-CTH-01", "Chứng thực bản sao từ bản chính", "G15-TP03", "Chứng thực", "Cấp xã, Cấp huyện",
     "1/2 ngày làm việc", "", "2.000 đồng/trang", "Ủy ban nhân dân cấp xã; Phòng Tư pháp", "Mức độ 3",
     "Công dân; Tổ chức",
     "Bản chính giấy tờ để đối chiếu; Bản sao cần chứng thực (01 bản sao)", "Bản sao được chứng thực",
     "Nghị định số 23/2015/NĐ-CP"],
    ["MAU-CA-02", "Thông báo lưu trú", "G01-CA05", "Đăng ký, quản lý cư trú", "Xã", "8 giờ", "", "Không",
     "Công an cấp xã", "Toàn trình", "Công dân Việt Nam", "", "Cập nhật thông tin lưu trú",
     "Luật Cư trú số 68/2020/QH14"],
]  # fmt: skip


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def dicts(report) -> list[dict]:  # noqa: ANN001
    return [r.to_dict() for r in report.accepted]


@pytest.fixture
def good_text() -> str:
    return csv_text(HEADER, GOOD_ROWS)


def write_xlsx(path: Path, header: list, rows: list[list], title_rows: int = 0) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "TTHC"
    for i in range(title_rows):
        ws.append([f"DANH MỤC THỦ TỤC HÀNH CHÍNH (dòng tiêu đề {i + 1})"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# ----------------------------------------------------------------- encodings


def test_csv_utf8_bom_and_windows_1258_give_identical_records(good_text: str, tmp_path: Path) -> None:
    utf8 = import_csv(good_text.encode("utf-8"))
    assert utf8.ok, utf8.rejected
    assert utf8.encoding == "utf-8" and utf8.total_rows == len(GOOD_ROWS) == len(utf8.accepted)

    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + good_text.encode("utf-8"))
    with_bom = import_csv(bom)
    assert with_bom.encoding == "utf-8-sig" and with_bom.source == "bom.csv"

    raw_1258 = encode_cp1258(good_text)
    with pytest.raises(UnicodeDecodeError):
        raw_1258.decode("utf-8")
    assert b"Vi\xea\xf2t Nam" in raw_1258  # "Việt": ê (0xEA) + combining dot below (0xF2), as Windows writes it
    win = import_csv(raw_1258)
    assert win.encoding == "cp1258"
    assert dicts(utf8) == dicts(with_bom) == dicts(win)
    assert [f.to_dict() for f in utf8.fields] == [f.to_dict() for f in win.fields]
    assert win.accepted[0].name == "Thủ tục đăng ký khai sinh"
    assert all(unicodedata.is_normalized("NFC", r.name) for r in win.accepted)


def test_windows_1258_hand_written_bytes_are_nfc_normalised() -> None:
    encoding, text = decode_bytes(b"Ma\xde thu\xd2 tu\xf2c;Vi\xea\xf2t Nam;\xd0\xe3ng ky\xec")
    assert encoding == "cp1258"
    assert text == "Mã thủ tục;Việt Nam;Đăng ký"
    assert unicodedata.is_normalized("NFC", text)
    assert encode_cp1258("Việt Nam") == b"Vi\xea\xf2t Nam"


def test_other_encodings_are_detected_deterministically(good_text: str) -> None:
    nfd = unicodedata.normalize("NFD", good_text).encode("utf-8")
    assert dicts(import_csv(nfd)) == dicts(import_csv(good_text.encode("utf-8")))
    utf16 = import_csv(csv_text(HEADER, GOOD_ROWS, "\t").encode("utf-16"))  # Excel "Unicode text"
    assert utf16.encoding == "utf-16" and utf16.ok
    assert dicts(utf16) == dicts(import_csv(good_text.encode("utf-8")))
    # Windows-1252 only when the Windows-1258 reading leaves tone marks on nothing ("Ì" is U+0300 there)
    assert decode_bytes("Café Ìsland".encode("cp1252")) == ("cp1252", "Café Ìsland")
    assert decode_bytes("Café".encode("cp1252"))[0] == "cp1258"
    bad = import_csv(b"\x81\x8d\x8f\x90 not text")
    assert not bad.ok and bad.rejected[0].reason == "bad_encoding" and bad.rejected[0].row_number == 0


def test_semicolon_csv_with_excel_sep_line_and_human_headers() -> None:
    header = ["STT", "  MÃ THỦ TỤC ", "Tên thủ tục", "Mã lĩnh vực", "Lĩnh vực", "Cấp thực hiện",
              "thoi han giai quyet", "Phí, lệ phí", "Cơ quan thực hiện", "Mức độ", "Đối tượng thực hiện",
              "Kết quả", "Căn cứ pháp lý", "Ghi chú nội bộ"]  # fmt: skip
    row = ["1", "1.000894", "Thủ tục đăng ký kết hôn", "G15-TP07", "Hộ tịch", "Cấp xã", "Trong ngày",
           "Miễn lệ phí", "UBND cấp xã", "Một phần", "Công dân Việt Nam", "Giấy chứng nhận kết hôn",
           "Luật Hộ tịch", ""]  # fmt: skip
    data = ("sep=;\r\n" + csv_text(header, [row], ";")).encode("utf-8")
    report = import_csv(data)
    assert report.ok, report.rejected
    rec = report.accepted[0]
    assert (rec.code, rec.processing_amount, rec.processing_unit) == ("1.000894", Decimal(1), "working_day")
    assert rec.fees[0].amount_vnd == 0 and rec.agency_kind == "ubnd_xa" and rec.online_level == "partial"
    assert [w.reason for w in report.warnings] == ["extra_column"]
    assert report.warnings[0].column == "Ghi chú nội bộ" and report.warnings[0].row_number == 2


# ----------------------------------------------------------------- values


def test_good_rows_are_mapped(good_text: str) -> None:
    report = import_csv(good_text.encode("utf-8"))
    recs = {r.code: r for r in report.accepted}
    ks = recs["1.001193"]
    assert ks.levels == {"commune"} and ks.agency_kind == "ubnd_xa" and ks.online_level == "full"
    assert [(d.name, d.originals, d.copies, d.optional) for d in ks.documents] == [
        ("Tờ khai đăng ký khai sinh theo mẫu", 1, 0, False),
        ("Giấy chứng sinh", 1, 0, False),
        ("Văn bản ủy quyền (nếu có)", 1, 0, True),
    ]
    assert ks.legal_basis == ["Luật Hộ tịch số 60/2014/QH13", "Nghị định số 123/2015/NĐ-CP"]
    tt = recs["1.004222"]
    assert [f.amount_vnd for f in tt.fees] == [20000, 10000] and tt.agency_kind == "cong_an"
    assert tt.documents[0].form_template_code == "CT01" and tt.documents[1].copies == 1
    xd = recs["MAU-XD-01"]
    assert (xd.processing_amount, xd.processing_unit) == (Decimal(15), "calendar_day")
    assert xd.fees[0].name == "Lệ phí cấp giấy phép" and xd.fees[0].amount_vnd == 75000
    assert xd.documents[1].originals == 2
    dn = recs["MAU-DN-01"]
    assert dn.applicant_kinds == {"company"} and dn.levels == {"province"} and dn.agency_kind == "so_ban_nganh"
    assert [(f.kind, f.amount_vnd) for f in dn.fees] == [("charge", 50000), ("fee", 100000)]
    cth = recs["MAU-CTH-01"]
    assert cth.levels == {"commune", "district"} and cth.processing_amount == Decimal("0.5")
    assert cth.applicant_kinds == {"citizen", "company"} and cth.online_level == "partial"
    lt = recs["MAU-CA-02"]
    assert (lt.processing_amount, lt.processing_unit) == (Decimal(8), "hour") and lt.fees[0].is_free
    assert [f.to_dict() for f in report.fields][0] == {"code": "G15-TP07", "name": "Hộ tịch", "sample": False}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50.000 đồng", [50000]),
        ("Miễn phí", [0]),
        ("100.000đ/hồ sơ", [100000]),
        ("Không", [0]),
        ("không thu phí, lệ phí.", [0]),
        ("50000", [50000]),
        ("1,5 triệu đồng", [1500000]),
        ("200 nghìn đồng/lần", [200000]),
        ("Theo quy định của Hội đồng nhân dân tỉnh", [None]),
        ("Lệ phí: 20.000 đồng; Phí thẩm định: 100.000 đồng/hồ sơ", [20000, 100000]),
        ("Cá nhân 25.000 đồng, tổ chức 100.000 đồng", [None]),
        ("Thông tư số 85/2019/TT-BTC", [None]),
        ("", []),
    ],
)
def test_fee_texts(text: str, expected: list) -> None:
    fees, _ = parse_fees(text)
    assert [f.amount_vnd for f in fees] == expected
    assert all(f.legal_text for f in fees)


def test_fee_names_kinds_and_negative_amounts() -> None:
    fees, several = parse_fees("Lệ phí: 20.000 đồng\nPhí thẩm định hồ sơ 100.000 đồng\nGiá dịch vụ: 5.000 đồng")
    assert [(f.name, f.kind) for f in fees] == [("Lệ phí", "charge"), ("Phí thẩm định hồ sơ", "fee"),
                                               ("Giá dịch vụ", "price")]  # fmt: skip
    assert several == []
    _, several = parse_fees("Lệ phí: cá nhân 25.000 đồng, tổ chức 100.000 đồng")
    assert several == ["Lệ phí"]
    for text in ("-50.000 đồng", "Lệ phí: -20.000đ", "-5000"):
        with pytest.raises(FieldError) as exc:
            parse_fees(text)
        assert exc.value.reason == "negative_fee" and "không được âm" in exc.value.message_vi


@pytest.mark.parametrize(
    ("text", "hint", "amount", "unit"),
    [
        ("15 ngày làm việc", "", "15", "working_day"),
        ("03 ngày", "", "3", "calendar_day"),
        ("8 giờ", "", "8", "hour"),
        ("1/2 ngày làm việc", "", "0.5", "working_day"),
        ("½ ngày làm việc", "", "0.5", "working_day"),
        ("0,5 ngày làm việc", "", "0.5", "working_day"),
        ("Trong ngày", "", "1", "working_day"),
        (
            "Ngay trong ngày; trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
            "",
            "1",
            "working_day",
        ),
        ("Không quá 15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ", "", "15", "calendar_day"),
        ("10", "Ngày làm việc", "10", "working_day"),
        (7.5, "working_day", "7.5", "working_day"),
        ("24 tiếng", "", "24", "hour"),
    ],
)
def test_processing_times(text: object, hint: str, amount: str, unit: str) -> None:
    got_amount, got_unit, _ = parse_duration(text, hint)
    assert (got_amount, got_unit) == (Decimal(amount), unit)


@pytest.mark.parametrize(
    ("text", "hint", "reason"),
    [
        ("abc", "", "bad_time"),
        ("", "", "missing_time"),
        ("10", "", "bad_time"),
        ("0 ngày", "", "bad_time"),
        ("02 tháng", "", "unsupported_unit"),
        ("10", "tuần", "unsupported_unit"),
        ("10 ngày làm việc", "giờ", "bad_unit"),
        ("5", "buổi", "bad_unit"),
    ],
)
def test_unreadable_processing_times(text: str, hint: str, reason: str) -> None:
    with pytest.raises(FieldError) as exc:
        parse_duration(text, hint)
    assert exc.value.reason == reason and exc.value.message_vi and exc.value.message_en


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("Cấp tỉnh", {"province"}),
        ("Cấp Tỉnh, Cấp Huyện, Cấp Xã", {"province", "district", "commune"}),
        ("tỉnh; xã", {"province", "commune"}),
        ("UBND cấp xã", {"commune"}),
        ("Phường", {"commune"}),
        ("province/commune", {"province", "commune"}),
        ("Cấp huyện và cấp xã", {"district", "commune"}),
    ],
)
def test_levels(text: str, levels: set) -> None:
    assert parse_levels(text) == levels


def test_unknown_levels() -> None:
    with pytest.raises(FieldError) as exc:
        parse_levels("Cấp Bộ, Cấp tỉnh")
    assert exc.value.reason == "unknown_level" and "'Cấp Bộ'" in exc.value.message_vi
    with pytest.raises(FieldError) as exc:
        parse_levels(" ; ")
    assert exc.value.reason == "missing_levels"


@pytest.mark.parametrize(
    ("text", "kind", "levels"),
    [
        ("Ủy ban nhân dân cấp xã", "ubnd_xa", {"commune"}),
        ("UBND tỉnh Lạng Sơn", "ubnd_tinh", {"province"}),
        ("Ủy ban nhân dân huyện Văn Lãng", "ubnd_huyen", {"district"}),
        ("Sở Tư pháp", "so_ban_nganh", {"province"}),
        ("Sở Nông nghiệp và Môi trường; Ủy ban nhân dân cấp xã", "so_ban_nganh", {"province", "commune"}),
        ("Chi nhánh Văn phòng đăng ký đất đai khu vực", "van_phong_dang_ky_dat_dai", {"province"}),
        ("Công an cấp Xã", "cong_an", {"commune"}),
        ("Công an cấp Tỉnh", "cong_an", {"province"}),
        ("Cơ quan chuyên môn về Nông nghiệp và Môi trường thuộc UBND cấp xã", "phong_chuyen_mon", {"commune"}),
        ("Phòng Kinh tế, Hạ tầng và Đô thị", "phong_chuyen_mon", {"commune"}),
        ("Phòng Tư pháp", "phong_chuyen_mon", {"district"}),
        ("Thuế tỉnh, thành phố", "thue", {"province"}),
        ("Cơ quan đại diện Việt Nam ở nước ngoài", "co_quan_trung_uong", set()),
        ("Bộ Công an", "co_quan_trung_uong", set()),
        ("Bộ phận Một cửa", None, set()),
        ("", None, set()),
    ],
)
def test_agency_classification(text: str, kind: str | None, levels: set) -> None:
    assert classify_agency(text) == (kind, levels)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Toàn trình", "full"),
        ("Mức độ 4", "full"),
        ("DVC trực tuyến một phần", "partial"),
        ("3", "partial"),
        ("Mức độ 2", "none"),
        ("Cung cấp thông tin trực tuyến", "none"),
    ],  # fmt: skip
)
def test_online_levels(text: str, level: str) -> None:
    assert parse_online_level(text) == level


def test_applicants_and_documents() -> None:
    kinds = parse_applicants("Tổ chức (không bao gồm doanh nghiệp, HTX); Công dân Việt Nam")
    assert kinds == ({"company", "citizen"}, [])
    assert parse_applicants("Cán bộ, công chức, viên chức; Người ngoài hành tinh; Xyz") == ({"citizen"}, ["Xyz"])
    doc = parse_document("Bản sao Giấy chứng nhận đăng ký doanh nghiệp")
    assert (doc.originals, doc.copies) == (0, 1)
    doc = parse_document("Tờ khai theo mẫu số 01/ĐK (02 bản chính, 01 bản sao)")
    assert (doc.name, doc.originals, doc.copies, doc.form_template_code) == ("Tờ khai theo mẫu số 01/ĐK", 2, 1, "01/ĐK")
    assert parse_document("Giấy tờ khác theo mẫu quy định").form_template_code is None


# ----------------------------------------------------------------- broken rows


def broken_rows() -> list[list[str]]:
    good = GOOD_ROWS[0]

    def row(**changes: str) -> list[str]:
        out = list(good)
        for key, value in changes.items():
            out[HEADER.index(key)] = value
        return out

    return [
        row(),  # row 2: accepted
        row(MaTTHC=""),  # 3
        row(MaTTHC="1.000001", TenTTHC=""),  # 4
        row(),  # 5: duplicate of row 2
        row(MaTTHC="1.000002", PhiLePhi="-50.000 đồng"),  # 6
        row(MaTTHC="1.000003", ThoiHanGiaiQuyet="khi nào xong"),  # 7
        row(MaTTHC="1.000004", CapThucHien="Cấp Bộ"),  # 8
        row(MaTTHC="1.000005", TenTTHC="Đăng ký " * 300),  # 9: 2,400 characters
        row(MaTTHC="1.000006", MucDo="Mức độ 9", ThoiHanGiaiQuyet="3 tháng", DoiTuong="Xyz"),  # 10: three problems
        row(MaTTHC="1.000007", ThoiHanGiaiQuyet="5", DonViThoiGian="ngày làm việc"),  # 11: accepted
        ["", "", "", "", "", "", "", "", "", "", "", "", "", ""],  # 12: blank, skipped
    ]


def test_broken_rows_are_reported_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "tinh.csv"
    path.write_bytes(csv_text(HEADER, broken_rows()).encode("utf-8"))
    report = import_file(path)
    assert not report.ok
    assert report.total_rows == 10
    assert [r.code for r in report.accepted] == ["1.001193", "1.000007"]
    assert report.rejected_rows == [3, 4, 5, 6, 7, 8, 9, 10]

    def only(row: int) -> tuple[str, str, str, str]:
        (err,) = report.errors_for_row(row)
        return err.column, err.reason, err.message_vi, err.message_en

    assert only(3) == ("MaTTHC", "missing_code", "Thiếu mã thủ tục", "Missing procedure code")
    assert only(4)[:3] == ("TenTTHC", "missing_name", "Thiếu tên thủ tục")
    assert only(5)[:3] == ("MaTTHC", "duplicate_code", "Mã thủ tục '1.001193' trùng với dòng 2")
    assert only(6)[:3] == ("PhiLePhi", "negative_fee", "Phí, lệ phí không được âm: -50.000 đồng")
    assert only(7)[:3] == ("ThoiHanGiaiQuyet", "bad_time", "Không đọc được thời hạn giải quyết 'khi nào xong'")
    assert only(8)[:2] == ("CapThucHien", "unknown_level")
    assert only(8)[2].startswith("Cấp thực hiện không hợp lệ: 'Cấp Bộ'")
    assert only(9)[:2] == ("TenTTHC", "too_long") and "vượt quá giới hạn 2000 ký tự" in only(9)[2]
    reasons = {(e.column, e.reason) for e in report.errors_for_row(10)}
    assert reasons == {("MucDo", "bad_online_level"), ("ThoiHanGiaiQuyet", "unsupported_unit"),
                       ("DoiTuong", "missing_applicants")}  # fmt: skip
    assert all(e.code == "1.000006" for e in report.errors_for_row(10))
    assert any(w.reason == "unknown_applicant" and w.row_number == 10 for w in report.warnings)
    assert report.reasons()["duplicate_code"] == 1
    assert str(report.errors_for_row(3)[0]) == "Dòng 3 [MaTTHC]: Thiếu mã thủ tục"


def test_missing_required_columns_reject_the_file() -> None:
    header = [h for h in HEADER if h not in {"CapThucHien", "KetQua"}]
    rows = [[v for h, v in zip(HEADER, GOOD_ROWS[0], strict=True) if h in header]]
    report = import_csv(csv_text(header, rows).encode("utf-8"))
    assert report.accepted == [] and report.total_rows == 1
    assert {(e.row_number, e.column, e.reason) for e in report.rejected} == {
        (1, "CapThucHien", "missing_column"),
        (1, "KetQua", "missing_column"),
    }
    assert import_csv(b"").rejected[0].reason == "empty_file"
    assert import_csv(b"a,b,c\n1,2,3\n").rejected[0].reason == "no_header"


# ----------------------------------------------------------------- XLSX


def test_xlsx_gives_the_same_records_as_csv(tmp_path: Path, good_text: str) -> None:
    path = write_xlsx(tmp_path / "danh-muc.xlsx", HEADER, GOOD_ROWS)
    report = import_file(path)
    assert report.ok and report.encoding == "xlsx"
    assert dicts(report) == dicts(import_csv(good_text.encode("utf-8")))


def test_xlsx_title_rows_numbers_and_excel_typed_cells(tmp_path: Path) -> None:
    rows = [list(r) for r in GOOD_ROWS[:2]]
    rows[0][0] = 1.00008  # Excel turned "1.000080" into a number
    rows[0][5], rows[0][6] = 12, "Ngày làm việc"  # numeric time cell with a unit column
    rows.append(list(GOOD_ROWS[2]))
    rows[2][7] = -75000  # a negative number in the fee column
    path = write_xlsx(tmp_path / "tinh.xlsx", HEADER, rows, title_rows=2)
    report = import_xlsx(path.read_bytes())
    assert report.total_rows == 3
    first = report.accepted[0]
    assert first.code == "1.000080" and (first.processing_amount, first.processing_unit) == (Decimal(12), "working_day")
    assert any(w.reason == "code_was_number" and w.row_number == 4 for w in report.warnings)
    (err,) = report.rejected
    assert (err.row_number, err.column, err.reason) == (6, "PhiLePhi", "negative_fee")


def test_unreadable_xlsx() -> None:
    report = import_xlsx(b"PK\x03\x04 this is not a workbook")
    assert not report.ok and report.rejected[0].reason == "bad_xlsx"
