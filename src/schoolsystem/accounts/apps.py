from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schoolsystem.accounts"
    label = "accounts"
    verbose_name = "Accounts: users, roles and scope"
