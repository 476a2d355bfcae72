"""Second factor and password reset, on both hosts (under /staff/ on a tenant's, at the root on the platform's)."""

from django.urls import path

from core.signin import views

urlpatterns = [
    path("xac-thuc/", views.security, name="signin-security"),
    path("xac-thuc/ma/", views.verify, name="signin-verify"),
    path("xac-thuc/dang-ky/", views.enrol, name="signin-enrol"),
    path("xac-thuc/ma-du-phong/", views.recovery_renew, name="signin-recovery"),
    path("quen-mat-khau/", views.ResetRequestView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.ResetSentView.as_view(), name="password_reset_done"),
    path("dat-lai-mat-khau/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("dat-lai-mat-khau/xong/", views.ResetCompleteView.as_view(), name="password_reset_complete"),
]
