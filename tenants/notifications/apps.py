from django.apps import AppConfig


class Config(AppConfig):
    name = "tenants.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:  # a source of the operator's stuck list (control/health)
        from control.health.interface import register
        from tenants.notifications.delivery import outbox_stuck as read

        register(key="notifications", label="Thông báo chưa gửi được", scope="tenant", read=read)
