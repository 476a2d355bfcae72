from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.organization"
    label = "organization"
    verbose_name = "Tổ chức, đơn vị, cán bộ"
