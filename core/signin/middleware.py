"""Middleware of sign-in safety: idle sessions end, the second factor comes first, personal pages and files
are never stored by a browser or a proxy."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.utils.cache import add_never_cache_headers

from core.signin.services import has_second_factor, idle_signed_out, second_factor_required
from core.signin.views import step_url

SEEN_KEY = "signin.seen"  # epoch seconds of the session's last request (refreshed at most once a minute)
CLEAR_KEY = "signin.clear"  # epoch seconds when this session's user was found to need no second factor


class IdleTimeoutMiddleware:
    """A signed-in session without a request for SIGNIN_IDLE_MINUTES is ended (a counter PC left alone).
    The browser forgets the session when it closes too (SESSION_EXPIRE_AT_BROWSER_CLOSE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if SESSION_KEY in session:
            now = round(time.time(), 1)
            limit = settings.SIGNIN_IDLE_MINUTES * 60
            seen = session.get(SEEN_KEY)
            if seen is not None and now - seen > limit:
                idle_signed_out(user=request.user, request=request, idle_seconds=int(now - seen))
                logout(request)
                minutes = f"{settings.SIGNIN_IDLE_MINUTES:g}"
                messages.info(request, f"Phiên làm việc đã kết thúc vì không thao tác trong {minutes} phút. "
                                       "Vui lòng đăng nhập lại.")
            elif seen is None or now - seen >= min(60, limit / 4):
                session[SEEN_KEY] = now
        return self.get_response(request)


# Pages an account waiting for its second factor may still open.
OPEN_WHILE_PENDING = {
    "login", "logout", "signin-verify", "signin-enrol", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "setup-password", "setup-password-done",
    "healthz", "readyz",
}


class SecondFactorMiddleware:
    """An account signed in with its password only goes nowhere but the second-factor pages when it has an
    authenticator app (asked for a code) or must have one (operators, tenant administrators: sent to enrol)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: tuple,
                     view_kwargs: dict) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.url_name if request.resolver_match else None
        now = int(time.time())
        if request.session.get(CLEAR_KEY, 0) > now - 60:
            return None  # checked within the last minute: this account needs no second factor
        if has_second_factor(user):
            step = "signin-verify"
        elif second_factor_required(user):
            step = "signin-enrol"
        else:
            request.session[CLEAR_KEY] = now
            return None
        if name in OPEN_WHILE_PENDING and not (name == "signin-enrol" and step == "signin-verify"):
            return None
        if request.path.startswith("/api/"):
            return HttpResponseForbidden("Cần xác thực hai bước trước khi dùng API.")
        # from the enrol page (an app already enrolled) to the code, then on where the enrolment would have led
        target = request.GET.get("next", "") if name == "signin-enrol" else request.get_full_path()
        return HttpResponseRedirect(step_url(step, target or "/"))


# Paths whose pages carry personal data or sign-in secrets, on either host.
NO_STORE_PREFIXES = ("/staff/", "/console/", "/admin/", "/api/", "/login/", "/xac-thuc/", "/quen-mat-khau/",
                     "/dat-lai-mat-khau/")
# Files and exports (PDF receipts and forms, Excel and CSV exports, uploaded documents), wherever served.
FILE_TYPES = ("application/pdf", "application/vnd.openxmlformats", "application/vnd.ms-excel", "text/csv",
              "application/zip", "application/octet-stream", "image/")


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (with no-cache, must-revalidate, private, max-age=0) on every staff, console and
    admin page, every page of a signed-in account, and every file or export, so that nothing personal stays
    in the cache of a shared counter PC or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            request.path.startswith(NO_STORE_PREFIXES)
            or response.has_header("Content-Disposition")
            or response.get("Content-Type", "").startswith(FILE_TYPES)
            or (user is not None and user.is_authenticated)
        ):
            add_never_cache_headers(response)
        return response
