from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from schoolsystem.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Role and scope",
            {
                "fields": (
                    "role",
                    "organisation",
                    "scope_la",
                    "scope_region",
                    "scope_group",
                    "scope_establishment",
                )
            },
        ),
    )
    list_display = ("username", "email", "role", "organisation", "is_staff")
    list_filter = ("role", "is_staff", "is_superuser")
    raw_id_fields = ("scope_la", "scope_group", "scope_establishment")
