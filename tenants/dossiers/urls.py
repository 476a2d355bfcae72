"""/staff/dossiers/: worklists, search, reception, a dossier, its actions and forms."""

from django.urls import path

from tenants.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.index, name="index"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("so-theo-doi.pdf", views.register_pdf, name="register"),
    path("<int:dossier_id>/", views.detail, name="detail"),
    path("<int:dossier_id>/thao-tac/<str:action>/", views.act, name="act"),
    path("<int:dossier_id>/phieu/<str:form>.pdf", views.form_pdf, name="form"),
]
