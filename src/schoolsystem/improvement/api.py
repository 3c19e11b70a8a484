"""API of the improvement app: cases (scoped), support offers and requests, peer reviews and the public decision
register. Write endpoints validate with the same forms as the pages, so bad input is refused alike (400 + fields)."""

from django.http import QueryDict
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from schoolsystem.accounts.scope import can_see_casework
from schoolsystem.core.errors import NotFound
from schoolsystem.improvement import forms, selectors, services
from schoolsystem.improvement.constants import CaseAction, DecisionType
from schoolsystem.improvement.models import Case, Decision, Offer, PeerReview, SupportRequest
from schoolsystem.improvement.views import (
    _action_spec,
    _review_spec,
    _support_spec,
    own_school,
    plan_review,
    school_field,
)


class InvalidInput(APIException):
    """Bad input to a write endpoint: 400 naming each field, the shape domain ValidationFailed errors have too."""

    status_code = 400

    def __init__(self, form):
        errors = {name: [e["message"] for e in errs] for name, errs in form.errors.get_json_data().items()}
        super().__init__({"detail": "Invalid input.", "code": "ValidationFailed", "errors": errors})


def validated(form) -> dict:
    """The form's cleaned data, or InvalidInput (400) when it does not validate."""
    if not form.is_valid():
        raise InvalidInput(form)
    return form.cleaned_data


def run_spec(request, spec):
    """Run one page spec (form class, form kwargs, title, call) on the request's data: the same form and service as
    the page, so both refuse bad input alike. Returns what the service returned."""
    if spec is None:
        raise DRFNotFound("No such step.")
    form_class, kwargs, _title, call = spec
    return call(validated(form_class(_form_data(request), **kwargs)))


def _form_data(request) -> QueryDict:
    """JSON bodies as form data (lists become repeated keys)."""
    if isinstance(request.data, QueryDict):
        return request.data
    data = QueryDict(mutable=True)
    if not isinstance(request.data, dict):
        return data
    for key, value in request.data.items():
        if isinstance(value, list):
            data.setlist(key, [str(v) for v in value])
        elif value is not None:
            data[key] = str(value)
    return data


# ---------------------------------------------------------------------------------------------------------------
# Decisions (public)


class PublicDecisionSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="establishment.urn", default=None, read_only=True)
    school = serializers.CharField(source="establishment.name", default=None, read_only=True)
    la = serializers.CharField(source="la.name", default=None, read_only=True)
    la_code = serializers.CharField(source="la.code", default=None, read_only=True)
    minutes_url = serializers.SerializerMethodField()
    superseded_by = serializers.CharField(source="superseded_by.reference", default=None, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "reference",
            "decision_type",
            "outcome",
            "superseded_by",
            "urn",
            "school",
            "la",
            "la_code",
            "decided_on",
            "published_on",
            "redactions",
            "minutes_url",
        ]

    def get_minutes_url(self, obj) -> str | None:
        return f"/decisions/{obj.pk}/minutes/" if obj.minutes else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Text fields only ever come from public_values: redacted text is replaced, never sent; nor is the passage.
        data.update(services.public_values(instance))
        data["redactions"] = services.public_redactions(instance)
        data["headline"] = services.public_headline(instance, data)
        return data


class DecisionFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    school = serializers.CharField(required=False, allow_blank=True, max_length=200)
    la = serializers.CharField(required=False, allow_blank=True, max_length=120)
    type = serializers.ChoiceField(choices=DecisionType.choices, required=False)
    decided_from = serializers.DateField(required=False)
    decided_to = serializers.DateField(required=False)


class PublicDecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """The public decision register: published decisions only, no sign-in. Filters: q, school (URN or name), la
    (code or name), type, decided_from, decided_to."""

    serializer_class = PublicDecisionSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]
    queryset = Decision.objects.none()

    def get_queryset(self):
        if self.action != "list":
            return selectors.published_decisions()
        filters = DecisionFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        return selectors.published_decisions(
            q=f.get("q", ""),
            school=f.get("school", ""),
            la=f.get("la", ""),
            decision_type=f.get("type", ""),
            decided_from=f.get("decided_from"),
            decided_to=f.get("decided_to"),
        )


# ---------------------------------------------------------------------------------------------------------------
# Cases (scoped)


def _may_issue_notice(case) -> bool:
    return CaseAction.ISSUE_WARNING_NOTICE in selectors.case_actions(case)


class CaseSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="school.urn", read_only=True)
    school = serializers.CharField(source="school.name", read_only=True)
    la_code = serializers.CharField(source="school.la.code", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "urn",
            "school",
            "la_code",
            "sector",
            "state",
            "source",
            "identified_on",
            "reasons",
            "summary",
            "exit_criteria",
            "warning_grounds",
            "warning_notice_issued_on",
            "compliance_by",
            "intervention",
            "intervention_partner_name",
            "next_visit_due",
            "next_review_due",
            "escalated_on",
            "closed_on",
            "version",
            "created_on",
            "allowed_actions",
        ]

    def get_allowed_actions(self, obj) -> list[str]:
        """The moves the signed-in user may make on the case, as the service takes them: its state's moves less
        those their role does not make and those the case's own record refuses (exit, escalation)."""
        request = self.context.get("request")
        if request is None:
            return selectors.case_actions(obj)
        # The school's academy route refuses a warning notice while it stands, so it is read only for a case whose
        # state allows one. A list reads those routes at once (`CaseViewSet.get_serializer`, two queries).
        route = None
        if _may_issue_notice(obj):
            routes = self.context.get("routes")
            route = (
                routes[obj.school_id]
                if routes is not None
                else selectors.academy_route(request.user, obj.school)
            )
        guarded = selectors.case_guard_refusals(obj, order=getattr(obj, "academy_order", None), route=route)
        return [a for a in selectors.case_actions_for(obj, request.user) if a not in guarded]


class IsCasework(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return selectors.can_change_casework(user)


class SeesCasework(permissions.BasePermission):
    """Reads for the roles that see casework (`can_see_casework`), as the casework pages are."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and can_see_casework(user))


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cases of schools causing concern in your scope. POST to open one (urn, reasons[], source, identified_on: an
    ISO date, default today); POST
    /cases/{id}/actions/{action}/ with the action's fields and the `version` you read to move it."""

    serializer_class = CaseSerializer
    permission_classes = [IsCasework]
    queryset = Case.objects.none()

    def get_queryset(self):
        # The academy order is read by allowed_actions: joined here, not fetched per case.
        return (
            selectors.cases_for_user(self.request.user)
            .select_related("academy_order")
            .order_by("-created_on", "-id")
        )

    def get_serializer(self, *args, **kwargs):
        if kwargs.get("many") and args:  # a page of the list: each case's academy route, read at once
            cases = list(args[0])
            kwargs["context"] = {
                **self.get_serializer_context(),
                "routes": selectors.academy_routes(
                    self.request.user, {c.school_id for c in cases if _may_issue_notice(c)}
                ),
            }
            args = (cases, *args[1:])
        return super().get_serializer(*args, **kwargs)

    def get_object(self):
        try:
            return selectors.case_for_user(self.request.user, self.kwargs["pk"])
        except NotFound as exc:
            raise DRFNotFound(exc.message) from exc

    def create(self, request):
        cd = validated(forms.CaseOpenForm(_form_data(request)))
        case = services.case_open(
            school=school_field(request.user, cd["urn"]),
            by=request.user,
            source=cd["source"],
            reasons=cd["reasons"],
            summary=cd["summary"],
            identified_on=cd.get("identified_on"),
        )
        return Response(
            CaseSerializer(case, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z_]+)")
    def transition(self, request, pk=None, action_name=""):
        case = self.get_object()
        run_spec(request, _action_spec(action_name, case, request.user))
        return Response(
            CaseSerializer(selectors.case_for_user(request.user, case.pk), context={"request": request}).data
        )


# ---------------------------------------------------------------------------------------------------------------
# Support


class OfferSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)
    provider_kind = serializers.CharField(source="provider.kind", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "title",
            "kind",
            "needs",
            "phases",
            "provider",
            "provider_kind",
            "radius_km",
            "days_per_term",
            "schools_at_once",
            "price_model",
            "credits_per_day",
            "contact_name",
            "contact_email",
        ]


class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """The support directory. GET /support-offers/search/?urn=&needs=&needs=&days_needed= ranks and explains."""

    serializer_class = OfferSerializer
    # As the directory's pages: its contacts are for the people who broker support.
    permission_classes = [SeesCasework]
    queryset = Offer.objects.filter(active=True).select_related("provider").order_by("title")

    @action(detail=False, methods=["get"])
    def search(self, request):
        cd = validated(forms.OfferSearchForm(request.query_params))
        school = school_field(request.user, cd["urn"])
        ranked = selectors.rank_offers_for(school, cd["needs"], cd["days_needed"])
        return Response(
            [
                {
                    "offer_id": r.offer_id,
                    "title": r.title,
                    "score": r.score,
                    "distance_m": r.distance_m,
                    "spare_days": r.spare_days,
                    "reasons": list(r.reasons),
                }
                for r in ranked
            ]
        )


class SupportRequestSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="school.urn", read_only=True)
    school = serializers.CharField(source="school.name", read_only=True)
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = SupportRequest
        fields = [
            "id",
            "urn",
            "school",
            "state",
            "origin",
            "needs",
            "description",
            "days_needed",
            "offer",
            "days_agreed",
            "objectives",
            "next_review_due",
            "closed_on",
            "days_delivered",
            "impact_summary",
            "impact",
            "created_on",
            "milestones",
        ]

    def get_milestones(self, obj) -> list[dict]:
        return [
            {"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
            for m in obj.milestones.all()
        ]


class SupportRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """School-to-school support requests in your scope. POST to request support (urn, needs[], description, days_needed)."""

    serializer_class = SupportRequestSerializer
    queryset = SupportRequest.objects.none()

    def get_queryset(self):
        return (
            selectors.support_requests_for_user(self.request.user)
            .prefetch_related("milestones")
            .order_by("-created_on", "-id")
        )

    def get_object(self):
        try:
            return selectors.support_request_for_user(self.request.user, self.kwargs["pk"])
        except NotFound as exc:
            raise DRFNotFound(exc.message) from exc

    def create(self, request):
        # A school leader asks for their own school: the school is theirs, whatever URN is sent.
        school = own_school(request.user)
        cd = validated(forms.SupportRequestForm(_form_data(request), school=school))
        req = services.support_request_create(
            by=request.user,
            school=school or school_field(request.user, cd["urn"]),
            needs=cd["needs"],
            description=cd["description"],
            days_needed=cd["days_needed"],
        )
        return Response(SupportRequestSerializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="support_requests_step")
    @action(
        detail=True,
        methods=["post"],
        url_path=r"(?P<step>match|agree|deploy|milestone|review|close|withdraw|rate)",
    )
    def step(self, request, pk=None, step=""):
        """One step of the request: match (offers[]), agree (offer, days_agreed, objectives), deploy (milestones:
        lines "YYYY-MM-DD title"), milestone (milestone, done_on), review (reviewed_on, rag, progress), close
        (days_delivered, impact_summary), withdraw (reason), rate (score, comment)."""
        req = self.get_object()
        run_spec(request, _support_spec(step, req, request.user))
        return Response(
            SupportRequestSerializer(selectors.support_request_for_user(request.user, req.pk)).data
        )


class PeerReviewSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="school.urn", read_only=True)
    school = serializers.CharField(source="school.name", read_only=True)
    partnership = serializers.CharField(source="partnership.name", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = PeerReview
        fields = [
            "id",
            "urn",
            "school",
            "partnership",
            "review_on",
            "state",
            "focus_areas",
            "strengths",
            "areas_for_development",
            "previous",
            "actions",
        ]

    def get_actions(self, obj) -> list[dict]:
        return [
            {
                "id": a.pk,
                "text": a.text,
                "owner": a.owner,
                "due_on": a.due_on,
                "status": a.status,
                "carried_from": a.carried_from_id,
            }
            for a in obj.actions.all()
        ]


class PeerReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Peer reviews of schools in your scope. POST to plan one (partnership id, urn, review_on, focus_areas,
    reviewers: lines "name, URN"); POST /peer-reviews/{id}/findings/ (strengths, areas_for_development),
    /actions/ (text, owner, due_on), /actions/{action_id}/complete/ (status: done or dropped; default done),
    /support/ (needs[], description, days_needed) to raise a support request."""

    serializer_class = PeerReviewSerializer
    queryset = PeerReview.objects.none()

    def get_queryset(self):
        return (
            selectors.peer_reviews_for_user(self.request.user)
            .prefetch_related("actions")
            .order_by("-review_on", "-id")
        )

    def get_object(self):
        try:
            return selectors.peer_review_for_user(self.request.user, self.kwargs["pk"])
        except NotFound as exc:
            raise DRFNotFound(exc.message) from exc

    def _reply(self, review, code=status.HTTP_200_OK) -> Response:
        return Response(
            PeerReviewSerializer(selectors.peer_review_for_user(self.request.user, review.pk)).data,
            status=code,
        )

    def create(self, request):
        form = forms.PeerReviewPlanForm(
            _form_data(request), partnerships=selectors.partnerships_for_user(request.user)
        )
        return self._reply(plan_review(request.user, validated(form)), status.HTTP_201_CREATED)

    def _step(self, request, step):
        review = self.get_object()
        result = run_spec(request, _review_spec(step, review, request.user))
        if step == "support":
            return Response(SupportRequestSerializer(result).data, status=status.HTTP_201_CREATED)
        return self._reply(review, status.HTTP_201_CREATED if step == "action" else status.HTTP_200_OK)

    @action(detail=True, methods=["post"])
    def findings(self, request, pk=None):
        return self._step(request, "findings")

    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request, pk=None):
        return self._step(request, "action")

    @action(detail=True, methods=["post"])
    def support(self, request, pk=None):
        return self._step(request, "support")

    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_id>[0-9]+)/complete")
    def complete_action(self, request, pk=None, action_id=None):
        review = self.get_object()
        data = _form_data(request)
        if "status" not in data:
            data = data.copy()
            data["status"] = "done"
        cd = validated(forms.ActionStatusForm(data))
        item = review.actions.filter(pk=int(action_id)).first()
        if item is None:
            raise DRFNotFound("No such action in this review.")
        services.peer_review_action_update(by=request.user, action=item, status=cd["status"])
        return self._reply(review)
