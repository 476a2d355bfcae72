from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.procedures"
    label = "procedures"
    verbose_name = "Thủ tục hành chính (đơn vị)"
