from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from schoolsystem.accounts.models import User
from schoolsystem.core.audit import audit


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

    def user_change_password(self, request, id, form_url=""):
        """Django's password page saves the form itself, past `save_model`: audit a password set here (that it was
        set, by whom; never the hash)."""
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        if request.method == "POST" and user is not None and user.password != before:
            audit(
                obj=user,
                action="admin.user.password_set",
                actor=request.user,
                changes={"password": ["(hidden)", "(hidden, set anew)"]},
                note="Django admin",
            )
        return response
