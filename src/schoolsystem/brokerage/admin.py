"""Admin: read-mostly views for support staff. Workflow changes go through the pages and API (services)."""

from django.contrib import admin

from schoolsystem.brokerage.models import (
    BoardDecision,
    Candidate,
    Consultation,
    DueDiligenceCheck,
    HandOff,
    PartnerProfile,
    Proposal,
    Round,
    RoundSchool,
)


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = ["group", "capacity", "max_distance_km", "open_serious_concern", "denomination"]
    list_filter = ["open_serious_concern", "accepts_estate_risk"]
    search_fields = ["group__name"]
    raw_id_fields = ["group"]


class RoundSchoolInline(admin.TabularInline):
    model = RoundSchool
    extra = 0
    raw_id_fields = ["establishment"]
    fields = ["establishment", "move_type", "performing", "orphan_reason"]
    readonly_fields = ["orphan_reason"]

    def get_queryset(self, request):  # each row names its school and round: not a query per row
        return super().get_queryset(request).select_related("establishment", "round")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "scenario", "la", "status", "created_on"]
    list_filter = ["scenario", "status"]
    search_fields = ["reference", "title"]
    list_select_related = ["la"]
    raw_id_fields = ["la", "leaving_group", "created_by"]
    inlines = [RoundSchoolInline]


@admin.register(RoundSchool)
class RoundSchoolAdmin(admin.ModelAdmin):
    list_display = ["establishment", "round", "move_type", "performing", "orphan_reason"]
    list_filter = ["move_type", "performing"]
    search_fields = ["establishment__name", "establishment__urn", "round__reference"]
    list_select_related = ["establishment", "round"]
    raw_id_fields = ["round", "establishment"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["partner_name", "round_school", "eligible", "rank", "fit", "distance_km"]
    list_filter = ["eligible"]
    search_fields = ["partner_name", "round_school__establishment__name"]
    list_select_related = ["round_school__establishment", "round_school__round"]
    raw_id_fields = ["round_school", "group"]


class DueDiligenceInline(admin.TabularInline):
    model = DueDiligenceCheck
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["round_school", "partner_name", "fit", "status", "status_changed_on"]
    list_filter = ["status"]
    search_fields = ["partner_name", "round_school__establishment__name", "round__reference"]
    list_select_related = ["round_school__establishment", "round_school__round"]
    raw_id_fields = ["round", "round_school", "group"]
    inlines = [DueDiligenceInline]


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["proposal", "held_on", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["proposal__round_school__establishment"]
    raw_id_fields = ["proposal", "recorded_by"]


@admin.register(BoardDecision)
class BoardDecisionAdmin(admin.ModelAdmin):
    list_display = ["proposal", "outcome", "decided_on", "decided_by_name", "register_decision_id"]
    list_filter = ["outcome"]
    list_select_related = ["proposal__round_school__establishment"]
    raw_id_fields = ["proposal", "recorded_by"]


@admin.register(HandOff)
class HandOffAdmin(admin.ModelAdmin):
    list_display = ["proposal", "effective_on", "membership"]
    list_select_related = [
        "proposal__round_school__establishment",
        "membership__establishment",
        "membership__group",
    ]
    raw_id_fields = ["proposal", "recorded_by", "membership"]
