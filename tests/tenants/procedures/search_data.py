"""A small catalogue to search in (current schema): a few civil-status, building and business procedures."""

from __future__ import annotations

import uuid
from decimal import Decimal
from types import SimpleNamespace


def build_catalogue(*, enabled: bool = True) -> SimpleNamespace:
    from tenants.organization.models import Unit
    from tenants.procedures.models import Field, Procedure

    sfx = uuid.uuid4().hex[:6]
    civil = Field.objects.create(code=f"HT-{sfx}", name="Hộ tịch")
    build = Field.objects.create(code=f"XD-{sfx}", name="Xây dựng")
    unit = Unit.objects.create(name=f"Sở Tư pháp {sfx}", kind=Unit.Kind.DEPARTMENT)

    def make(code: str, name: str, field: Field, **extra: object) -> Procedure:
        p = Procedure.objects.create(code=f"{code}.{sfx}", name=name, field=field, enabled=enabled,
                                     processing_amount=Decimal(3), processing_unit="working_day", **extra)
        if enabled:
            p.handling_units.add(unit)
        return p

    return SimpleNamespace(
        sfx=sfx, unit=unit, civil=civil, build=build,
        birth=make("1.001193", "Thủ tục đăng ký khai sinh", civil),
        birth_foreign=make("1.001695", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", civil),
        # "khai sinh" only in its results: other text, ranked below the names
        copy=make("2.000635", "Cấp bản sao trích lục hộ tịch", civil, results=["Bản sao trích lục khai sinh"]),
        # every word but scattered in the name
        scattered=make("1.004873", "Đăng ký lại việc sinh, khai báo hộ tịch", civil),
        marriage=make("1.000894", "Thủ tục đăng ký kết hôn", civil),
        permit=make("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", build),
    )
