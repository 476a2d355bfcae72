"""URLs of a tenant's host: the citizen portal and the back office (tenant schema)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from control.health import views as health
from core.signin import views as signin
from tenants.office import views as office
from tenants.portal import views as portal
from tenants.procedures import views as procedures

urlpatterns = [
    path("", portal.home, name="home"),
    path("thu-tuc/", include("tenants.portal.urls")),  # citizens find and read procedures (tenants/portal)
    path("tra-cuu/", include("tenants.dossiers.urls_public")),  # public tracking (QR of the receipt)
    path("thanh-toan/", include("billing.fees.urls_public")),  # citizen payment pages, VNPay return + IPN
    path("mau-don/<int:doc_id>/", procedures.document_form_download, name="document-form-download"),  # blank forms
    path("staff/login/", signin.SignInView.as_view(next_page="office-home"), name="login"),
    path("staff/logout/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("staff/", office.home, name="office-home"),
    path("staff/", include("core.signin.urls")),  # second factor, password reset (core/signin)
    path("staff/files/<path:path>", office.media, name="office-media"),
    path("staff/nhat-ky-cau-hinh/", office.config_log, name="office-config-log"),
    path("staff/setup/", include("onboarding.urls_tenant")),
    path("staff/procedures/", include("tenants.procedures.urls")),
    path("staff/dossiers/", include("tenants.dossiers.urls")),
    path("staff/outbox/", include("tenants.notifications.urls")),
    path("staff/billing/", include("billing.fees.urls_staff")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="api.urls_tenant"), name="api-schema"),
    path("api/", include("api.urls_tenant")),
]
