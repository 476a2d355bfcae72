from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"
