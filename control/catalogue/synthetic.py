"""A large, realistic synthetic catalogue for benchmarks and load tests.

``generate(n=2000, seed=0)`` returns ``n`` valid :class:`ProcedureRecord` objects with
unique codes (``SYN.000001``...), spread over fields and levels, with 3-8 required
documents and 0-3 fees each. The same ``(n, seed)`` always gives the same records; every
record is marked ``sample=True`` (it describes no real procedure).
"""

from __future__ import annotations

import random
from decimal import Decimal

from control.catalogue.records import Fee, Field, ProcedureRecord, RequiredDocument

# field code, field name, objects of procedures in that field
_FIELDS: list[tuple[str, str, tuple[str, ...]]] = [
    ("G15-TP07", "Hộ tịch", ("khai sinh", "kết hôn", "khai tử", "giám hộ", "nhận cha, mẹ, con",
                            "thay đổi, cải chính hộ tịch", "trích lục hộ tịch")),
    ("G01-CA05", "Đăng ký, quản lý cư trú", ("thường trú", "tạm trú", "lưu trú", "tách hộ", "thông tin cư trú")),
    ("G13-TN02", "Đất đai", ("Giấy chứng nhận quyền sử dụng đất", "biến động đất đai", "tách thửa đất", "hợp thửa đất",
                            "mục đích sử dụng đất", "thời hạn sử dụng đất")),
    ("G17-XD11", "Hoạt động xây dựng", ("giấy phép xây dựng nhà ở riêng lẻ", "giấy phép xây dựng công trình",
                                       "giấy phép di dời công trình", "chứng chỉ hành nghề hoạt động xây dựng")),
    ("G09-NV23", "Lao động, tiền lương", ("giấy phép lao động", "nội quy lao động", "thỏa ước lao động tập thể",
                                         "thang lương, bảng lương")),
    ("G15-TP03", "Chứng thực", ("bản sao từ bản chính", "chữ ký", "hợp đồng, giao dịch", "di chúc",
                               "văn bản thỏa thuận")),
    ("G05-KD07", "Thành lập và hoạt động của doanh nghiệp", ("doanh nghiệp tư nhân", "công ty trách nhiệm hữu hạn",
                                                            "công ty cổ phần", "chi nhánh, văn phòng đại diện",
                                                            "địa điểm kinh doanh")),
    ("G05-KD10", "Thành lập và hoạt động của hộ kinh doanh", ("hộ kinh doanh",
                                                             "địa điểm kinh doanh của hộ kinh doanh")),
    ("G07-LĐ03", "Bảo trợ xã hội", ("trợ cấp xã hội hằng tháng", "hỗ trợ chi phí mai táng", "giấy xác nhận khuyết tật",
                                   "cơ sở trợ giúp xã hội")),
    ("G03-GD11", "Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân", ("văn bằng, chứng chỉ", "chuyển trường",
                                                                         "trường mầm non tư thục",
                                                                         "trung tâm ngoại ngữ")),
    ("G18-YT07", "Khám bệnh, chữa bệnh", ("giấy phép hành nghề khám bệnh, chữa bệnh", "phòng khám đa khoa",
                                         "giấy phép hoạt động cơ sở khám bệnh, chữa bệnh")),
    ("G18-YT01", "An toàn thực phẩm và Dinh dưỡng", ("cơ sở đủ điều kiện an toàn thực phẩm",
                                                    "bản tự công bố sản phẩm")),
    ("G04-GT02", "Đường bộ", ("giấy phép kinh doanh vận tải", "phù hiệu xe ô tô", "giấy phép thi công trên đường bộ",
                             "giấy phép lưu hành xe quá tải trọng")),
    ("G16-VH08", "Văn hóa cơ sở", ("giấy phép tổ chức lễ hội", "danh hiệu gia đình văn hóa", "câu lạc bộ văn hóa")),
    ("G10-NN14", "Thủy sản", ("giấy phép khai thác thủy sản", "tàu cá", "cơ sở nuôi trồng thủy sản")),
]  # fmt: skip
_ACTIONS = ("Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Điều chỉnh", "Đăng ký", "Xác nhận", "Thu hồi", "Thẩm định",
            "Công nhận", "Chấp thuận", "Thông báo thay đổi", "Xóa đăng ký")  # fmt: skip
