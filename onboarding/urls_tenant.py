"""Setup wizard of a tenant (/staff/setup/)."""

from django.urls import path

from onboarding import views_tenant
from tenants.calendar import views as calendar
from tenants.organization import views as organization

urlpatterns = [
    path("", views_tenant.overview, name="setup"),
    path("mat-khau/<uidb64>/<token>/", views_tenant.PasswordSetView.as_view(), name="setup-password"),
    path("mat-khau/xong/", views_tenant.password_done, name="setup-password-done"),
    path("don-vi/", organization.units, name="setup-units"),
    path("don-vi/nhap/", organization.units_import, name="setup-units-import"),
    path("don-vi/<int:pk>/trang-thai/", organization.unit_toggle, name="setup-unit-toggle"),
    path("can-bo/", organization.staff, name="setup-staff"),
    path("can-bo/<int:pk>/vai-tro/", organization.staff_role_add, name="setup-role-add"),
    path("vai-tro/<int:pk>/xoa/", organization.staff_role_remove, name="setup-role-remove"),
    path("lich-lam-viec/", calendar.calendar, name="setup-calendar"),
    path("calendar/", calendar.calendar),
    path("lich-lam-viec/luu/", calendar.settings_update, name="setup-calendar-settings"),
    path("lich-lam-viec/them/", calendar.exception_add, name="setup-calendar-add"),
    path("lich-lam-viec/<int:pk>/xoa/", calendar.exception_remove, name="setup-calendar-remove"),
    path("kiem-tra/", views_tenant.checklist, name="setup-golive"),
    path("kiem-tra/xoa-du-lieu-thu/", views_tenant.purge, name="setup-purge"),
    path("kiem-tra/van-hanh/", views_tenant.go_live, name="setup-go-live"),
]
