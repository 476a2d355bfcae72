from django.apps import AppConfig


class Config(AppConfig):
    name = "billing.leasing"
    label = "leasing"
    verbose_name = "Thuê dịch vụ"

    def ready(self) -> None:  # a source of the operator's stuck list (control/health)
        from billing.leasing.selectors import invoices_missing as read
        from control.health.interface import register

        register(key="invoice_run", label="Kỳ hóa đơn chưa lập", scope="platform", read=read)
