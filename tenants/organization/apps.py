from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.organization"
    label = "organization"
    verbose_name = "Tổ chức, đơn vị, cán bộ"

    def ready(self) -> None:
        from core.access import register_role_provider
        from tenants.organization.permissions import holds_role_anywhere

        register_role_provider(holds_role_anywhere)
