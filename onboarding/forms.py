"""Forms of onboarding: the public sign-up."""

from __future__ import annotations

from django import forms

from onboarding import divisions
from onboarding.models import Application


def province_choices() -> list[tuple[str, str]]:
    return [("", "— Chọn tỉnh, thành phố —")] + [(p.code, p.name) for p in divisions.provinces()]


class SignUpForm(forms.Form):
    kind = forms.ChoiceField(label="Loại đơn vị", initial="province", widget=forms.RadioSelect, choices=[
        ("province", "Tỉnh, thành phố (34 đơn vị hành chính cấp tỉnh)"),
        ("district", "Đơn vị cấp huyện (triển khai cũ)"),
    ])
    province_code = forms.ChoiceField(label="Tỉnh, thành phố", required=False, choices=province_choices)
    name = forms.CharField(label="Tên đơn vị (cấp huyện)", required=False, max_length=200)
    slug = forms.CharField(label="Tên miền con mong muốn", max_length=42,
                           help_text="Chữ thường không dấu, ví dụ: haiphong")
    contact_name = forms.CharField(label="Người liên hệ", max_length=200)
    email = forms.EmailField(label="Thư điện tử", error_messages={"invalid": "Địa chỉ thư điện tử không hợp lệ."})
    phone = forms.RegexField(label="Điện thoại", regex=r"^\+?[0-9 .()-]{8,20}$", max_length=20,
                             error_messages={"invalid": "Số điện thoại không hợp lệ."})
    plan = forms.ChoiceField(label="Gói thuê", choices=Application.Plan.choices, initial=Application.Plan.STANDARD)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.error_messages.setdefault("required", "Trường này là bắt buộc.")
            f.error_messages["required"] = "Trường này là bắt buộc."


class RejectForm(forms.Form):
    reason = forms.CharField(label="Lý do từ chối", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
