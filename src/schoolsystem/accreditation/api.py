"""API of the accreditation app: the public register (no sign-in) and proposals scoped like the pages."""

from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.models import User
from schoolsystem.accreditation import constants as c
from schoolsystem.accreditation import selectors, services
from schoolsystem.accreditation.models import Accreditation, Application, Complaint, Round
from schoolsystem.core.errors import NotFound, PermissionDenied
from schoolsystem.core.forms import TEXT_LIMIT
from schoolsystem.registry.constants import URN_MAX, URN_MIN
from schoolsystem.registry.models import Establishment


class AccreditedProviderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="organisation.name")
    accredited_since = serializers.DateField(source="accredited_on")
    max_schools = serializers.SerializerMethodField()

    class Meta:
        model = Accreditation
        fields = [
            "id",
            "name",
            "accreditation_type",
            "phases",
            "la_codes",
            "capacity",
            "max_schools",
            "accredited_since",
            "review_due_on",
        ]

    def get_max_schools(self, obj) -> int:
        return selectors.max_schools(obj)


class AccreditedProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Currently accredited providers (suspended and withdrawn ones are not listed). No sign-in needed.
    Filters: ?type=ASP|ASG, ?phase=primary, ?la=936, ?name=oak."""

    serializer_class = AccreditedProviderSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]

    def get_queryset(self):
        q = self.request.query_params
        return selectors.public_register(
            accreditation_type=q.get("type", ""),
            phase=q.get("phase", ""),
            la_code=q.get("la", ""),
            name=q.get("name", ""),
        )


class ApplicationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "organisation",
            "accreditation_type",
            "status",
            "status_label",
            "round",
            "out_of_round_reason",
            "route",
            "phases",
            "la_codes",
            "proposed_capacity",
            "schools_led_in_formal_partnership",
            "primary_schools_governed",
            "ineligibility_reasons",
            "submitted_on",
            "created_on",
        ]
        read_only_fields = fields


class StartInput(serializers.Serializer):
    accreditation_type = serializers.ChoiceField(choices=c.AccreditationType.choices)
    round = serializers.PrimaryKeyRelatedField(
        queryset=Round.objects.all(),
        required=False,
        allow_null=True,
        help_text="The round applied in. Left out: the round open today, as the new-proposal page chooses; "
        "null: out of round (by arrangement with the department).",
    )


class TextInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_LIMIT)


class RecommendInput(serializers.Serializer):
    recommendation = serializers.ChoiceField(choices=c.Recommendation.choices)
    note = serializers.CharField(max_length=TEXT_LIMIT)


class DecideInput(serializers.Serializer):
    accredit = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT_LIMIT)
    capacity = serializers.IntegerField(required=False, min_value=1, max_value=100)
    review_due_on = serializers.DateField(required=False)


class AssignInput(serializers.Serializer):
    assessor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.ASSESSOR, is_active=True)
    )


class ScoreInput(serializers.Serializer):
    heading = serializers.ChoiceField(choices=c.Heading.choices)
    score = serializers.IntegerField(min_value=1, max_value=4)
    notes = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.Serializer):
    heading = serializers.CharField()
    score = serializers.IntegerField()
    notes = serializers.CharField()


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_LIMIT)


class FeedbackReviewInput(serializers.Serializer):
    release = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Proposals the caller may see: applicants their organisation's, assessors those assigned to them, the
    advisory group ASGs at review and feedback, the decision maker all. Others' proposals are 404."""

    serializer_class = ApplicationSerializer
    throttle_classes = [UserRateThrottle]

    def get_queryset(self):
        return selectors.applications_for_user(self.request.user)

    def get_object(self):
        return selectors.application_for_user(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        data = StartInput(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = selectors.organisation_for_user(request.user)
        if organisation is None:
            raise PermissionDenied("Only applicants linked to an organisation start proposals.")
        app = services.application_start(
            organisation=organisation,
            accreditation_type=data.validated_data["accreditation_type"],
            round=(
                data.validated_data["round"] if "round" in data.validated_data else selectors.open_round()
            ),
            by=request.user,
        )
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    def _done(self, app):
        """The proposal after the action. If the action moved it out of the caller's sight (the advisory group
        returning feedback), the caller still gets the state it just set."""
        try:
            app = selectors.application_for_user(self.request.user, app.pk)
        except NotFound:
            app.refresh_from_db()
        return Response(ApplicationSerializer(app).data)

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._done(services.application_submit(application=self.get_object(), by=request.user))

    @action(detail=True, methods=["post"], url_path="request-information")
    def request_information(self, request, pk=None):
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = self.get_object()
        services.information_request(application=app, request=data.validated_data["text"], by=request.user)
        return self._done(app)

    @action(detail=True, methods=["post"], url_path="provide-information")
    def provide_information(self, request, pk=None):
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = self.get_object()
        services.information_provide(application=app, response=data.validated_data["text"], by=request.user)
        return self._done(app)

    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        data = RecommendInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_recommend(
            application=self.get_object(), by=request.user, **data.validated_data
        )
        return self._done(app)

    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        app = services.application_decide(
            application=self.get_object(), by=request.user, **data.validated_data
        )
        return self._done(app)

    def _run(self, request, serializer_class, service, **mapping):
        """Validate the body with `serializer_class` (400 naming the fields), then call `service` with the
        proposal, the caller and the validated fields renamed by `mapping` (input name -> service keyword)."""
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {mapping.get(k, k): v for k, v in data.validated_data.items()}
        app = self.get_object()
        service(application=app, by=request.user, **kwargs)
        return self._done(app)

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Decision maker: assign the assessor (refused, 400, when they declared a conflict)."""
        return self._run(request, AssignInput, services.application_assign_assessor)

    @action(detail=True, methods=["get", "post"])
    def scores(self, request, pk=None):
        """GET: the scores so far (not shown to applicants). POST {heading, score, notes}: the assigned
        assessor scores one heading."""
        app = self.get_object()
        if request.method == "POST":
            data = ScoreInput(data=request.data)
            data.is_valid(raise_exception=True)
            services.score_record(application=app, by=request.user, **data.validated_data)
            app = self.get_object()
        elif request.user.role == Role.APPLICANT and not request.user.is_superuser:
            raise PermissionDenied("Scores are not shown to applicants.")
        return Response(ScoreSerializer(app.scores.all(), many=True).data)

    @action(detail=True, methods=["post"], url_path="advisory-review")
    def advisory_review(self, request, pk=None):
        return self._run(request, NoteInput, services.application_advisory_review)

    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """The assigned assessor writes feedback on an unsuccessful proposal: {text}."""
        return self._run(request, TextInput, services.feedback_write, text="feedback")

    @action(detail=True, methods=["post"], url_path="review-feedback")
    def review_feedback(self, request, pk=None):
        """The advisory group releases the feedback ({release: true}) or returns it with a note."""
        return self._run(request, FeedbackReviewInput, services.feedback_review)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._run(request, WithdrawInput, services.application_withdraw)

    @action(detail=True, methods=["post"])
    def complaints(self, request, pk=None):
        """The applicant lodges a complaint once feedback is released: {text}."""
        data = TextInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_lodge(
            application=self.get_object(), text=data.validated_data["text"], by=request.user
        )
        return Response(
            ComplaintSerializer(complaint, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ComplaintSerializer(serializers.ModelSerializer):
    application_reference = serializers.CharField(source="application.reference", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "application",
            "application_reference",
            "status",
            "status_label",
            "text",
            "review_note",
            "answer",
            "answered_on",
            "created_on",
        ]
        read_only_fields = fields

    def to_representation(self, complaint):
        """The decision maker's review note is theirs: the complainant gets the answer, not the note (as on the
        pages, which never show it to them)."""
        data = super().to_representation(complaint)
        user = getattr(self.context.get("request"), "user", None)
        if user is None or (getattr(user, "role", None) == Role.APPLICANT and not user.is_superuser):
            data.pop("review_note", None)
        return data


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT_LIMIT)


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Complaints on proposals the caller may see; the decision maker reviews and answers them (§3.3)."""

    serializer_class = ComplaintSerializer
    throttle_classes = [UserRateThrottle]

    def get_queryset(self):
        return selectors.complaints_for_user(self.request.user)

    def get_object(self):
        return selectors.complaint_for_user(self.request.user, self.kwargs["pk"])

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_review(
            complaint=self.get_object(), note=data.validated_data["note"], by=request.user
        )
        return Response(self.get_serializer(complaint).data)

    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_answer(
            complaint=self.get_object(), answer=data.validated_data["answer"], by=request.user
        )
        return Response(self.get_serializer(complaint).data)


class AccreditationSerializer(AccreditedProviderSerializer):
    organisation_id = serializers.IntegerField(read_only=True)
    led_school_urns = serializers.SerializerMethodField()

    class Meta(AccreditedProviderSerializer.Meta):
        fields = [
            *AccreditedProviderSerializer.Meta.fields,
            "organisation_id",
            "status",
            "current_schools",
            "led_school_urns",
            "last_reviewed_on",
            "suspended_on",
            "suspension_reason",
        ]

    def get_led_school_urns(self, obj) -> list[int]:
        return sorted(s.establishment.urn for s in obj.led_schools.all())


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)


