"""Citizen pages of a tenant's portal: find a procedure, read it, start an application (/thu-tuc/)."""

from django.urls import path

from tenants.portal import views

urlpatterns = [
    path("", views.procedure_find, name="portal-find"),
    path("<str:code>/", views.procedure_page, name="portal-procedure"),
    path("<str:code>/nop-ho-so/", views.apply, name="portal-apply"),
]
