from django.apps import AppConfig


class Config(AppConfig):
    name = "billing.fees"
    label = "fees"
    verbose_name = "Phí, lệ phí trực tuyến"
