"""URLs of the platform domain: the control plane (public schema)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from control.console import views as console
from control.health import views as health
from core.signin import views as signin

admin.site.site_header = "Quản trị nền tảng Một cửa điện tử"
admin.site.site_title = "Quản trị nền tảng"

urlpatterns = [
    path("", console.home, name="home"),
    path("login/", signin.SignInView.as_view(next_page="console"), name="login"),
    path("", include("core.signin.urls")),  # second factor, password reset (core/signin)
    path("logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("dang-ky/", include("onboarding.urls_public")),  # provinces sign up
    path("console/billing/", include("billing.leasing.urls")),
    path("console/backups/", include("control.backups.urls")),
    path("console/health/", include("control.health.urls")),  # stuck work across tenants
    path("console/", include("onboarding.urls_console")),  # applications, provisioning (the dashboard)
    path("console/", include("control.console.urls")),  # tenants, operator log
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="api.urls_public"), name="api-schema"),
    path("api/", include("api.urls_public")),
]
