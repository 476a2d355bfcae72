"""Writes on a tenant's organisation: units, staff accounts and their roles (setup wizard)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from control.accounts.models import User
from tenants.organization.models import StaffRole, Unit


@transaction.atomic
def unit_create(*, name: str, kind: str, parent: Unit | None = None, division_code: str = "",
                agency_code: str = "") -> Unit:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Hãy nhập tên đơn vị."})
    if kind not in Unit.Kind.values:
        raise ValidationError({"kind": "Loại đơn vị không hợp lệ."})
    if Unit.objects.filter(name__iexact=name, parent=parent).exists():
        raise ValidationError({"name": f"Đơn vị “{name}” đã có."})
    try:
        with transaction.atomic():
            return Unit.objects.create(name=name, kind=kind, parent=parent, division_code=division_code.strip(),
                                       agency_code=agency_code.strip())
    except IntegrityError as exc:
        raise ValidationError({"division_code": "Mã đơn vị hành chính này đã được dùng cho đơn vị khác."}) from exc


@transaction.atomic
def unit_set_active(*, unit: Unit, active: bool) -> Unit:
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    return unit


@transaction.atomic
def staff_create(*, username: str, full_name: str, email: str, password: str,
                 roles: list[tuple[Unit, str]]) -> User:
    username = (username or "").strip().lower()
    if not username:
        raise ValidationError({"username": "Hãy nhập tên đăng nhập."})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã có."})
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), kind=User.Kind.STAFF)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    for unit, role in roles:
        staff_role_add(user=user, unit=unit, role=role)
    return user


@transaction.atomic
def staff_role_add(*, user: User, unit: Unit, role: str) -> StaffRole:
    if role not in StaffRole.Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if user.kind != User.Kind.STAFF:
        raise ValidationError("Chỉ gán vai trò cho tài khoản cán bộ.")
    obj, _ = StaffRole.objects.get_or_create(user=user, unit=unit, role=role)
    return obj


@transaction.atomic
def staff_role_remove(*, role: StaffRole) -> None:
    role.delete()
