"""Who may see the fee collections and refund: the tenant's administrators."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from control.accounts.models import User


def is_billing_admin(user: User) -> bool:
    if not (user.is_authenticated and user.is_active and user.kind == User.Kind.STAFF):
        return False
    if user.is_superuser or user.is_staff:
        return True
    from tenants.organization.models import StaffRole

    return StaffRole.objects.filter(user=user, role=StaffRole.Role.ADMINISTRATOR).exists()


def billing_admin_required(view):  # noqa: ANN001, ANN201
    @wraps(view)
    def wrapper(request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_billing_admin(request.user):
            raise PermissionDenied("Chỉ quản trị của đơn vị mới xem được mục thu phí.")
        return view(request, *args, **kwargs)

    return wrapper
