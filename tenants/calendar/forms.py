"""Forms of the working-calendar page (setup wizard)."""

from __future__ import annotations

from django import forms

from tenants.calendar.models import CalendarException
from tenants.calendar.services import WEEKDAYS_VI

SESSION_SLOTS = 3


class SettingsForm(forms.Form):
    weekend = forms.TypedMultipleChoiceField(label="Ngày nghỉ hằng tuần", required=False, coerce=int,
                                             choices=list(enumerate(WEEKDAYS_VI)),
                                             widget=forms.CheckboxSelectMultiple)
    confirmed_from_year = forms.IntegerField(label="Lịch đã xác nhận từ năm", required=False, min_value=1976,
                                             max_value=2200)
    confirmed_to_year = forms.IntegerField(label="đến năm", required=False, min_value=1976, max_value=2200)

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        for i in range(1, SESSION_SLOTS + 1):
            self.fields[f"start_{i}"] = forms.TimeField(label=f"Ca {i}: từ", required=False,
                                                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
            self.fields[f"end_{i}"] = forms.TimeField(label=f"Ca {i}: đến", required=False,
                                                      widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
        for f in self.fields.values():
            f.error_messages["invalid"] = "Giá trị không hợp lệ."

    def session_pairs(self) -> list[tuple]:
        pairs = []
        for i in range(1, SESSION_SLOTS + 1):
            start, end = self.cleaned_data.get(f"start_{i}"), self.cleaned_data.get(f"end_{i}")
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(f"start_{i}", f"Ca {i}: hãy nhập cả giờ bắt đầu và giờ kết thúc.")
                continue
            pairs.append((start, end))
        return pairs

    @classmethod
    def initial_from(cls, cfg) -> dict:  # noqa: ANN001
        initial: dict = {"weekend": list(cfg.weekend) if cfg else [5, 6],
                         "confirmed_from_year": cfg.confirmed_from_year if cfg else None,
                         "confirmed_to_year": cfg.confirmed_to_year if cfg else None}
        sessions = cfg.sessions if cfg else [["07:30", "11:30"], ["13:30", "17:00"]]
        for i, (start, end) in enumerate(sessions[:SESSION_SLOTS], start=1):
            initial[f"start_{i}"], initial[f"end_{i}"] = start, end
        return initial


class ExceptionForm(forms.Form):
    date = forms.DateField(label="Ngày", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"invalid": "Ngày không hợp lệ.", "required": "Hãy chọn ngày."})
    kind = forms.ChoiceField(label="Loại", choices=CalendarException.Kind.choices)
    reason = forms.CharField(label="Lý do", max_length=255, required=False,
                             help_text="Ví dụ: theo Quyết định số …/QĐ-UBND")
