"""/staff/dossiers/: worklists, search, reception, a dossier, its actions and forms."""

from django.urls import path

from tenants.dossiers import views, views_config

app_name = "dossiers"
urlpatterns = [
    path("", views.index, name="index"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("so-theo-doi.pdf", views.register_pdf, name="register"),
    path("cau-hinh/", views_config.home, name="config"),
    path("cau-hinh/thu-tuc/<int:procedure_id>/quy-trinh/", views_config.process_edit, name="config-process"),
    path("cau-hinh/ma-ho-so/", views_config.codes, name="config-codes"),
    path("cau-hinh/thoi-han/", views_config.thresholds, name="config-thresholds"),
    path("<int:dossier_id>/", views.detail, name="detail"),
    path("<int:dossier_id>/thao-tac/<str:action>/", views.act, name="act"),
    path("<int:dossier_id>/phieu/<str:form>.pdf", views.form_pdf, name="form"),
]
