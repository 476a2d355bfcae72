"""Operator console (platform domain)."""

from django.urls import path

from control.console import views

urlpatterns = [
    path("", views.dashboard, name="console"),
]
