from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "control.accounts"
    label = "accounts"
    verbose_name = "Tài khoản"
