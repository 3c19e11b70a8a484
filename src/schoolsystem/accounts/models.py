from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from schoolsystem.accounts.constants import PUBLIC_BODIES, ROLE_SCOPE, Role


class User(AbstractUser):
    """A person who signs in. Their role says what they may do; their scope says where (an LA, a trust, a school)."""

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PUBLIC)
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Employer or organisation, as shown."
    )
    scope_la = models.ForeignKey(
        "registry.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_region = models.CharField(
        max_length=100, blank=True, help_text="Region name, for regional officers."
    )
    scope_group = models.ForeignKey(
        "registry.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope_establishment = models.ForeignKey(
        "registry.Establishment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def clean(self) -> None:
        super().clean()
        needed = ROLE_SCOPE.get(self.role, "none")
        missing = {
            "la": not self.scope_la_id,
            "region": not self.scope_region,
            "group": not self.scope_group_id,
            "establishment": not self.scope_establishment_id,
            "none": False,
        }[needed]
        if missing and not self.is_superuser:
            raise ValidationError(
                {f"scope_{needed}": f"A {self.get_role_display().lower()} needs a {needed} scope."}
            )

    @property
    def display_name(self) -> str:
        """The person as pages, messages and the API show them: their full name, or their username when they
        gave no name."""
        return self.get_full_name().strip() or self.get_username()

    @property
    def public_body(self) -> str:
        """Who decided, as records published outside the service (the public decision register) name them: the
        role or body the user decides for ("Wealdshire local authority", "Regional Director, South East"), never
        the person's name or username (privacy: the name stays in the audit and the internal pages)."""
        if self.is_superuser:
            return "Department for Education"
        needed = ROLE_SCOPE.get(self.role, "none")
        if needed == "la" and self.scope_la_id:
            return f"{self.scope_la.name} local authority"
        if needed == "region" and self.scope_region:
            return f"Regional Director, {self.scope_region}"
        if needed == "group" and self.scope_group_id:
            return f"Board of {self.scope_group.name}"
        if needed == "establishment" and self.scope_establishment_id:
            return f"Governing board of {self.scope_establishment.name}"
        return PUBLIC_BODIES.get(self.role, self.get_role_display())

    @property
    def scope_label(self) -> str:
        if self.is_superuser:
            return "England (administrator)"
        needed = ROLE_SCOPE.get(self.role, "none")
        return {
            "la": lambda: str(self.scope_la),
            "region": lambda: self.scope_region,
            "group": lambda: str(self.scope_group),
            "establishment": lambda: str(self.scope_establishment),
            "none": lambda: "England",
        }[needed]()
