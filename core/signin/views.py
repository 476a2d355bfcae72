"""Pages of sign-in safety: sign-in, second factor (verify, enrol, recovery codes), password reset.

Mounted on both hosts (``core.signin.urls``): under /staff/ on a tenant's, at the root on the platform's."""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import get_public_schema_name

from core.signin import services
from core.signin.forms import CODE_ERROR, CodeForm, NewPasswordForm, ResetRequestForm, SignInForm
from core.signin.tokens import reset_token_generator


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


def step_url(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


class SignInView(auth_views.LoginView):
    """Password first; whoever has (or must have) a second factor is then asked for it."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form) -> HttpResponse:  # noqa: ANN001
        response = super().form_valid(form)
        user = form.get_user()
        if services.has_second_factor(user):
            return HttpResponseRedirect(step_url("signin-verify", self.get_success_url()))
        if services.second_factor_required(user):
            return HttpResponseRedirect(step_url("signin-enrol", self.get_success_url()))
        return response


def _default_after(request: HttpRequest) -> str:
    return reverse("console") if connection.schema_name == get_public_schema_name() else reverse("office-home")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    target = safe_next(request, _default_after(request))
    if request.user.is_verified():
        return redirect(target)
    if not services.has_second_factor(request.user):
        return redirect(step_url("signin-enrol", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.code_verify(user=request.user, code=form.cleaned_data["code"], request=request)
        if device is not None:
            otp_login(request, device)
            return redirect(target)
        form.add_error("code", CODE_ERROR)
    return render(request, "otp/verify.html", {"form": form, "next": target})


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=5, title="Mã QR đăng ký ứng dụng xác thực")


def _secret_groups(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.second_factor_offered(user):
        raise PermissionDenied("Chỉ cán bộ và nhân viên vận hành dùng xác thực hai bước.")
    target = safe_next(request, _default_after(request))
    if services.has_second_factor(user) and not user.is_verified():
        return redirect(step_url("signin-verify", target))  # a new app only after the current one's code
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        posted = request.POST.get("device", "")
        device_id = int(posted) if re.fullmatch(r"[0-9]{1,18}", posted) else 0
        done = services.totp_enrol_confirm(user=user, device_id=device_id, code=form.cleaned_data["code"],
                                           request=request)
        if done is not None:
            device, codes = done
            otp_login(request, device)
            return render(request, "otp/recovery_codes.html", {"codes": codes, "next": target, "enrolled": True})
        form.add_error("code", CODE_ERROR)
    device = services.totp_enrol_start(user=user)
    return render(request, "otp/enrol.html", {
        "form": form, "next": target, "device": device, "qr": _qr_svg(device), "secret": _secret_groups(device),
        "required": services.second_factor_required(user),
    })


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.second_factor_offered(user):
        raise PermissionDenied("Chỉ cán bộ và nhân viên vận hành dùng xác thực hai bước.")
    return render(request, "otp/security.html", {
        "enrolled": services.has_second_factor(user), "required": services.second_factor_required(user),
        "codes_left": services.recovery_codes_left(user), "events": services.recent_events(user=user),
    })


@login_required
@require_POST
def recovery_renew(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        messages.error(request, "Hãy đăng ký ứng dụng xác thực trước khi tạo mã dự phòng.")
        return redirect("signin-security")
    codes = services.recovery_codes_renew(user=request.user, request=request)
    return render(request, "otp/recovery_codes.html", {"codes": codes, "next": reverse("signin-security")})


class ResetRequestView(auth_views.PasswordResetView):
    form_class = ResetRequestForm
    token_generator = reset_token_generator
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form) -> HttpResponse:  # noqa: ANN001
        services.password_reset_requested(request=self.request)
        return super().form_valid(form)


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs) -> dict:  # noqa: ANN003
        return {**super().get_context_data(**kwargs), "timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    token_generator = reset_token_generator
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form) -> HttpResponse:  # noqa: ANN001
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user, request=self.request)
        return response


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
