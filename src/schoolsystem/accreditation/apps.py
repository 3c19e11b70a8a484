from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "schoolsystem.accreditation"
    label = "accreditation"
    verbose_name = "Accreditation: applications, assessments and the accredited pool"

    def ready(self) -> None:
        from schoolsystem.accreditation import signals  # noqa: F401  (connects the Membership receivers)
