from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "control.console"
    label = "console"
    verbose_name = "Trang điều hành"
