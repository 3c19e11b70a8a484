"""Django admin for staff: search and inspect the register. Formal data comes from GIAS imports and informal data
through the services (which audit every change), so the admin is for looking things up and for rare repairs."""

from django.contrib import admin

from schoolsystem.registry.models import (
    Establishment,
    EstablishmentLink,
    Group,
    LocalAuthority,
    Membership,
    SystemLeader,
)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region_name")
    list_filter = ("region_name",)
    search_fields = ("code", "name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("establishment", "group")
    fields = ("establishment", "group", "role", "joined_on", "left_on")
    can_delete = False  # a membership ends (left_on); its row stays, so the school's history is kept

    def get_queryset(self, request):  # each row names its school and group: not a query per row
        return super().get_queryset(request).select_related("establishment", "group")


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ("urn", "name", "la", "type_name", "phase", "status", "ofsted_rating")
    list_filter = ("status", "state_funded", "type_group", "phase", "ofsted_rating", "la__region_name")
    search_fields = ("=urn", "name", "postcode", "ukprn")
    list_select_related = ("la",)
    raw_id_fields = ("la",)
    inlines = [MembershipInline]
    date_hierarchy = "opened_on"


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "group_type", "status", "la", "uid", "opened_on", "closed_on")
    list_filter = ("group_type", "status")
    search_fields = ("name", "=uid", "group_id", "companies_house_number")
    list_select_related = ("la",)
    raw_id_fields = ("la",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("establishment", "group", "role", "joined_on", "left_on")
    list_filter = ("role", "group__group_type")
    search_fields = ("=establishment__urn", "establishment__name", "group__name")
    list_select_related = ("establishment", "group")
    raw_id_fields = ("establishment", "group")

    def has_delete_permission(self, request, obj=None):  # ended, never deleted: the school's history is kept
        return False


@admin.register(EstablishmentLink)
class EstablishmentLinkAdmin(admin.ModelAdmin):
    list_display = ("urn", "link_type", "linked_urn", "linked_name", "established_on")
    list_filter = ("link_type",)
    search_fields = ("=urn", "=linked_urn", "linked_name")


@admin.register(SystemLeader)
class SystemLeaderAdmin(admin.ModelAdmin):
    list_display = ("name", "designation", "establishment", "phase", "days_per_term", "designation_ends_on")
    list_filter = ("designation", "national_support_school", "phase")
    search_fields = ("name", "specialism", "=establishment__urn", "establishment__name")
    list_select_related = ("establishment",)
    raw_id_fields = ("establishment", "teaching_school_alliance")
