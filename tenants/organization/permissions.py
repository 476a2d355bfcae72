"""Role checks: which staff hold which role in which unit (every dossier action asks here)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from core.accounts.models import User
from tenants.organization.models import StaffRole, Unit

Role = StaffRole.Role


def _is_staff(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.kind == User.Kind.STAFF)


def has_role(user: User, unit: Unit | int | None, role: str | Iterable[str]) -> bool:
    """True if ``user`` holds ``role`` (or one of several roles) in ``unit``."""
    if unit is None or not _is_staff(user):
        return False
    unit_id = unit if isinstance(unit, int) else unit.pk
    roles = [role] if isinstance(role, str) else list(role)
    # Asked by every reception and every action: one parameterised statement, without the ORM's query
    # building (which cost twice the round trip itself).
    with connection.cursor() as cursor:
        cursor.execute(_HAS_ROLE_SQL, [user.pk, unit_id, roles])
        return cursor.fetchone() is not None


_HAS_ROLE_SQL = (f"SELECT 1 FROM {StaffRole._meta.db_table} "  # noqa: S608 (a model's table name, no input)
                 "WHERE user_id = %s AND unit_id = %s AND role = ANY(%s) LIMIT 1")


def units_with_role(user: User, role: str) -> list[int]:
    """Ids of the units where ``user`` holds ``role``."""
    if not _is_staff(user):
        return []
    return list(StaffRole.objects.filter(user_id=user.pk, role=role).values_list("unit_id", flat=True))


def roles_by_unit(user: User) -> dict[int, set[str]]:
    """All of a user's roles, {unit id: {role, ...}} (one query)."""
    out: dict[int, set[str]] = {}
    if not _is_staff(user):
        return out
    for unit_id, role in StaffRole.objects.filter(user_id=user.pk).values_list("unit_id", "role"):
        out.setdefault(unit_id, set()).add(role)
    return out


def holders(unit: Unit | int, role: str) -> list[User]:
    """Active staff holding ``role`` in ``unit`` (to notify them)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    return list(User.objects.filter(unit_roles__unit_id=unit_id, unit_roles__role=role, is_active=True,
                                    kind=User.Kind.STAFF).distinct())


def holds_role_anywhere(user: User, role: str) -> bool:
    """True if ``user`` holds ``role`` in any unit (the kernel's tenant-administrator check asks this)."""
    if not _is_staff(user):
        return False
    return StaffRole.objects.filter(user_id=user.pk, role=role).exists()
