from django.apps import AppConfig


class Config(AppConfig):
    name = "onboarding"
    label = "onboarding"
    verbose_name = "Đăng ký và khởi tạo"

    def ready(self) -> None:  # a source of the operator's stuck list (control/health)
        from control.health.interface import register
        from onboarding.selectors import provisioning_stuck as read

        register(key="provisioning", label="Khởi tạo đơn vị chưa xong", scope="platform", read=read)
