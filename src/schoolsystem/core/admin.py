from django.contrib import admin

from schoolsystem.core.models import AuditEvent, ImportRecord


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_on", "who", "action", "content_type", "object_repr")
    list_select_related = ("actor", "content_type")  # "who" reads the actor: not a query per row
    list_filter = ("action", "content_type")
    search_fields = ("object_repr", "actor_label", "object_id")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = (
        "created_on",
        "kind",
        "file_name",
        "year",
        "rows",
        "created",
        "updated",
        "unchanged",
        "closed",
    )
    list_filter = ("kind",)
