"""API: indicators (KS results), report cards, scorecards (public data, any signed-in user) and risk results
(scoped like the pages: casework roles, own area only)."""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from schoolsystem.core.api import query_params
from schoolsystem.performance import reportcard, scorecard, selectors
from schoolsystem.performance.constants import ConcernLevel, KeyStage, RecordLevel
from schoolsystem.performance.models import KeyStageResult, RiskResult


class KeyStageResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyStageResult
        fields = [
            "id", "key_stage", "year", "level", "urn", "la_code", "school_name", "total_pupils", "eligible_pupils",
            "rwm_expected", "rwm_higher", "reading_progress", "writing_progress", "maths_progress", "attainment8",
            "progress8", "progress8_lower", "progress8_upper", "basics_94", "missing", "import_record", "source_row",
        ]  # fmt: skip


class IndicatorFilters(serializers.Serializer):
    urn = serializers.IntegerField(required=False, help_text="The school's URN")
    key_stage = serializers.ChoiceField(choices=KeyStage.choices, required=False)
    year = serializers.RegexField(
        r"^\d{4}-\d{4}$", required=False, help_text="Academic year, e.g. 2018-2019",
        error_messages={"invalid": "Enter the academic year as two years, e.g. 2018-2019."},
    )  # fmt: skip
    level = serializers.ChoiceField(choices=RecordLevel.choices, required=False)
    la_code = serializers.RegexField(
        r"^\d{3}$", required=False, help_text="LA code, e.g. 936",
        error_messages={"invalid": "Enter a three-digit LA code, e.g. 936."},
    )  # fmt: skip


@extend_schema_view(list=extend_schema(parameters=[IndicatorFilters]))
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Published KS2/KS4 results (school rows and LA/England benchmarks). Filters: urn, key_stage, year, level,
    la_code; a bad value gets 400 naming the parameter."""

    serializer_class = KeyStageResultSerializer

    def get_queryset(self):
        qs = KeyStageResult.objects.order_by("key_stage", "year", "urn", "id")
        if getattr(self, "swagger_fake_view", False):
            return qs
        return qs.filter(**query_params(IndicatorFilters, self.request))


class RiskResultSerializer(serializers.ModelSerializer):
    urn = serializers.IntegerField(source="establishment.urn")
    name = serializers.CharField(source="establishment.name")
    rule_set_version = serializers.IntegerField()  # annotated by the selector (one query for every row)

    class Meta:
        model = RiskResult
        fields = [
            "id",
            "urn",
            "name",
            "concern",
            "majors",
            "minors",
            "flags",
            "rule_set_version",
            "created_on",
        ]


class RiskResultFilters(serializers.Serializer):
    concern = serializers.ChoiceField(
        choices=[*ConcernLevel.choices, ("elevated", "Medium or high"), ("any", "Low, medium or high")],
        required=False,
        help_text="One level, elevated (medium or high: the at-risk list) or any; default every school screened",
    )


@extend_schema_view(list=extend_schema(parameters=[RiskResultFilters]))
class RiskResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Risk screen results of the active rule set for schools in the user's scope. Filter: concern (a level,
    "elevated" for medium or high, "any" for low, medium or high; default every school screened); a bad value
    gets 400 naming it."""

    serializer_class = RiskResultSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user to scope by
            return RiskResult.objects.none()
        concern = query_params(RiskResultFilters, self.request).get("concern", "")
        return selectors.at_risk_for_user(self.request.user, concern=concern)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        return value.item()
    return value


@extend_schema(responses=dict, auth=[])
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
@throttle_classes([AnonRateThrottle, UserRateThrottle])
def report_card(request, urn: int):
    """A school's report card as JSON (no charts). Public, like the page (ADR 0052): published data only."""
    school = selectors.establishment_public(urn)
    card = reportcard.build(school)
    for s in card["sections"]:
        s.pop("charts", None)
    return Response({"urn": school.urn, "name": school.name, **_plain(card)})


@extend_schema(responses=dict)
@api_view(["GET"])
def group_scorecard(request, pk: int):
    """A trust or group's scorecard as JSON (no charts)."""
    group = scorecard.group_for_user(request.user, pk)
    card = scorecard.build(group=group)
    for s in card["sections"]:
        s.pop("charts", None)
    return Response(_plain(card))
