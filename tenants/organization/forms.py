"""Forms of the setup wizard: units and staff."""

from __future__ import annotations

from django import forms

from tenants.organization.models import StaffRole, Unit


class UnitForm(forms.Form):
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    kind = forms.ChoiceField(label="Loại", choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(label="Đơn vị cấp trên", required=False, queryset=Unit.objects.none(),
                                    empty_label="— Không —")
    division_code = forms.CharField(label="Mã đơn vị hành chính (nếu có)", required=False, max_length=16)
    agency_code = forms.CharField(label="Mã cơ quan (nếu có)", required=False, max_length=50)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Unit.objects.exclude(kind=Unit.Kind.COMMUNE).order_by("name")


class StaffForm(forms.Form):
    username = forms.RegexField(label="Tên đăng nhập", regex=r"^[a-zA-Z0-9_.@+-]{3,150}$", max_length=150,
                                error_messages={"invalid": "Tên đăng nhập chỉ gồm chữ không dấu, số và . _ @ + -"})
    full_name = forms.CharField(label="Họ và tên", max_length=200)
    email = forms.EmailField(label="Thư điện tử", required=False)
    password = forms.CharField(label="Mật khẩu ban đầu", widget=forms.PasswordInput, min_length=8)
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=StaffRole.Role.choices)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "name")


class RoleForm(forms.Form):
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="Vai trò", choices=StaffRole.Role.choices)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).order_by("kind", "name")


class UnitsFileForm(forms.Form):
    file = forms.FileField(label="Tệp danh sách đơn vị (CSV hoặc XLSX)",
                           error_messages={"required": "Hãy chọn tệp.", "empty": "Tệp rỗng."})
