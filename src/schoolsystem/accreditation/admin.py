"""Admin: read-mostly views for support staff. Workflow changes go through the pages (services), not here."""

from django.contrib import admin

from schoolsystem.accreditation.models import (
    Accreditation,
    Application,
    Complaint,
    ConflictDeclaration,
    Organisation,
    OrganisationMember,
    Round,
)


class WorkflowRecordAdmin(admin.ModelAdmin):
    """A record the workflow writes (a proposal, an accreditation, a complaint): shown, never added or deleted here,
    so its history cannot be cut short outside the audited services (found in review: the list offered "Delete
    selected accreditations")."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "is_educational", "national_support_school", "denomination"]
    list_filter = ["org_type", "is_educational", "denomination"]
    search_fields = ["name"]
    raw_id_fields = ["establishment", "group"]


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "opens_on", "closes_on"]


@admin.register(Application)
class ApplicationAdmin(WorkflowRecordAdmin):
    list_display = ["reference", "organisation", "accreditation_type", "status", "assessor", "submitted_on"]
    list_select_related = ["organisation", "assessor"]  # the assessor may be empty: name it, or Django won't
    list_filter = ["status", "accreditation_type"]
    search_fields = ["organisation__name"]
    readonly_fields = [f.name for f in Application._meta.concrete_fields]


@admin.register(Accreditation)
class AccreditationAdmin(WorkflowRecordAdmin):
    list_display = [
        "organisation",
        "accreditation_type",
        "status",
        "capacity",
        "current_schools",
        "review_due_on",
    ]
    list_filter = ["status", "accreditation_type"]
    readonly_fields = [f.name for f in Accreditation._meta.concrete_fields]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["assessor", "organisation", "created_on"]


@admin.register(Complaint)
class ComplaintAdmin(WorkflowRecordAdmin):
    list_display = ["application", "status", "created_on"]
    readonly_fields = [f.name for f in Complaint._meta.concrete_fields]
