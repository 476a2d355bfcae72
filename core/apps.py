from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel: base templates (base, errors, sign-in), the stylesheet and the PDF font."""

    name = "core"
    label = "core"
    verbose_name = "Lõi hệ thống"
