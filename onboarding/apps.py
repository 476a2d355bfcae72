from django.apps import AppConfig


class Config(AppConfig):
    name = "onboarding"
    label = "onboarding"
    verbose_name = "Đăng ký và khởi tạo"
