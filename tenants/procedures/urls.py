"""Procedures of a tenant (/staff/procedures/)."""

from django.urls import path

from tenants.procedures import views

urlpatterns = [
    path("", views.procedure_list, name="procedures"),
    path("ap-dung/", views.procedures_bulk, name="procedures-bulk"),
    path("cap-nhat/", views.updates, name="procedure-updates"),
    path("cap-nhat/<str:code>/", views.update_decide, name="procedure-update-decide"),
    path("<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("<str:code>/mau-don/<int:doc_id>/", views.document_form, name="procedure-document-form"),
]