class ReviewInput(serializers.Serializer):
    renew = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT_LIMIT)
    next_review_on = serializers.DateField(required=False, allow_null=True)


class LedSchoolsInput(serializers.Serializer):
    urns = serializers.ListField(
        child=serializers.IntegerField(min_value=URN_MIN, max_value=URN_MAX), max_length=100, allow_empty=True
    )

    def validate_urns(self, urns):
        found = {e.urn: e for e in Establishment.objects.filter(urn__in=urns)}
        missing = sorted(set(urns) - set(found))
        if missing:
            raise serializers.ValidationError(f"No school has URN {', '.join(map(str, missing))}.")
        return [found[u] for u in dict.fromkeys(urns)]


class AccreditationViewSet(viewsets.ReadOnlyModelViewSet):
    """Accreditations (every status) for the decision maker: suspension, reinstatement, periodic review and
    the schools each provider currently leads. Other roles see none (404)."""

    serializer_class = AccreditationSerializer
    throttle_classes = [UserRateThrottle]

    def get_queryset(self):
        return selectors.accreditations_for_user(self.request.user)

    def get_object(self):
        return selectors.accreditation_for_user(self.request.user, self.kwargs["pk"])

    def _done(self, acc):
        return Response(AccreditationSerializer(self.get_queryset().get(pk=acc.pk)).data)

    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        acc = services.accreditation_suspend(
            accreditation=self.get_object(), reason=data.validated_data["reason"], by=request.user
        )
        return self._done(acc)

    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        acc = services.accreditation_reinstate(
            accreditation=self.get_object(), note=data.validated_data["note"], by=request.user
        )
        return self._done(acc)

    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Periodic review: {renew: true, note, next_review_on?} renews; {renew: false, note} withdraws."""
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        acc = services.accreditation_review(
            accreditation=self.get_object(), by=request.user, **data.validated_data
        )
        return self._done(acc)

    @action(detail=True, methods=["post"], url_path="led-schools")
    def led_schools(self, request, pk=None):
        """Record the schools the provider currently leads: {urns: [...]}; sets current_schools."""
        data = LedSchoolsInput(data=request.data)
        data.is_valid(raise_exception=True)
        acc = services.accreditation_record_led_schools(
            accreditation=self.get_object(), establishments=data.validated_data["urns"], by=request.user
        )
        return self._done(acc)
