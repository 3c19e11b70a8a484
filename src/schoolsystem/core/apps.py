from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "schoolsystem.core"
    label = "core"
    verbose_name = "Core: audit log and imports"

    def ready(self) -> None:
        from schoolsystem.core import admin_audit
        from schoolsystem.core.api import limit_free_text

        admin_audit.install()
        limit_free_text()
