"""Registry REST API (/api/v1/): read the register, and write informal partnerships, memberships and system leaders.

Reads: any signed-in user (registry data is public open data); lists are paginated, filtered by validated query
parameters, and default to the user's own area (docs/decisions/0040-registry-api.md): `?la=all` lists England.
Writes: a token or session (with CSRF) and a role; each calls a service in registry.services, which checks scope
and writes the audit event. Out-of-scope objects are 404. Audit history: officers, within their scope.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import establishment_q, members_q
from schoolsystem.core.api import (
    AuditEventSerializer,
    AuditHistoryPageSerializer,
    IsOfficer,
    ReadOnlyOrRole,
    query_params,
)
from schoolsystem.core.audit import history_for
from schoolsystem.core.errors import NotFound
from schoolsystem.registry import selectors, services
from schoolsystem.registry.constants import (
    FORMAL_GROUP_TYPES,
    EstablishmentStatus,
    GroupStatus,
    GroupType,
    MembershipRole,
    SystemLeaderDesignation,
)
from schoolsystem.registry.models import (
    Establishment,
    EstablishmentLink,
    Group,
    LocalAuthority,
    Membership,
    SystemLeader,
)

ALL = "all"
LA_HELP = "LA code (e.g. 936), or 'all' for England. Default: the signed-in user's own area."

# ---------------------------------------------------------------------------------------------------------------
# Scope: default area for lists, and which objects an officer may read the history of.
# ---------------------------------------------------------------------------------------------------------------


def default_area_q(user, prefix: str = "") -> Q:
    """The establishments a list shows when no `la` is asked for: the user's own area.

    LA officer: their LA; regional officer: their region; trust leader: their group's schools; school leader: their
    school's LA; everyone else (and administrators): England.
    """
    if user.is_superuser or user.is_staff:
        return Q()
    if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
        la_id = Establishment.objects.filter(pk=user.scope_establishment_id).values("la_id")
        return Q(**{f"{prefix}la_id__in": la_id})
    if user.role == Role.TRUST_LEADER and user.scope_group_id:
        # Registry data is public: a partnership's leader lists its members, as on the pages (ADR 0098).
        return members_q(user.scope_group_id, prefix)
    if user.role in {Role.LA_OFFICER, Role.REGIONAL_OFFICER}:
        return establishment_q(user, prefix)
    return Q()


def _la_filter(user, la: str | None, prefix: str = "") -> Q:
    if la == ALL:
        return Q()
    if la:
        return Q(**{f"{prefix}la__code": la})
    return default_area_q(user, prefix)


def establishments_in_history_scope(user) -> QuerySet[Establishment]:
    return Establishment.objects.filter(establishment_q(user))


def groups_in_history_scope(user) -> QuerySet[Group]:
    """Groups an officer may read the history of: those of their area, or with a member school in their area."""
    if user.is_superuser or user.is_staff:
        return Group.objects.all()
    members = Membership.objects.filter(establishment_q(user, "establishment__")).values("group_id")
    own = Q(pk__in=[])
    if user.role == Role.LA_OFFICER and user.scope_la_id:
        own = Q(la_id=user.scope_la_id)
    elif user.role == Role.REGIONAL_OFFICER and user.scope_region:
        own = Q(la__region_name=user.scope_region)
    return Group.objects.filter(own | Q(pk__in=members))


def memberships_in_history_scope(user) -> QuerySet[Membership]:
    if user.is_superuser or user.is_staff:
        return Membership.objects.all()
    return Membership.objects.filter(establishment_q(user, "establishment__"))


def system_leaders_in_history_scope(user) -> QuerySet[SystemLeader]:
    if user.is_superuser or user.is_staff:
        return SystemLeader.objects.all()
    return SystemLeader.objects.filter(establishment_q(user, "establishment__"))


def _history_response(view, obj) -> Response:
    events = history_for(obj)
    page = view.paginate_queryset(events)
    return view.get_paginated_response(AuditEventSerializer(page, many=True).data)


def history_schema(what: str):
    return extend_schema(
        summary=f"Audit history of one {what} (officers, within their area)",
        request=None,
        responses=AuditHistoryPageSerializer,
        parameters=[
            OpenApiParameter("page", int, description="Page number"),
            OpenApiParameter("page_size", int, description="Events per page (at most 500)"),
        ],
    )


# ---------------------------------------------------------------------------------------------------------------
# Serializers (read)
# ---------------------------------------------------------------------------------------------------------------


class LocalAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAuthority
        fields = ["code", "name", "region_code", "region_name"]


class EstablishmentSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True)
    la_name = serializers.CharField(source="la.name", read_only=True)

    class Meta:
        model = Establishment
        fields = [
            "urn",
            "name",
            "la",
            "la_name",
            "type_name",
            "type_group",
            "phase",
            "status",
            "state_funded",
            "statutory_low_age",
            "statutory_high_age",
            "pupils",
            "capacity",
            "fsm_percent",
            "religious_character",
            "postcode",
            "district",
            "easting",
            "northing",
            "ofsted_rating",
            "ofsted_last_inspection",
        ]


class GroupBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "uid", "name", "group_type", "status"]


class EstablishmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Establishment
        fields = ["urn", "name", "status", "phase"]


class MembershipOfSchoolSerializer(serializers.ModelSerializer):
    group = GroupBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "group", "role", "joined_on", "left_on", "is_current"]


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = EstablishmentLink
        fields = ["urn", "linked_urn", "linked_name", "link_type", "established_on"]


class SystemLeaderSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="establishment.urn", read_only=True, allow_null=True)
    school_name = serializers.CharField(source="establishment.name", read_only=True, allow_null=True)
    teaching_school_alliance = GroupBriefSerializer(read_only=True, allow_null=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = SystemLeader
        fields = [
            "id",
            "name",
            "designation",
            "urn",
            "school_name",
            "national_support_school",
            "specialism",
            "phase",
            "teaching_school_alliance",
            "designated_on",
            "designation_ends_on",
            "days_per_term",
            "is_current",
        ]

    def get_is_current(self, leader: SystemLeader) -> bool:
        return leader.designation_ends_on is None or leader.designation_ends_on >= date.today()


class EstablishmentDetailSerializer(EstablishmentSerializer):
    laestab = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    memberships = MembershipOfSchoolSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()
    system_leaders = SystemLeaderSerializer(many=True, read_only=True)

    class Meta(EstablishmentSerializer.Meta):
        fields = [
            *EstablishmentSerializer.Meta.fields,
            "laestab",
            "gender",
            "religious_ethos",
            "diocese",
            "admissions_policy",
            "ukprn",
            "address",
            "website",
            "telephone",
            "head_name",
            "urban_rural",
            "region",
            "ward",
            "constituency",
            "opened_on",
            "open_reason",
            "closed_on",
            "close_reason",
            "memberships",
            "links",
            "system_leaders",
        ]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, est: Establishment) -> list[dict]:
        links = EstablishmentLink.objects.filter(Q(urn=est.urn) | Q(linked_urn=est.urn))
        return LinkSerializer(links, many=True).data


class GroupSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True, allow_null=True)
    is_formal = serializers.BooleanField(read_only=True)
    current_members = serializers.IntegerField(read_only=True)

    class Meta:
        model = Group
        fields = [
            "id",
            "uid",
            "group_id",
            "name",
            "group_type",
            "status",
            "la",
            "opened_on",
            "closed_on",
            "is_formal",
            "current_members",
        ]


class GroupMemberSerializer(serializers.ModelSerializer):
    establishment = EstablishmentBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "establishment", "role", "joined_on", "left_on", "is_current"]


class GroupDetailSerializer(GroupSerializer):
    members = GroupMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta(GroupSerializer.Meta):
        fields = [
            *GroupSerializer.Meta.fields,
            "companies_house_number",
            "description",
            "head_office_postcode",
            "members",
        ]


class MembershipSerializer(serializers.ModelSerializer):
    group = GroupBriefSerializer(read_only=True)
    establishment = EstablishmentBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "group", "establishment", "role", "joined_on", "left_on", "is_current"]


# ---------------------------------------------------------------------------------------------------------------
# Query-parameter serializers (validated; also document the parameters in the schema)
# ---------------------------------------------------------------------------------------------------------------


class LocalAuthorityFilters(serializers.Serializer):
    region = serializers.CharField(required=False, help_text="Region name, e.g. South East")
    q = serializers.CharField(required=False, help_text="Part of the name, or the LA code")


class EstablishmentFilters(serializers.Serializer):
    la = serializers.CharField(required=False, help_text=LA_HELP)
    type = serializers.CharField(required=False, help_text="Type of establishment, e.g. Academy converter")
    type_group = serializers.CharField(required=False, help_text="Type group, e.g. Academies")
    phase = serializers.CharField(required=False, help_text="Phase of education, e.g. Primary")
    status = serializers.ChoiceField(choices=EstablishmentStatus.choices, required=False)
    q = serializers.CharField(required=False, help_text="Part of the name, a URN, or a postcode")
    state_funded = serializers.BooleanField(required=False, allow_null=True, default=None)
    ofsted_rating = serializers.CharField(required=False, help_text="e.g. Good, Requires improvement")


class GroupFilters(serializers.Serializer):
    la = serializers.CharField(
        required=False, help_text="LA code of the group (its lead LA), or 'all' (every group)"
    )
    type = serializers.ChoiceField(choices=GroupType.choices, required=False)
    formal = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: GIAS groups; false: partnerships"
    )
    status = serializers.ChoiceField(choices=GroupStatus.choices, required=False)
    q = serializers.CharField(required=False, help_text="Part of the name, or the GIAS UID")
    urn = serializers.IntegerField(required=False, help_text="Groups this school is a current member of")


class MembershipFilters(serializers.Serializer):
    group = serializers.IntegerField(required=False, help_text="Group id")
    urn = serializers.IntegerField(required=False)
    la = serializers.CharField(required=False, help_text=LA_HELP + " (the school's LA)")
    role = serializers.ChoiceField(choices=MembershipRole.choices, required=False)
    group_type = serializers.ChoiceField(choices=GroupType.choices, required=False)
    current = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: current only; false: ended only"
    )


class LinkFilters(serializers.Serializer):
    urn = serializers.IntegerField(help_text="Links from or to this URN")
    link_type = serializers.CharField(required=False)


class SystemLeaderFilters(serializers.Serializer):
    la = serializers.CharField(
        required=False,
        help_text=LA_HELP
        + " Leaders based at that LA's schools, and leaders with no school (some NLGs, who serve anywhere) in "
        "every area, as on the system leaders page. An unknown LA code is a 404.",
    )
    designation = serializers.ChoiceField(choices=SystemLeaderDesignation.choices, required=False)
    urn = serializers.IntegerField(required=False, help_text="The leader's school (the area is then ignored)")
    phase = serializers.CharField(required=False)
    q = serializers.CharField(required=False, help_text="Part of the name or specialism")
    current = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: designations not ended; false: ended ones. Default: both.",
    )


# ---------------------------------------------------------------------------------------------------------------
# Serializers (write): shape and types only; the rules live in the services.
# ---------------------------------------------------------------------------------------------------------------

INFORMAL_CHOICES = [(t.value, t.label) for t in GroupType if t not in FORMAL_GROUP_TYPES]


class _SlugField(serializers.SlugRelatedField):
    """A record named by its code. Text holding NUL is refused as invalid before the lookup: PostgreSQL cannot
    compare it and raised DataError, a 500 (found by fuzzing the API there)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class LaCodeField(_SlugField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=LocalAuthority.objects.all(), **kwargs)


