from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "control.health"
    label = "health"
    verbose_name = "Sức khỏe hệ thống"
