from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "schoolsystem.registry"
    label = "registry"
    verbose_name = "Registry: schools, groups and partnerships"

    def ready(self) -> None:
        # Registers the import kinds: gias, gias-links, gias-groups, gias-memberships, partnerships, system-leaders.
        import schoolsystem.registry.imports.partnerships
        import schoolsystem.registry.imports.system_leaders  # noqa: F401
        from schoolsystem.registry import imports  # noqa: F401
