"""The platform's admin (/admin/) with the second factor: its sign-in form asks for the code, and only an
account verified by its authenticator app (or a recovery code) in this session may open it."""

from __future__ import annotations

from django_otp.admin import OTPAdminSite

from core.signin.forms import AdminOTPAuthenticationForm


class SecureAdminSite(OTPAdminSite):
    login_form = AdminOTPAuthenticationForm
    login_template = "otp/admin_login.html"
    # django-tenants' admin/index.html and app_list.html (which win those names) write inline styles, which the
    # Content-Security-Policy refuses: the index and app pages use clean copies (core/templates/admin/motcua/).
    index_template = "admin/motcua/index.html"
    app_index_template = "admin/motcua/app_index.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)  # keep the "admin" namespace (django-otp's default is "otpadmin")
