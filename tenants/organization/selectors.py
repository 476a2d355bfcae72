"""Reads of a tenant's organisation for the setup wizard."""

from __future__ import annotations

from django.db.models import Count, Q

from core.accounts.models import User
from tenants.organization.models import StaffRole, Unit


def units_overview():  # noqa: ANN201
    return Unit.objects.annotate(
        staff=Count("staff_roles__user", distinct=True),
        receivers=Count("staff_roles", filter=Q(staff_roles__role=StaffRole.Role.RECEIVER)),
    ).select_related("parent").order_by("kind", "name")


def staff_list():  # noqa: ANN201
    return User.objects.filter(kind=User.Kind.STAFF).prefetch_related("unit_roles__unit").order_by("username")


def one_stop_desks_without_receiver() -> list[Unit]:
    return list(Unit.objects.filter(kind=Unit.Kind.ONE_STOP, is_active=True).exclude(
        staff_roles__role=StaffRole.Role.RECEIVER, staff_roles__user__is_active=True).order_by("name"))
