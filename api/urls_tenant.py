"""API of a tenant (v1)."""

from django.urls import path

from api import views

urlpatterns = [
    path("v1/me", views.me, name="api-me"),
]
