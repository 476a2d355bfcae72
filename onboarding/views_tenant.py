"""The tenant side of onboarding: first password, setup overview, go-live checklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core.access import admin_required
from core.signin.tokens import reset_token_generator
from onboarding import golive


class PasswordSetForm(SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Xác nhận mật khẩu mới"


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The one-time link e-mailed to the first administrator: single use, expiring, worthless on another
    tenant's host (the schema-bound generator of core.signin.tokens)."""

    form_class = PasswordSetForm
    template_name = "onboarding/password_set.html"
    success_url = reverse_lazy("setup-password-done")
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    token_generator = reset_token_generator


def password_done(request: HttpRequest) -> HttpResponse:
    return redirect("setup")


@admin_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "onboarding/setup.html", {"checks": golive.checklist()})


@admin_required
def checklist(request: HttpRequest) -> HttpResponse:
    checks = golive.checklist()
    return render(request, "onboarding/golive.html", {"checks": checks, "all_ok": all(c.ok for c in checks)})


@admin_required
@require_POST
def purge(request: HttpRequest) -> HttpResponse:
    try:
        removed = golive.test_data_purge(tenant=request.tenant, actor=f"{request.user.username}@{request.tenant.slug}")
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, f"Đã xoá {removed} dòng dữ liệu thử nghiệm.")
    return redirect("setup-golive")


@admin_required
@require_POST
def go_live(request: HttpRequest) -> HttpResponse:
    try:
        golive.tenant_go_live(tenant=request.tenant, actor=f"{request.user.username}@{request.tenant.slug}")
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
        return redirect("setup-golive")
    messages.success(request, "Hệ thống đã chuyển sang vận hành chính thức.")
    return redirect("setup-golive")
