from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "schoolsystem.accreditation"
    label = "accreditation"

    def ready(self) -> None:
        from schoolsystem.accreditation import signals  # noqa: F401  (connects the Membership receivers)
