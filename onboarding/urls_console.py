"""Operator pages of onboarding, under /console/ on the platform domain (beside control.console.urls)."""

from django.urls import path

from onboarding import views_console

urlpatterns = [
    path("", views_console.dashboard, name="console"),
    path("tien-do.json", views_console.progress, name="console-progress"),
    path("don/<int:pk>/duyet/", views_console.application_approve, name="console-approve"),
    path("don/<int:pk>/tu-choi/", views_console.application_reject, name="console-reject"),
    path("don/<int:pk>/chay-lai/", views_console.application_retry, name="console-retry"),
]
