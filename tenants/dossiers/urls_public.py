"""/tra-cuu/: the public tracking page (the receipt's QR code opens it)."""

from django.urls import path

from tenants.dossiers import views_public

app_name = "tracking"
urlpatterns = [path("", views_public.track, name="track")]
