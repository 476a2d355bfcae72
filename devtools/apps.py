from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Dev tooling of the two commands (``demo_setup``); installed outside production only."""

    name = "devtools"
    label = "devtools"
    verbose_name = "Công cụ phát triển"
