"""Brokerage API (mounted at /api/v1/brokerage/). Same selectors and services as the pages; domain errors map to
400/403/404/409 through core.api.exception_handler."""

from dataclasses import asdict

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import (
    BoardOutcome,
    ConsultationOutcome,
    DueDiligenceItem,
    DueDiligenceOutcome,
    MoveType,
    Scenario,
)
from schoolsystem.brokerage.models import Proposal, Round
from schoolsystem.core.errors import NotFound, PermissionDenied, ValidationFailed
from schoolsystem.registry.models import Establishment, Group, LocalAuthority

# Whether a board decision's register entry is public yet (named RegisterStatusEnum in the OpenAPI schema).
REGISTER_STATUS_CHOICES = [("draft", "Draft"), ("published", "Published")]


class ProposalSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="round_school.establishment.urn", read_only=True)
    school = serializers.CharField(source="round_school.establishment.name", read_only=True)
    round = serializers.CharField(source="round.reference", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "round",
            "urn",
            "school",
            "partner_key",
            "partner_name",
            "group",
            "fit",
            "distance_km",
            "status",
        ]


class RoundSerializer(serializers.ModelSerializer):
    la = serializers.CharField(source="la.code", read_only=True)

    class Meta:
        model = Round
        fields = [
            "id",
            "reference",
            "title",
            "scenario",
            "status",
            "la",
            "leaving_group",
            "weights",
            "plan_summary",
        ]


class RoundCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    scenario = serializers.ChoiceField(choices=Scenario.choices)
    la_code = serializers.CharField(required=False)
    leaving_group = serializers.IntegerField(required=False)
    weights = serializers.DictField(child=serializers.FloatField(), required=False)


class AddSchoolSerializer(serializers.Serializer):
    urn = serializers.IntegerField()
    move_type = serializers.ChoiceField(choices=MoveType.choices, required=False, default="")
    performing = serializers.BooleanField(required=False, default=False)
    preferences = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    group_key = serializers.CharField(required=False, default="", allow_blank=True)
    join_year = serializers.IntegerField(required=False, allow_null=True, default=None)
    needs = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    finance_flag = serializers.BooleanField(required=False, default=False)
    estate_flag = serializers.BooleanField(required=False, default=False)


class WhatIfSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.FloatField(min_value=0), required=False)
    capacity = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)


def _valid(serializer_class, data):
    s = serializer_class(data=data)
    if not s.is_valid():
        raise ValidationFailed("Check the request.", extra={"errors": s.errors})
    return s.validated_data


def _round_detail(r: Round) -> dict:
    schools = [
        {
            "urn": rs.establishment.urn,
            "name": rs.establishment.name,
            "performing": rs.performing,
            "orphan_reason": rs.orphan_reason,
            "orphan_detail": rs.orphan_detail,
        }
        for rs in selectors.round_schools(r)
    ]
    proposals = ProposalSerializer(
        r.proposals.select_related("round", "round_school__establishment"), many=True
    ).data
    return {**RoundSerializer(r).data, "schools": schools, "plan": proposals}


@extend_schema_view(get=extend_schema(operation_id="brokerage_rounds_list"))
class RoundListView(generics.ListAPIView):
    """The rounds the user may see, paginated like every list of the API (it was a bare array)."""

    serializer_class = RoundSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Round.objects.none()
        return selectors.rounds_for_user(self.request.user).order_by("-id")  # newest first, a stable order

    @extend_schema(
        operation_id="brokerage_rounds_create",
        request=RoundCreateSerializer,
        responses={201: RoundSerializer},
    )
    def post(self, request):
        d = _valid(RoundCreateSerializer, request.data)
        if not selectors.can_run_rounds(request.user):
            raise PermissionDenied("Only officers run brokerage rounds.")
        la = request.user.scope_la
        if d.get("la_code"):
            la = LocalAuthority.objects.filter(code=d["la_code"]).first()
        if la is None:
            raise ValidationFailed(
                "Give la_code.", extra={"errors": {"la_code": ["Unknown or missing LA code"]}}
            )
        group = Group.objects.filter(pk=d["leaving_group"]).first() if d.get("leaving_group") else None
        if d.get("leaving_group") and group is None:
            raise ValidationFailed(
                "Unknown group.",
                extra={"errors": {"leaving_group": [f"No group has id {d['leaving_group']}"]}},
            )
        r = services.round_create(
            by=request.user,
            la=la,
            scenario=d["scenario"],
            title=d["title"],
            leaving_group=group,
            weights=d.get("weights"),
        )
        return Response(RoundSerializer(r).data, status=status.HTTP_201_CREATED)


class RoundDetailView(APIView):
    @extend_schema(operation_id="brokerage_rounds_retrieve", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk):
        return Response(_round_detail(selectors.round_for_user(request.user, pk)))


class RoundActionView(APIView):
    """POST schools (add one), shortlist, plan, what-if, close."""

    @extend_schema(
        operation_id="brokerage_rounds_action",
        description="action: schools (body: AddSchool), shortlist, plan, what-if (body: WhatIf), close.",
        request=OpenApiTypes.OBJECT,
        responses=OpenApiTypes.OBJECT,
    )
    def post(self, request, pk, action):
        r = selectors.round_for_user(request.user, pk)
        if action == "schools":
            d = _valid(AddSchoolSerializer, request.data)
            est = Establishment.objects.select_related("la").filter(urn=d.pop("urn")).first()
            if est is None:
                raise NotFound("No school with that URN.")
            rs = services.round_add_school(by=request.user, round=r, establishment=est, **d)
            return Response({"id": rs.pk, "urn": est.urn}, status=status.HTTP_201_CREATED)
        if action == "shortlist":
            return Response({"candidates": services.round_shortlist(by=request.user, round=r)})
        if action == "plan":
            return Response(_round_detail(services.round_plan(by=request.user, round=r)))
        if action == "close":
            return Response(RoundSerializer(services.round_close(by=request.user, round=r)).data)
        if action == "what-if":
            d = _valid(WhatIfSerializer, request.data)
            weights = d.get("weights")
            if weights is not None:
                weights = {**selectors.Weights.from_dict(r.weights).as_dict(), **weights}
            try:
                result = selectors.round_what_if(r, weights=weights, capacity_overrides=d.get("capacity"))
            except ValueError as exc:
                raise ValidationFailed(str(exc)) from exc
            return Response(
                {
                    "changes": [asdict(c) for c in result["changes"]],
                    "total_fit_before": result["before"].total_fit,
                    "total_fit_after": result["plan"].total_fit,
                    "orphans_after": [asdict(o) for o in result["plan"].orphans],
                }
            )
        raise NotFound("Unknown action.")


