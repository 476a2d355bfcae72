from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "tenants.office"
    label = "backoffice"  # no models: the configuration log it once held lives in core.audit (label "office")
    verbose_name = "Một cửa điện tử (cán bộ)"
