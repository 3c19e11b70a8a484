from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "schoolsystem.brokerage"
    label = "brokerage"
    verbose_name = "Brokerage: rounds, proposals and hand-offs"
