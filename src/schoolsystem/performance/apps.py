from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "schoolsystem.performance"
    label = "performance"
    verbose_name = "Performance: results, report cards, scorecards and the risk screen"

    def ready(self) -> None:
        from schoolsystem.performance import imports  # noqa: F401  (registers ks2, ks4, census, ofsted)
