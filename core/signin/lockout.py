"""Lock-out after repeated sign-in failures (django-axes), kept per tenant.

Axes' tables are in every schema (``SIGNIN_APPS`` in both app lists) and its database handler queries the
current one, so a province's failures and lock-outs live in that province's schema: a lock-out on one
province never blocks the same username (or address) on another. This handler adds two limits (the
account's and the address's), one audit row per lock-out, and forgets an account's failures once it
signs in."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.signin.models import SignInEvent
from core.signin.services import event_record


class TenantLockoutHandler(AxesDatabaseHandler):
    def _counts(self, request: HttpRequest, credentials: dict | None) -> tuple[int, int]:
        by_account, by_address = (
            qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for qs in self.get_user_attempts(request, credentials)  # AXES_LOCKOUT_PARAMETERS' order
        )
        return by_account, by_address

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures held against AXES_FAILURE_LIMIT (the account's limit): the account's own, or the
        address's scaled so that SIGNIN_FAILURES_PER_IP of them reach it."""
        by_account, by_address = self._counts(request, credentials)
        per_account, per_ip = settings.SIGNIN_FAILURES_PER_ACCOUNT, settings.SIGNIN_FAILURES_PER_IP
        return max(by_account, by_address * per_account // per_ip)

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None,  # noqa: ANN001
                          **kwargs) -> None:  # noqa: ANN003
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not was_locked and getattr(request, "axes_locked_out", False):
            by_account, by_address = self._counts(request, credentials)
            event_record(
                kind=SignInEvent.Kind.LOCKED_OUT, request=request,
                username=get_client_username(request, credentials) or "",
                detail={"by": "account" if by_account >= settings.SIGNIN_FAILURES_PER_ACCOUNT else "address",
                        "account_failures": by_account, "address_failures": by_address,
                        "minutes": settings.SIGNIN_LOCKOUT_MINUTES},
            )

    def user_logged_in(self, sender, request: HttpRequest, user, **kwargs) -> None:  # noqa: ANN001, ANN003
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(username=user.get_username()).delete()  # the right password: start afresh


def username_of(request: HttpRequest, credentials: dict | None) -> str | None:
    """The username axes records (AXES_USERNAME_CALLABLE): as posted, cut to the column's length."""
    source = credentials if credentials is not None else request.POST
    username = source.get("username") if source is not None else None  # the field of every sign-in form here
    return str(username)[:150] if username is not None else None


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The page of a refused sign-in while locked out (429), in Vietnamese (AXES_LOCKOUT_CALLABLE)."""
    return render(request, "registration/locked_out.html", {"minutes": settings.SIGNIN_LOCKOUT_MINUTES}, status=429)
