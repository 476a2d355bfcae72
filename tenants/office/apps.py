from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "tenants.office"
    label = "office"
    verbose_name = "Một cửa điện tử (cán bộ)"
