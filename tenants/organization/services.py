"""Writes on a tenant's organisation: units, staff accounts and their roles (setup wizard)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.accounts.models import User
from core.audit.actor import record
from core.audit.models import ConfigChange
from core.text import fold
from tenants.organization.importer import UnitRow, read_units_file
from tenants.organization.models import StaffRole, Unit

ORG = ConfigChange.Area.ORGANIZATION


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
            unit = Unit.objects.create(name=name, kind=kind, parent=parent, division_code=division_code.strip(),
                                       agency_code=agency_code.strip())
            record(ORG, f"Thêm đơn vị “{unit.name}”", unit=unit.pk)
            return unit
    except IntegrityError as exc:
        raise ValidationError({"division_code": "Mã đơn vị hành chính này đã được dùng cho đơn vị khác."}) from exc


@transaction.atomic
def unit_set_active(*, unit: Unit, active: bool) -> Unit:
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    record(ORG, f"{'Mở lại' if active else 'Ngừng hoạt động'} đơn vị “{unit.name}”", unit=unit.pk)
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
    record(ORG, f"Tạo tài khoản cán bộ “{user.username}” ({user.full_name})", user=user.pk)
    for unit, role in roles:
        staff_role_add(user=user, unit=unit, role=role)
    return user


@transaction.atomic
def staff_role_add(*, user: User, unit: Unit, role: str) -> StaffRole:
    if role not in StaffRole.Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if user.kind != User.Kind.STAFF:
        raise ValidationError("Chỉ gán vai trò cho tài khoản cán bộ.")
    obj, created = StaffRole.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        record(ORG, f"Giao vai trò “{obj.get_role_display()}” tại “{unit.name}” cho “{user.username}”",
               user=user.pk, unit=unit.pk, role=role)
    return obj


@transaction.atomic
def staff_role_remove(*, role: StaffRole) -> None:
    record(ORG, f"Thu hồi vai trò “{role.get_role_display()}” tại “{role.unit.name}” của “{role.user.username}”",
           user=role.user_id, unit=role.unit_id, role=role.role)
    role.delete()


@dataclass
class UnitImportResult:
    created: int
    errors: list[str]
    encoding: str


def units_import(*, data: bytes, filename: str) -> UnitImportResult:
    """Create the units of a CSV/XLSX file: every row, or none with a row-by-row report.

    A parent is a unit already there or a row of the file (matched by name, accents and
    case ignored); names are unique under one parent and division codes unique overall."""
    parsed = read_units_file(data, filename)
    errors = list(parsed.errors)
    if errors and not parsed.rows:
        return UnitImportResult(0, errors, parsed.encoding)
    with transaction.atomic():
        existing = list(Unit.objects.select_for_update().order_by("pk"))
        by_name: dict[str, Unit] = {}
        for unit in existing:
            by_name.setdefault(fold(unit.name), unit)
        codes = {u.division_code for u in existing if u.division_code}
        taken = {(fold(u.name), u.parent_id) for u in existing}
        in_file: dict[str, UnitRow] = {}
        for row in parsed.rows:
            key = fold(row.name)
            if key in in_file:
                errors.append(f"Dòng {row.row}: đơn vị “{row.name}” trùng với dòng {in_file[key].row}.")
                continue
            in_file[key] = row
            if row.division_code and row.division_code in codes:
                errors.append(f"Dòng {row.row}: mã đơn vị hành chính {row.division_code} đã được dùng.")
            if row.division_code:
                codes.add(row.division_code)
        for row in parsed.rows:
            parent = fold(row.parent)
            if parent and parent not in by_name and parent not in in_file:
                errors.append(f"Dòng {row.row}: không tìm thấy đơn vị cấp trên “{row.parent}”.")
            elif parent and parent == fold(row.name):
                errors.append(f"Dòng {row.row}: đơn vị không thể là cấp trên của chính nó.")
            elif parent not in in_file and (fold(row.name), by_name[parent].pk if parent else None) in taken:
                errors.append(f"Dòng {row.row}: đơn vị “{row.name}” đã có.")
        # Rows whose parent is another row come after it; what is left over is a cycle.
        ordered: list[UnitRow] = []
        placed: set[str] = set()
        pending = [r for r in parsed.rows if in_file.get(fold(r.name)) is r]
        while pending:
            ready = [r for r in pending if not r.parent or fold(r.parent) not in in_file
                     or fold(r.parent) in placed]
            if not ready:
                errors.extend(f"Dòng {r.row}: vòng lặp đơn vị cấp trên (“{r.parent}”)." for r in pending)
                break
            ordered += ready
            placed |= {fold(r.name) for r in ready}
            pending = [r for r in pending if r not in ready]
        if errors:
            errors.sort(key=lambda m: int(m.split(":")[0].split()[-1]) if m.startswith("Dòng ") else 0)
            return UnitImportResult(0, errors, parsed.encoding)
        made: dict[str, Unit] = {}
        for row in ordered:
            key = fold(row.parent)
            parent_unit = made.get(key) or (by_name.get(key) if key else None)
            made[fold(row.name)] = Unit.objects.create(
                name=row.name, kind=row.kind, parent=parent_unit, agency_code=row.agency_code,
                division_code=row.division_code)
    if made:
        record(ORG, f"Nhập {len(made)} đơn vị từ tệp “{filename[:100]}”", units=len(made))
    return UnitImportResult(len(made), [], parsed.encoding)
