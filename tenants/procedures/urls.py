"""Procedures of a tenant (/staff/procedures/)."""

from django.urls import path

from tenants.procedures import views, views_events

urlpatterns = [
    path("", views.procedure_list, name="procedures"),
    path("ap-dung/", views.procedures_bulk, name="procedures-bulk"),
    path("cap-nhat/", views.updates, name="procedure-updates"),
    path("cap-nhat/<str:code>/", views.update_decide, name="procedure-update-decide"),
    path("su-kien/", views_events.event_list, name="life-events"),
    path("su-kien/<int:pk>/", views_events.event_edit, name="life-event-edit"),
    path("su-kien/<int:pk>/xoa/", views_events.event_delete, name="life-event-delete"),
    path("<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("<str:code>/mau-don/<int:doc_id>/", views.document_form, name="procedure-document-form"),
]
