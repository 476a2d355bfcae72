from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
