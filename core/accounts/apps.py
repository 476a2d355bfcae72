from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "core.accounts"
    label = "accounts"  # kept: migrations and the accounts_user table are named after it
    verbose_name = "Tài khoản"
