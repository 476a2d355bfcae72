"""Who may open a page: the access decorators of every app, and the one tenant-administrator check.

The kernel knows no app, so the roles a staff member holds are read through a provider that the
organisation app registers at start-up (``register_role_provider``): ``has_role(user, role)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from core.accounts.models import User

ADMINISTRATOR = "administrator"
_role_provider: Callable[[User, str], bool] | None = None


def register_role_provider(provider: Callable[[User, str], bool]) -> None:
    """The organisation app's ``has_role(user, role)``: does the user hold ``role`` in any unit."""
    global _role_provider
    _role_provider = provider


def is_staff_member(user: User) -> bool:
    """An active staff account of this tenant (not a citizen, not an operator)."""
    return bool(user and user.is_authenticated and user.is_active and user.kind == User.Kind.STAFF)


def is_tenant_admin(user: User) -> bool:
    """A staff member who administers this tenant: its first administrator (``is_staff``) or a holder
    of the administrator role in a unit. Superuser status alone admits nobody."""
    if not is_staff_member(user):
        return False
    if user.is_staff:
        return True
    return _role_provider is not None and _role_provider(user, ADMINISTRATOR)


def is_operator(user: User) -> bool:
    """A vendor operator (accounts of the public schema)."""
    return bool(user and user.is_authenticated and user.is_active and user.kind == User.Kind.OPERATOR)


def require(check: Callable[[User], bool], message: str) -> Callable:
    """A view decorator: anonymous users go to the sign-in page, signed-in users failing ``check`` get 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Staff and operator pages send anyone else to their sign-in page (a citizen signed in on a counter PC
# is asked to sign in as staff), as Django's user_passes_test does.
staff_required = user_passes_test(is_staff_member)
admin_required = require(is_tenant_admin, "Chỉ quản trị của đơn vị mới được thiết lập hệ thống.")
operator_required = user_passes_test(is_operator)
