"""/staff/outbox/: the outbox of notifications."""

from django.urls import path

from tenants.notifications import views

app_name = "notifications"
urlpatterns = [path("", views.outbox, name="outbox")]
