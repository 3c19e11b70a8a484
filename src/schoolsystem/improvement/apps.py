from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    name = "schoolsystem.improvement"
    label = "improvement"