class UrnField(_SlugField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="urn", queryset=Establishment.objects.all(), **kwargs)


class PartnershipCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=250)
    group_type = serializers.ChoiceField(choices=INFORMAL_CHOICES)
    la = LaCodeField(required=False, allow_null=True, help_text="LA code; default: your own LA")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)


class PartnershipUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=250, required=False)
    group_type = serializers.ChoiceField(choices=INFORMAL_CHOICES, required=False)
    la = LaCodeField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True)
    opened_on = serializers.DateField(required=False, allow_null=True)


class CloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField()


class MembershipCreateSerializer(serializers.Serializer):
    group = serializers.IntegerField(help_text="Id of an informal partnership you may edit")
    urn = UrnField()
    role = serializers.ChoiceField(choices=MembershipRole.choices)
    joined_on = serializers.DateField()


class MembershipEndSerializer(serializers.Serializer):
    left_on = serializers.DateField()


class SystemLeaderWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    designation = serializers.ChoiceField(choices=SystemLeaderDesignation.choices)
    urn = UrnField(required=False, allow_null=True, help_text="URN of the leader's school (not for an NLG)")
    national_support_school = serializers.BooleanField(required=False, default=False)
    teaching_school_alliance = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.filter(group_type=GroupType.TEACHING_SCHOOL_ALLIANCE),
        required=False,
        allow_null=True,
        help_text="Group id of the teaching school alliance (SLEs)",
    )
    specialism = serializers.CharField(required=False, allow_blank=True, default="")
    phase = serializers.CharField(required=False, allow_blank=True, default="")
    designated_on = serializers.DateField(required=False, allow_null=True, default=None)
    designation_ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    days_per_term = serializers.IntegerField(required=False, min_value=0, default=0)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        if "urn" in data:
            data["establishment"] = data.pop("urn")
        return data


class SystemLeaderEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()


# ---------------------------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Local authorities", parameters=[LocalAuthorityFilters]),
    retrieve=extend_schema(summary="One local authority, by LA code"),
)
class LocalAuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LocalAuthoritySerializer
    lookup_field = "code"
    queryset = LocalAuthority.objects.all()

    def get_queryset(self):
        qs = LocalAuthority.objects.order_by("name")
        if self.action != "list":
            return qs
        f = query_params(LocalAuthorityFilters, self.request)
        if "region" in f:
            qs = qs.filter(region_name__iexact=f["region"])
        if "q" in f:
            qs = qs.filter(Q(name__icontains=f["q"]) | Q(code=f["q"]))
        return qs


@extend_schema_view(
    list=extend_schema(summary="Establishments (schools)", parameters=[EstablishmentFilters]),
    retrieve=extend_schema(summary="One establishment by URN, with memberships, links and system leaders"),
)
class EstablishmentViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "urn"
    lookup_value_regex = r"\d+"
    queryset = Establishment.objects.all()

    def get_serializer_class(self):
        return EstablishmentDetailSerializer if self.action == "retrieve" else EstablishmentSerializer

    def get_queryset(self):
        qs = Establishment.objects.select_related("la")
        if self.action == "retrieve":
            return qs.prefetch_related(
                Prefetch(
                    "memberships",
                    Membership.objects.select_related("group").order_by(
                        F("joined_on").desc(nulls_last=True), "pk"
                    ),
                ),
                Prefetch("system_leaders", SystemLeader.objects.select_related("teaching_school_alliance")),
            )
        if self.action != "list":
            return qs
        f = query_params(EstablishmentFilters, self.request)
        qs = qs.filter(_la_filter(self.request.user, f.get("la")))
        for param, field in [
            ("type", "type_name__iexact"),
            ("type_group", "type_group__iexact"),
            ("phase", "phase__iexact"),
            ("status", "status"),
            ("state_funded", "state_funded"),
            ("ofsted_rating", "ofsted_rating__iexact"),
        ]:
            if param in f:
                qs = qs.filter(**{field: f[param]})
        if "q" in f:  # the pages' rule: punctuation in names ignored ("St Marys" finds "St Mary's")
            qs = selectors.text_search(qs, f["q"])
        return qs.order_by("name", "urn")

    @history_schema("establishment")
    @action(detail=True, methods=["get"], permission_classes=[IsOfficer])
    def history(self, request: Request, urn: str) -> Response:
        establishment = establishments_in_history_scope(request.user).filter(urn=urn).first()
        if establishment is None:
            raise NotFound("No establishment in your area has that URN.")
        return _history_response(self, establishment)


