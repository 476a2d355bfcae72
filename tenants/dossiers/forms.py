"""Forms of the back office (parsing only; rules live in services)."""

from __future__ import annotations

from django import forms

from tenants.dossiers.models import Dossier
from tenants.dossiers.states import Status


class ReceptionForm(forms.Form):
    procedure = forms.IntegerField(label="Thủ tục", widget=forms.Select)
    receiving_unit = forms.IntegerField(label="Bộ phận tiếp nhận", widget=forms.Select)
    applicant_kind = forms.ChoiceField(label="Người nộp là", choices=Dossier.ApplicantKind.choices)
    applicant_name = forms.CharField(label="Họ tên người nộp / tên tổ chức", max_length=200, required=False)
    id_number = forms.CharField(label="Số định danh cá nhân (CCCD) / mã số doanh nghiệp", max_length=20,
                                required=False)
    address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    phone = forms.CharField(label="Số điện thoại", max_length=20, required=False)
    email = forms.CharField(label="Thư điện tử", max_length=254, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label="Mã hồ sơ, họ tên hoặc số định danh", required=False, max_length=100)
    procedure = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Tất cả trạng thái"), *Status.choices])
    received_from = forms.DateField(required=False, label="Tiếp nhận từ ngày")
    received_to = forms.DateField(required=False, label="đến ngày")
