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
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "organisation", "accreditation_type", "status", "assessor", "submitted_on"]
    list_filter = ["status", "accreditation_type"]
    search_fields = ["organisation__name"]
    readonly_fields = [f.name for f in Application._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


@admin.register(Accreditation)
class AccreditationAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(admin.ModelAdmin):
    list_display = ["assessor", "organisation", "created_on"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["application", "status", "created_on"]
    readonly_fields = [f.name for f in Complaint._meta.concrete_fields]
