"""Backups in the operator console (mounted at /console/backups/)."""

from django.urls import path

from control.backups import views

urlpatterns = [
    path("", views.backup_list, name="console-backups"),
]
