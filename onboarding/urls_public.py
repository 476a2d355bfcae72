"""Sign-up on the platform domain (/dang-ky/)."""

from django.urls import path

from onboarding import views_public

urlpatterns = [
    path("", views_public.signup, name="onboarding-signup"),
    path("da-gui/", views_public.signup_done, name="onboarding-signup-done"),
]