_SCOPES = ("", "", "", " có yếu tố nước ngoài", " lưu động", " trực tuyến", " đối với tổ chức", " đối với cá nhân")
# levels -> (agency kind, agency name)
_AGENCIES = {
    "province": [("so_ban_nganh", "Sở chuyên ngành"), ("ubnd_tinh", "Ủy ban nhân dân cấp tỉnh"),
                 ("van_phong_dang_ky_dat_dai", "Văn phòng đăng ký đất đai"), ("cong_an", "Công an cấp tỉnh")],
    "district": [("ubnd_huyen", "Ủy ban nhân dân cấp huyện"), ("phong_chuyen_mon", "Phòng chuyên môn cấp huyện")],
    "commune": [("ubnd_xa", "Ủy ban nhân dân cấp xã"), ("cong_an", "Công an cấp xã"),
                ("phong_chuyen_mon", "Phòng Kinh tế thuộc Ủy ban nhân dân cấp xã")],
}  # fmt: skip
_LEVEL_SETS = [({"commune"}, 40), ({"province"}, 32), ({"district"}, 12), ({"province", "commune"}, 8),
               ({"district", "commune"}, 5), ({"province", "district", "commune"}, 3)]  # fmt: skip
_DOCUMENTS = (
    "Tờ khai theo mẫu", "Đơn đề nghị theo mẫu", "Giấy tờ tùy thân của người đề nghị", "Văn bản ủy quyền",
    "Giấy chứng nhận đã được cấp", "Bản vẽ hiện trạng", "Giấy tờ chứng minh chỗ ở hợp pháp", "Ảnh 4 cm x 6 cm",
    "Giấy khám sức khỏe", "Bản sao văn bằng, chứng chỉ", "Biên bản họp", "Điều lệ hoạt động",
    "Danh sách thành viên", "Phương án kinh doanh", "Hợp đồng thuê địa điểm", "Chứng từ nộp nghĩa vụ tài chính",
    "Bản thuyết minh điều kiện cơ sở vật chất", "Quyết định của cơ quan có thẩm quyền", "Sơ đồ vị trí",
    "Văn bản xác nhận của Ủy ban nhân dân cấp xã", "Bản cam kết", "Giấy chứng nhận đăng ký doanh nghiệp",
)  # fmt: skip
_LEGAL = (
    "Luật Hộ tịch số 60/2014/QH13", "Luật Cư trú số 68/2020/QH14", "Luật Đất đai số 31/2024/QH15",
    "Luật Xây dựng số 50/2014/QH13", "Bộ luật Lao động số 45/2019/QH14", "Luật Doanh nghiệp số 59/2020/QH14",
    "Luật Giáo dục số 43/2019/QH14", "Luật Khám bệnh, chữa bệnh số 15/2023/QH15",
    "Thông tư số 85/2019/TT-BTC về phí và lệ phí thuộc thẩm quyền của Hội đồng nhân dân cấp tỉnh",
    "Nghị định số 23/2015/NĐ-CP về cấp bản sao từ sổ gốc, chứng thực",
)  # fmt: skip
_FEE_NAMES = (("charge", "Lệ phí cấp giấy"), ("fee", "Phí thẩm định hồ sơ"), ("charge", "Lệ phí đăng ký"),
              ("price", "Giá dịch vụ đo đạc"), ("fee", "Phí cung cấp thông tin"))  # fmt: skip
