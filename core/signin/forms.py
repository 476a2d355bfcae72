"""Forms of sign-in safety: a second-factor code, the admin's sign-in with its code, password reset."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.db import connection
from django_tenants.utils import get_public_schema_name

from core.accounts.models import User
from core.signin.services import code_verify, has_second_factor

CODE_ERROR = "Mã xác thực không đúng, đã được dùng hoặc bạn thử quá nhanh. Vui lòng kiểm tra và thử lại."


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực", max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        error_messages={"required": "Hãy nhập mã xác thực."},
    )


USERNAME_MAX = 150  # accounts_user.username
PASSWORD_MAX = 4096


def _bounded(form: AuthenticationForm) -> None:
    """Django's sign-in form shows a maxlength but does not check it: an over-long value never reaches
    authenticate() (nor the lock-out's tables)."""
    form.fields["username"].validators.append(MaxLengthValidator(USERNAME_MAX))
    form.fields["password"].validators.append(MaxLengthValidator(PASSWORD_MAX))


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _bounded(self)


class AdminOTPAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in asks for the code of the authenticator app (or a recovery code) too."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        _bounded(self)

    otp_token = forms.CharField(label="Mã xác thực", max_length=32, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        if not has_second_factor(user):
            raise forms.ValidationError(
                "Tài khoản chưa đăng ký xác thực hai bước: hãy đăng nhập ở trang vận hành để đăng ký trước.",
                code="no_device")
        device = code_verify(user=user, code=cleaned.get("otp_token") or "", request=self.request)
        if device is None:
            raise forms.ValidationError(CODE_ERROR, code="otp")
        user.otp_device = device  # django-otp keeps it in the session at login
        return cleaned


class ResetRequestForm(PasswordResetForm):
    """Only the accounts that sign in on this host: staff on a tenant's, operators on the platform's."""

    email = forms.EmailField(label="Thư điện tử", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def get_users(self, email: str):  # noqa: ANN201
        kind = User.Kind.OPERATOR if connection.schema_name == get_public_schema_name() else User.Kind.STAFF
        return (u for u in super().get_users(email) if u.kind == kind)


class NewPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Xác nhận mật khẩu mới"
