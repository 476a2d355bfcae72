from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tenants.portal"
    label = "portal"
    verbose_name = "Cổng dịch vụ công"
