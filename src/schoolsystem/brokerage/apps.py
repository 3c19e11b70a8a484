from django.apps import AppConfig


class BrokerageConfig(AppConfig):
    name = "schoolsystem.brokerage"
    label = "brokerage"
