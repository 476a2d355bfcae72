from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "control.tenancy"
    label = "tenancy"
    verbose_name = "Đơn vị thuê (tenant)"
