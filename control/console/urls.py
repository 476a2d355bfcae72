"""Operator console (platform domain): tenants and the operator log. Applications and provisioning
(the dashboard, approve/reject/retry, progress) are onboarding's, under the same prefix."""

from django.urls import path

from control.console import views

urlpatterns = [
    path("nhat-ky/", views.audit, name="console-audit"),
    path("don-vi/", views.tenants, name="console-tenants"),
    path("don-vi/<int:pk>/tam-ngung/", views.tenant_suspend, name="console-suspend"),
    path("don-vi/<int:pk>/hoat-dong-lai/", views.tenant_resume, name="console-resume"),
]