class SchoolShortlistView(APIView):
    @extend_schema(operation_id="brokerage_school_shortlist", responses=OpenApiTypes.OBJECT)
    def get(self, request, urn):
        est = selectors.establishment_for_user(request.user, urn)
        _, sl = selectors.school_shortlist(est, selectors.latest_round_school(request.user, est))
        return Response(asdict(sl))


@extend_schema_view(get=extend_schema(operation_id="brokerage_proposals_list"))
class ProposalListView(generics.ListAPIView):
    """The proposals the user may see (an officer's rounds; a trust leader's own trust), paginated."""

    serializer_class = ProposalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Proposal.objects.none()
        return selectors.proposals_for_user(self.request.user).order_by("-round_id", "id")


class CheckSerializer(serializers.Serializer):
    item = serializers.CharField()
    outcome = serializers.CharField()
    note = serializers.CharField()


class RegisterEntrySerializer(serializers.Serializer):
    """The board decision's entry on the decision register: a draft until an officer reviews, redacts and
    publishes it on the register's page."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=REGISTER_STATUS_CHOICES)
    public_url = serializers.URLField(
        allow_null=True, help_text="The decision on the public register; null while it is a draft."
    )


class BoardDecisionSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    decided_on = serializers.DateField()
    register_decision_id = serializers.CharField(help_text="Kept for older clients: register.id as text.")
    register = RegisterEntrySerializer(
        allow_null=True, help_text="Null when the decision register has no entry for the decision."
    )


class ProposalDetailSerializer(ProposalSerializer):
    checks = CheckSerializer(many=True, read_only=True)
    decisions = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "checks", "decisions"]

    @extend_schema_field(BoardDecisionSerializer(many=True))
    def get_decisions(self, p: Proposal) -> list[dict]:
        """Newest first, each with its register entry (selectors.board_decisions_with_register: two queries)."""
        request = self.context.get("request")
        rows = []
        for entry in selectors.board_decisions_with_register(p):
            d = entry.decision
            register = None
            if entry.register_pk is not None:
                url = reverse("decisions:detail", args=[entry.register_pk]) if entry.published else None
                register = {
                    "id": entry.register_pk,
                    "reference": entry.reference,
                    "status": "published" if entry.published else "draft",
                    "public_url": request.build_absolute_uri(url) if url and request else url,
                }
            rows.append(
                {
                    "outcome": d.outcome,
                    "reasons": d.reasons,
                    "decided_on": d.decided_on,
                    "register_decision_id": d.register_decision_id,
                    "register": register,
                }
            )
        return BoardDecisionSerializer(rows, many=True).data


class ProposalDetailView(APIView):
    @extend_schema(operation_id="brokerage_proposals_retrieve", responses=ProposalDetailSerializer)
    def get(self, request, pk):
        p = selectors.proposal_for_user(request.user, pk)
        return Response(ProposalDetailSerializer(p, context={"request": request}).data)


class DueDiligenceSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=DueDiligenceItem.choices)
    outcome = serializers.ChoiceField(choices=DueDiligenceOutcome.choices)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class ConsultationSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    summary = serializers.CharField()
    outcome = serializers.ChoiceField(choices=ConsultationOutcome.choices)


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=BoardOutcome.choices)
    reasons = serializers.CharField()
    decided_on = serializers.DateField()
    decided_by_name = serializers.CharField()


class HandOffSerializer(serializers.Serializer):
    effective_on = serializers.DateField()
    note = serializers.CharField(required=False, default="", allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField()


PROPOSAL_ACTIONS = {
    "start-due-diligence": (None, services.proposal_start_due_diligence),
    "due-diligence": (DueDiligenceSerializer, services.due_diligence_record),
    "complete-due-diligence": (None, services.proposal_complete_due_diligence),
    "consultation": (ConsultationSerializer, services.consultation_record),
    "decision": (DecisionSerializer, services.board_decide),
    "resubmit": (None, services.proposal_resubmit),
    "hand-off": (HandOffSerializer, services.proposal_hand_off),
    "withdraw": (WithdrawSerializer, services.proposal_withdraw),
}


class ProposalActionView(APIView):
    @extend_schema(
        operation_id="brokerage_proposals_action",
        description="action: " + ", ".join(PROPOSAL_ACTIONS),
        request=OpenApiTypes.OBJECT,
        responses=ProposalSerializer,
    )
    def post(self, request, pk, action):
        p = selectors.proposal_for_user(request.user, pk)
        if action not in PROPOSAL_ACTIONS:
            raise NotFound("Unknown action.")
        serializer, service = PROPOSAL_ACTIONS[action]
        kwargs = _valid(serializer, request.data) if serializer else {}
        service(by=request.user, proposal=p, **kwargs)
        p.refresh_from_db()
        return Response(ProposalSerializer(p).data)
