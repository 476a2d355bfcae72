"""Operator console (platform domain)."""

from django.urls import path

from control.console import views

urlpatterns = [
    path("", views.dashboard, name="console"),
    path("tien-do.json", views.progress, name="console-progress"),
    path("nhat-ky/", views.audit, name="console-audit"),
    path("don/<int:pk>/duyet/", views.application_approve, name="console-approve"),
    path("don/<int:pk>/tu-choi/", views.application_reject, name="console-reject"),
    path("don/<int:pk>/chay-lai/", views.application_retry, name="console-retry"),
    path("don-vi/<int:pk>/tam-ngung/", views.tenant_suspend, name="console-suspend"),
    path("don-vi/<int:pk>/hoat-dong-lai/", views.tenant_resume, name="console-resume"),
]