WRITE_PARTNERSHIP_ROLES = (Role.LA_OFFICER, Role.TRUST_LEADER, Role.SCHOOL_LEADER)


@extend_schema_view(
    list=extend_schema(
        summary="Groups: trusts, federations, sponsors and partnerships", parameters=[GroupFilters]
    ),
    retrieve=extend_schema(summary="One group, with its members over time"),
)
class GroupViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Formal groups are read-only (they come from GIAS); informal partnerships are created and edited here."""

    permission_classes = [ReadOnlyOrRole]
    write_roles = WRITE_PARTNERSHIP_ROLES
    queryset = Group.objects.all()

    def get_serializer_class(self):
        return GroupDetailSerializer if self.action == "retrieve" else GroupSerializer

    def get_queryset(self):
        qs = Group.objects.select_related("la").annotate(
            current_members=Count("memberships", filter=Q(memberships__left_on__isnull=True))
        )
        if self.action == "retrieve":
            return qs.prefetch_related(
                Prefetch(
                    "memberships",
                    Membership.objects.select_related("establishment").order_by(
                        F("left_on").desc(nulls_first=True), "establishment__name"
                    ),
                )
            )
        if self.action != "list":
            return qs
        f = query_params(GroupFilters, self.request)
        if f.get("la") and f["la"] != ALL:  # 'all', as on every other list: England
            qs = qs.filter(la__code=f["la"])
        if "type" in f:
            qs = qs.filter(group_type=f["type"])
        if f.get("formal") is not None:
            qs = qs.filter(
                group_type__in=FORMAL_GROUP_TYPES if f["formal"] else services.INFORMAL_GROUP_TYPES
            )
        if "status" in f:
            qs = qs.filter(status=f["status"])
        if "q" in f:
            q = f["q"].strip()
            match = Q(name__icontains=q)
            if q.isdigit():
                match |= Q(uid=int(q))
            qs = qs.filter(match)
        if "urn" in f:
            qs = qs.filter(
                pk__in=Membership.objects.filter(establishment__urn=f["urn"], left_on__isnull=True).values(
                    "group_id"
                )
            )
        return qs.order_by("name", "pk")

    def _detail(self, group: Group, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=group.pk)
        return Response(GroupDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Create an informal partnership",
        request=PartnershipCreateSerializer,
        responses={201: GroupDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _valid(PartnershipCreateSerializer, request.data)
        group = services.partnership_create(by=request.user, **data)
        return self._detail(group, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an informal partnership",
        request=PartnershipUpdateSerializer,
        responses=GroupDetailSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        group = services.group_for_edit(request.user, pk)
        data = _valid(PartnershipUpdateSerializer, request.data, partial=True)
        group = services.partnership_update(by=request.user, group=group, **data)
        return self._detail(group)

    @extend_schema(
        summary="Close an informal partnership", request=CloseSerializer, responses=GroupDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        group = services.group_for_edit(request.user, pk)
        data = _valid(CloseSerializer, request.data)
        group = services.partnership_close(by=request.user, group=group, **data)
        return self._detail(group)

    @history_schema("group")
    @action(detail=True, methods=["get"], permission_classes=[IsOfficer])
    def history(self, request: Request, pk: str) -> Response:
        group = groups_in_history_scope(request.user).filter(pk=pk).first()
        if group is None:
            raise NotFound("No group in your area has that id.")
        return _history_response(self, group)


def _valid(serializer_class, data, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Memberships of schools in groups", parameters=[MembershipFilters]),
    retrieve=extend_schema(summary="One membership"),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadOnlyOrRole]
    write_roles = WRITE_PARTNERSHIP_ROLES
    serializer_class = MembershipSerializer
    queryset = Membership.objects.all()

    def get_queryset(self):
        qs = Membership.objects.select_related("group", "establishment")
        if self.action != "list":
            return qs
        f = query_params(MembershipFilters, self.request)
        if "group" in f:
            qs = qs.filter(group_id=f["group"])
        if "urn" in f:
            qs = qs.filter(establishment__urn=f["urn"])
        if "group" not in f and "urn" not in f:
            qs = qs.filter(_la_filter(self.request.user, f.get("la"), "establishment__"))
        elif f.get("la") and f["la"] != ALL:
            qs = qs.filter(establishment__la__code=f["la"])
        if "role" in f:
            qs = qs.filter(role=f["role"])
        if "group_type" in f:
            qs = qs.filter(group__group_type=f["group_type"])
        if f.get("current") is not None:
            qs = qs.filter(left_on__isnull=f["current"])
        return qs.order_by("group__name", "establishment__name", "-joined_on", "pk")

    @extend_schema(
        summary="Add a school to an informal partnership",
        request=MembershipCreateSerializer,
        responses={201: MembershipSerializer},
    )
    def create(self, request: Request) -> Response:
        data = _valid(MembershipCreateSerializer, request.data)
        group = services.group_for_edit(request.user, data["group"])
        membership = services.membership_add(
            by=request.user,
            group=group,
            establishment=data["urn"],
            role=data["role"],
            joined_on=data["joined_on"],
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a membership (kept in the history)",
        request=MembershipEndSerializer,
        responses=MembershipSerializer,
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        membership = services.membership_for_edit(request.user, pk)
        data = _valid(MembershipEndSerializer, request.data)
        membership = services.membership_end(by=request.user, membership=membership, **data)
        return Response(MembershipSerializer(membership).data)

    @history_schema("membership")
    @action(detail=True, methods=["get"], permission_classes=[IsOfficer])
    def history(self, request: Request, pk: str) -> Response:
        membership = memberships_in_history_scope(request.user).filter(pk=pk).first()
        if membership is None:
            raise NotFound("No membership in your area has that id.")
        return _history_response(self, membership)


@extend_schema_view(
    list=extend_schema(summary="Establishment links (predecessors, successors...)", parameters=[LinkFilters])
)
class LinkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LinkSerializer
    queryset = EstablishmentLink.objects.all()

    def get_queryset(self):
        f = query_params(LinkFilters, self.request)
        qs = EstablishmentLink.objects.filter(Q(urn=f["urn"]) | Q(linked_urn=f["urn"]))
        if "link_type" in f:
            qs = qs.filter(link_type__iexact=f["link_type"])
        return qs.order_by("established_on", "urn", "linked_urn", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="System leaders (NLE, LLE, SLE, NLG)",
        description="The system leaders page's search (designation, then name). Leaders with no school are "
        "listed in every area, including an `la` asked for (before 5 December 2026 `la=CODE` left them out), "
        "and an unknown `la` code is a 404 (it was an empty list).",
        parameters=[SystemLeaderFilters],
    ),
    retrieve=extend_schema(summary="One system leader"),
)
class SystemLeaderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadOnlyOrRole]
    write_roles = tuple(services.SYSTEM_LEADER_EDITOR_ROLES)
    serializer_class = SystemLeaderSerializer
    queryset = SystemLeader.objects.all()

    def get_queryset(self):
        qs = SystemLeader.objects.select_related("establishment", "teaching_school_alliance")
        if self.action != "list":
            return qs
        # The filters are the system leaders page's (selectors.system_leader_search); only the area and the
        # `current` default (both) are the API's own.
        f = query_params(SystemLeaderFilters, self.request)
        current = f.get("current")
        filters = selectors.LeaderFilters(
            q=f.get("q", ""),
            designation=f.get("designation", ""),
            phase=f.get("phase", ""),
            status=selectors.LEADERS_ANY
            if current is None
            else (selectors.LEADERS_CURRENT if current else selectors.LEADERS_ENDED),
        )
        if "urn" in f:
            england = selectors.Area("england", "England")
            return selectors.system_leader_search(england, filters).filter(establishment__urn=f["urn"])
        if f.get("la"):
            area = selectors.area_for(self.request.user, f["la"])  # 'all' is England; unknown: NotFound
        else:
            # The API's default area (a school leader's is their school's LA), as its other lists.
            own = default_area_q(self.request.user)
            area = selectors.Area("area", "Your area", own) if own else selectors.Area("england", "England")
        return selectors.system_leader_search(area, filters)

    def _one(self, leader: SystemLeader, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=leader.pk)
        return Response(SystemLeaderSerializer(fresh).data, status=code)

    @extend_schema(
        summary="Record a system leader",
        request=SystemLeaderWriteSerializer,
        responses={201: SystemLeaderSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = SystemLeaderWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        leader = services.system_leader_create(by=request.user, **serializer.service_kwargs())
        return self._one(leader, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a system leader's record",
        request=SystemLeaderWriteSerializer,
        responses=SystemLeaderSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        leader = services.system_leader_for_edit(request.user, pk)
        serializer = SystemLeaderWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        leader = services.system_leader_update(by=request.user, leader=leader, **serializer.service_kwargs())
        return self._one(leader)

    @extend_schema(
        summary="End a designation", request=SystemLeaderEndSerializer, responses=SystemLeaderSerializer
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        leader = services.system_leader_for_edit(request.user, pk)
        data = _valid(SystemLeaderEndSerializer, request.data)
        leader = services.system_leader_end(by=request.user, leader=leader, **data)
        return self._one(leader)

    @history_schema("system leader")
    @action(detail=True, methods=["get"], permission_classes=[IsOfficer])
    def history(self, request: Request, pk: str) -> Response:
        leader = system_leaders_in_history_scope(request.user).filter(pk=pk).first()
        if leader is None:
            raise NotFound("No system leader in your area has that id.")
        return _history_response(self, leader)
