from django.apps import AppConfig


class Config(AppConfig):
    name = "billing.leasing"
    label = "leasing"
    verbose_name = "Thuê dịch vụ"
