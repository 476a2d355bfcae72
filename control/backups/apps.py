from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "control.backups"
    label = "backups"
    verbose_name = "Sao lưu đơn vị thuê"
