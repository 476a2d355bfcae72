"""Tenant configuration of the one-stop office: who may configure, dossier code patterns, near-due threshold.

Internal processes are versioned in ``processes.py``; this module holds the other settings pages' services.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from core.access import is_tenant_admin
from core.accounts.models import User
from core.audit.actor import record
from core.audit.models import ConfigChange
from tenants.dossiers import cache
from tenants.dossiers.errors import InvalidInput, NotAllowed
from tenants.dossiers.models import CodeSettings, OfficeSettings
from tenants.dossiers.numbering import pattern_check
from tenants.organization.models import Unit

FORBIDDEN = "Chỉ quản trị của đơn vị (vai trò Quản trị) mới được thay đổi cấu hình."


def _require(actor: User) -> None:
    if not is_tenant_admin(actor):
        raise NotAllowed(FORBIDDEN)


def code_settings_of(unit: Unit | None) -> CodeSettings:
    """The stored settings of ``unit`` (None: the tenant's default), or unsaved defaults."""
    row = CodeSettings.objects.filter(unit=unit).first() if unit else \
        CodeSettings.objects.filter(unit__isnull=True).first()
    return row or CodeSettings(unit=unit)


@transaction.atomic
def code_settings_save(*, actor: User, unit: Unit | None, pattern: str, reset: str, scope: str,
                       result_pattern: str) -> CodeSettings:
    """Save the code pattern of the tenant (``unit`` None) or of one unit; refuse patterns that could repeat."""
    _require(actor)
    pattern, result_pattern = (pattern or "").strip(), (result_pattern or "").strip()
    errors: dict[str, str] = {}
    if reset not in CodeSettings.Reset.values:
        errors["reset"] = "Cách đặt lại bộ đếm không hợp lệ."
    if scope not in CodeSettings.Scope.values:
        errors["scope"] = "Phạm vi bộ đếm không hợp lệ."
    if not pattern or len(pattern) > 120:
        errors["pattern"] = "Mẫu mã hồ sơ không được để trống và dài tối đa 120 ký tự."
    if not result_pattern or len(result_pattern) > 120:
        errors["result_pattern"] = "Mẫu mã kết quả không được để trống và dài tối đa 120 ký tự."
    if errors:
        raise InvalidInput(errors)
    pattern_check(pattern, reset=reset, scope=scope)
    try:  # result codes: counters reset yearly, same scope
        pattern_check(result_pattern, reset=CodeSettings.Reset.YEARLY, scope=scope)
    except InvalidInput as exc:
        raise InvalidInput({"result_pattern": "Mẫu mã kết quả: " + exc.message}) from exc
    row = (CodeSettings.objects.select_for_update().filter(unit=unit).first() if unit
           else CodeSettings.objects.select_for_update().filter(unit__isnull=True).first())
    row = row or CodeSettings(unit=unit)
    row.pattern, row.reset, row.scope, row.result_pattern = pattern, reset, scope, result_pattern
    row.save()
    record(ConfigChange.Area.CODES, f"Mẫu mã hồ sơ {'của “' + unit.name + '”' if unit else 'mặc định'}: {pattern} "
           f"({row.get_reset_display()}, {row.get_scope_display()}); mã kết quả {result_pattern}", actor=actor,
           unit=unit.pk if unit else None)
    transaction.on_commit(cache.clear)
    return row


@transaction.atomic
def code_settings_delete(*, actor: User, unit: Unit) -> None:
    """A unit goes back to the tenant's default pattern."""
    _require(actor)
    if CodeSettings.objects.filter(unit=unit).delete()[0]:
        record(ConfigChange.Area.CODES, f"“{unit.name}” dùng lại mẫu mã hồ sơ mặc định", actor=actor, unit=unit.pk)
    transaction.on_commit(cache.clear)


def office_settings() -> OfficeSettings:
    return OfficeSettings.objects.order_by("pk").first() or OfficeSettings()


@transaction.atomic
def office_settings_save(*, actor: User, near_due_amount: Decimal | str, near_due_unit: str) -> OfficeSettings:
    """The near-due threshold: a dossier is "near due" this many working days (or hours) before its due date."""
    _require(actor)
    try:
        amount = Decimal(str(near_due_amount).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput({"near_due_amount": "Thời gian sắp đến hạn phải là một số."}) from exc
    if not amount.is_finite() or amount <= 0 or amount >= 100 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput({"near_due_amount": "Thời gian sắp đến hạn phải lớn hơn 0, nhỏ hơn 100, "
                                               "tối đa 2 chữ số thập phân."})
    if near_due_unit not in OfficeSettings.NearDueUnit.values:
        raise InvalidInput({"near_due_unit": "Đơn vị thời gian không hợp lệ."})
    row = OfficeSettings.objects.select_for_update().order_by("pk").first() or OfficeSettings()
    row.near_due_working_days, row.near_due_unit = amount, near_due_unit
    row.save()
    record(ConfigChange.Area.THRESHOLDS, f"Ngưỡng sắp đến hạn: {amount.normalize()} {row.get_near_due_unit_display()}",
           actor=actor)
    return row