_AMOUNTS = (0, 2_000, 5_000, 8_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000, 150_000, 200_000, 500_000, None)
_DAY_AMOUNTS = ("0.5", "1", "2", "3", "3", "5", "5", "7", "10", "10", "12", "15", "15", "20", "25", "30", "45")
_HOUR_AMOUNTS = ("2", "4", "8", "8", "12", "24", "48")
_APPLICANTS = [({"citizen"}, 45), ({"company"}, 20), ({"citizen", "company"}, 35)]
_ONLINE = [("partial", 60), ("full", 30), ("none", 10)]


def fields() -> list[Field]:
    """The fields the synthetic procedures belong to."""
    return [Field(code, name, sample=True) for code, name, _ in _FIELDS]


def _weighted(rng: random.Random, options: list[tuple[object, int]]) -> object:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options], k=1)[0]


def generate(n: int = 2000, seed: int = 0) -> list[ProcedureRecord]:
    """``n`` synthetic procedures; deterministic for a given ``(n, seed)``."""
    rng = random.Random(seed)
    records: list[ProcedureRecord] = []
    names_seen: dict[str, int] = {}
    for i in range(n):
        field_code, field_name, objects = _FIELDS[i % len(_FIELDS)] if i < len(_FIELDS) else rng.choice(_FIELDS)
        name = f"{rng.choice(_ACTIONS)} {rng.choice(objects)}{rng.choice(_SCOPES)}"
        count = names_seen.get(name, 0) + 1
        names_seen[name] = count
        if count > 1:
            name = f"{name} (trường hợp {count})"
        levels = set(_weighted(rng, _LEVEL_SETS))  # type: ignore[arg-type]
        main_level = rng.choice(sorted(levels))
        agency_kind, agency_name = rng.choice(_AGENCIES[main_level])
        unit = rng.choices(("working_day", "calendar_day", "hour"), weights=(80, 15, 5), k=1)[0]
        amount = Decimal(rng.choice(_HOUR_AMOUNTS if unit == "hour" else _DAY_AMOUNTS))
        fees = []
        for kind, fee_name in rng.sample(_FEE_NAMES, k=rng.randint(0, 3)):
            value = rng.choice(_AMOUNTS)
            text = "Miễn phí." if value == 0 else ("Mức thu do Hội đồng nhân dân cấp tỉnh quy định." if value is None
                                                  else f"{value:,} đồng/hồ sơ.".replace(",", "."))  # fmt: skip
            fees.append(Fee(name=fee_name, kind=kind, amount_vnd=value, legal_text=text))
        documents = []
        for doc_name in rng.sample(_DOCUMENTS, k=rng.randint(3, 8)):
            originals, copies = rng.choice(((1, 0), (1, 0), (0, 1), (1, 1), (2, 0)))
            optional = rng.random() < 0.15
            documents.append(
                RequiredDocument(
                    name=doc_name + (" (nếu có)" if optional else ""),
                    originals=originals,
                    copies=copies,
                    form_template_code=f"M{rng.randint(1, 40):02d}" if "mẫu" in doc_name else None,
                    optional=optional,
                    group="Giấy tờ phải nộp",
                )
            )
        records.append(
            ProcedureRecord(
                code=f"SYN.{i + 1:06d}",
                name=name[:1].upper() + name[1:],
                field_code=field_code,
                levels=levels,
                agency_kind=agency_kind,
                agency_name=agency_name,
                processing_amount=amount,
                processing_unit=unit,
                fees=fees,
                documents=documents,
                results=[f"Kết quả giải quyết thủ tục về {field_name.lower()}"]
                + (["Thông báo bằng văn bản"] if rng.random() < 0.3 else []),
                legal_basis=rng.sample(_LEGAL, k=rng.randint(1, 4)),
                online_level=str(_weighted(rng, _ONLINE)),
                applicant_kinds=set(_weighted(rng, _APPLICANTS)),  # type: ignore[arg-type]
                version=1,
                sample=True,
            )
        )
    return records
