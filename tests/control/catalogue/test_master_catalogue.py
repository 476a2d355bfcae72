"""The master catalogue in the public schema: starter load, versions, file imports (all-or-nothing)."""

from __future__ import annotations

import csv
import dataclasses
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from control.catalogue.importer import encode_cp1258
from control.catalogue.models import CatalogueImport, MasterFee, MasterField, MasterProcedure
from control.catalogue.national import default_national_path
from control.catalogue.records import Fee, content_hash, load_starter_catalogue
from control.catalogue.selectors import procedure_version
from control.catalogue.services import (
    CatalogueRejected,
    catalogue_import_file,
    catalogue_load_starter,
    catalogue_upsert,
)

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return MasterProcedure.objects.count(), MasterFee.objects.count(), MasterField.objects.count()


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


HEADER = ["MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "CapThucHien", "ThoiHanGiaiQuyet", "PhiLePhi",
          "CoQuanThucHien", "MucDo", "DoiTuong", "ThanhPhanHoSo", "KetQua", "CanCuPhapLy"]
NAMES = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Cấp giấy phép xây dựng nhà ở riêng lẻ",
         "Chứng thực bản sao từ bản chính", "Đăng ký thành lập hộ kinh doanh"]


@pytest.fixture
def starter_rows() -> list[list[str]]:
    rows = [HEADER]
    for i, name in enumerate(NAMES, 1):
        rows.append([f"T.{i:06d}", name, "G15-TP07", "Hộ tịch", "Cấp xã", f"{i + 2} ngày làm việc",
                     "Lệ phí: 10.000 đồng" if i % 2 else "Miễn phí", "Ủy ban nhân dân cấp xã", "Toàn trình",
                     "Công dân Việt Nam", "Tờ khai theo mẫu (01 bản chính)", "Giấy chứng nhận",
                     "Luật Hộ tịch 2014"])
    return rows


def test_starter_catalogue_loads_once_and_round_trips():
    result = catalogue_load_starter()
    assert len(result.created) + len(result.updated) >= 60
    assert MasterField.objects.count() >= 10
    again = catalogue_load_starter()
    assert again.created == [] and again.updated == [] and len(again.unchanged) >= 60
    # what is stored gives back the very same content (hash of the record rebuilt from rows)
    rec = load_starter_catalogue().procedures[0]
    stored = procedure_version(code=rec.code)
    assert content_hash(stored) == MasterProcedure.objects.get(code=rec.code, is_current=True).content_hash


def test_changed_procedure_gets_a_new_version_and_keeps_the_old():
    catalogue_load_starter()
    cat = load_starter_catalogue()
    rec = cat.procedures[0]
    changed = dataclasses.replace(rec, processing_amount=rec.processing_amount + 2,
                                  fees=[*rec.fees, Fee(name="Phí mới", kind="fee", amount_vnd=15000)])
    result = catalogue_upsert(fields=cat.fields, procedures=[changed], source="test")
    assert result.updated == [rec.code]
    versions = list(MasterProcedure.objects.filter(code=rec.code).order_by("version")
                    .values_list("version", "is_current"))
    assert versions[-1][1] is True and [c for _, c in versions].count(True) == 1
    assert versions[-1][0] == versions[-2][0] + 1
    new = procedure_version(code=rec.code)
    assert new.processing_amount == rec.processing_amount + 2
    assert procedure_version(code=rec.code, version=versions[-2][0]).processing_amount == rec.processing_amount


def test_csv_import_with_broken_rows_writes_nothing(tmp_path, starter_rows):
    catalogue_load_starter()
    before = _counts()
    rows = [list(r) for r in starter_rows]
    rows[2][0] = ""  # no procedure code
    rows[3][5] = "abc"  # no processing time
    path = tmp_path / "hong.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(CatalogueRejected) as exc:
        catalogue_import_file(path=path)
    assert "không nạp gì cả" in exc.value.message
    assert "Dòng 3" in exc.value.message
    assert _counts() == before


def test_duplicate_codes_and_negative_fees_are_refused(tmp_path, starter_rows):
    before = _counts()
    rows = [list(r) for r in starter_rows]
    rows[2][0] = rows[1][0]
    path = tmp_path / "trung.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    with pytest.raises(CatalogueRejected) as exc:
        catalogue_import_file(path=path)
    assert "trùng" in exc.value.message
    cat = load_starter_catalogue()
    bad = dataclasses.replace(cat.procedures[0], fees=[Fee(name="Lệ phí", amount_vnd=-5000)])
    with pytest.raises(CatalogueRejected) as exc:
        catalogue_upsert(fields=cat.fields, procedures=[bad], source="test")
    assert "âm" in str(exc.value.report.rejected[0].message_vi)
    assert _counts() == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1258"])
def test_windows_1258_and_bom_files_import(tmp_path, starter_rows, encoding):
    text = _csv(starter_rows)
    data = encode_cp1258(text) if encoding == "cp1258" else text.encode("utf-8-sig")
    path = tmp_path / f"danh-muc-{encoding}.csv"
    path.write_bytes(data)
    report, result = catalogue_import_file(path=path)
    assert report.ok and len(result.created) == 5
    names = {r[1] for r in starter_rows[1:]}
    assert set(MasterProcedure.objects.values_list("name", flat=True)) == names  # diacritics intact


def test_import_command_dry_run_and_real(tmp_path, starter_rows):
    path = tmp_path / "dm.csv"
    path.write_text(_csv(starter_rows), encoding="utf-8")
    out = io.StringIO()
    call_command("catalogue_import", str(path), "--dry-run", stdout=out)
    assert "không ghi gì" in out.getvalue() and MasterProcedure.objects.count() == 0
    call_command("catalogue_import", str(path), stdout=out)
    assert MasterProcedure.objects.count() == 5
    assert CatalogueImport.objects.filter(source="dm.csv", created=5).exists()
    bad = tmp_path / "dm.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(CommandError, match="loại tệp"):
        call_command("catalogue_import", str(bad), stdout=out)


def test_national_export_loads_with_its_rejects_reported():
    path = default_national_path()
    with pytest.raises(CommandError, match="bị từ chối"):
        call_command("catalogue_load_national", str(path), stdout=io.StringIO())
    assert MasterProcedure.objects.count() == 0
    out = io.StringIO()
    call_command("catalogue_load_national", str(path), "--skip-rejected", stdout=out)
    assert MasterProcedure.objects.filter(is_current=True).count() >= 300
    assert MasterProcedure.objects.filter(processing_amount__gt=Decimal(0)).exists()
