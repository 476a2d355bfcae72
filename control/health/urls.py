"""Instance health in the operator console (mounted at /console/health/)."""

from django.urls import path

from control.health import views_stuck

urlpatterns = [
    path("ket/", views_stuck.stuck, name="console-stuck"),
]
