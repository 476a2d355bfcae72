from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class SignInConfig(AppConfig):
    """Sign-in safety (lock-out, second factor, password reset, idle sessions) and its audit log."""

    default = True
    name = "core.signin"
    label = "signin"
    verbose_name = "An toàn đăng nhập"


class SecureAdminConfig(admin_apps.AdminConfig):
    """Django's admin whose site asks for the second factor (``core.signin.admin_site.SecureAdminSite``)."""

    default = False  # named in INSTALLED_APPS by its path; core.signin's own config is SignInConfig
    default_site = "core.signin.admin_site.SecureAdminSite"
