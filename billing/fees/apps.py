from django.apps import AppConfig


class Config(AppConfig):
    name = "billing.fees"
    label = "fees"
    verbose_name = "Phí, lệ phí trực tuyến"

    def ready(self) -> None:  # a source of the operator's stuck list (control/health)
        from billing.fees.confirm import payments_stuck as read
        from control.health.interface import register

        register(key="payments", label="Thanh toán chờ quá hạn", scope="tenant", read=read)
