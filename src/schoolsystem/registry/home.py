"""Reads for the role homes: a school leader's school and a trust leader's trust (accounts.home says who starts
where). Each is a fixed set of queries scoped to the user (accounts.scope): the trust's schools come with their
risk concern, open case and open support requests in one query, never one per school."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from schoolsystem.accounts import scope
from schoolsystem.accounts.constants import Role
from schoolsystem.core.errors import PermissionDenied
from schoolsystem.improvement.constants import OPEN_CASE_STATES, CaseState, SupportState
from schoolsystem.improvement.models import Case, SupportRequest
from schoolsystem.improvement.selectors import (
    Task,
    cases_for_user,
    support_requests_for_user,
    tasks_for_user,
)
from schoolsystem.performance.constants import ConcernLevel
from schoolsystem.performance.models import RiskResult
from schoolsystem.registry.models import Establishment, Group, Membership
from schoolsystem.registry.selectors import fold_sponsor_records

CLOSED_SUPPORT_STATES = (SupportState.CLOSED, SupportState.WITHDRAWN)


@dataclass(frozen=True)
class OpenItems:
    """What is open for the user's schools: cases, support requests and what is due (overdue first)."""

    cases: list[Case]
    requests: list[SupportRequest]
    tasks: list[Task]

    @property
    def overdue(self) -> list[Task]:
        return [t for t in self.tasks if t.overdue]


def open_items_for(user, *, today: date | None = None) -> OpenItems:
    """Open cases, open support requests and tasks of the schools in `user`'s scope (six queries)."""
    return OpenItems(
        cases=list(cases_for_user(user, open_only=True).order_by("school__name", "pk")),
        requests=list(
            support_requests_for_user(user)
            .exclude(state__in=CLOSED_SUPPORT_STATES)
            .order_by("school__name", "-created_on")
        ),
        tasks=tasks_for_user(user, today=today),
    )


def _active_risk() -> QuerySet[RiskResult]:
    return RiskResult.objects.filter(rule_set__is_active=True, establishment=OuterRef("pk"))


# ---------------------------------------------------------------------------------------------------- a school


@dataclass(frozen=True)
class SchoolHome:
    school: Establishment
    memberships: list[Membership]  # current ones, a trust's sponsor record folded in (with `kinds`)
    risk: RiskResult | None  # under the active rule set; None when not screened
    items: OpenItems


def school_home(user, *, today: date | None = None) -> SchoolHome:
    """The school leader's own school: its details, current trust or partnership memberships, risk result and open
    items. Any other user: PermissionDenied."""
    if user.role != Role.SCHOOL_LEADER or not user.scope_establishment_id:
        raise PermissionDenied("This page is for school leaders: it shows their own school.")
    school = Establishment.objects.select_related("la").get(pk=user.scope_establishment_id)
    memberships = fold_sponsor_records(
        list(
            Membership.objects.filter(establishment=school, left_on__isnull=True)
            .select_related("group")
            .order_by("group__name")
        )
    )
    risk = RiskResult.objects.filter(establishment=school, rule_set__is_active=True).first()
    return SchoolHome(school, memberships, risk, open_items_for(user, today=today))


# ----------------------------------------------------------------------------------------------------- a trust


@dataclass(frozen=True)
class TrustHome:
    group: Group
    schools: list[
        Establishment
    ]  # annotated: concern, open_case_id, open_case_state, open_requests (+ labels)
    items: OpenItems

    @property
    def elevated(self) -> int:
        """Schools of medium or high concern."""
        return sum(s.concern in (ConcernLevel.MEDIUM, ConcernLevel.HIGH) for s in self.schools)


def trust_schools(user) -> QuerySet[Establishment]:
    """The schools in the user's scope (a trust leader: the trust's current members), by name, each annotated with
    its risk concern, its open case (id and state) and its number of open support requests: one query."""
    open_case = Case.objects.filter(school=OuterRef("pk"), state__in=OPEN_CASE_STATES).order_by("-pk")
    open_requests = (
        SupportRequest.objects.filter(school=OuterRef("pk"))
        .exclude(state__in=CLOSED_SUPPORT_STATES)
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Establishment.objects.filter(scope.establishment_q(user))
        .select_related("la")
        .annotate(
            concern=Subquery(_active_risk().values("concern")[:1]),
            open_case_id=Subquery(open_case.values("pk")[:1]),
            open_case_state=Subquery(open_case.values("state")[:1]),
            open_requests=Coalesce(Subquery(open_requests, output_field=IntegerField()), Value(0)),
        )
        .order_by("name", "urn")
    )


def trust_home(user, *, today: date | None = None) -> TrustHome:
    """The trust leader's own trust: its current schools with their status, and the open items of those schools.
    Any other user: PermissionDenied."""
    if user.role != Role.TRUST_LEADER or not user.scope_group_id:
        raise PermissionDenied("This page is for trust leaders: it shows their own trust.")
    group = Group.objects.select_related("la").get(pk=user.scope_group_id)
    if not group.is_formal:  # a partnership opens no casework (ADR 0098): nothing to look up
        return TrustHome(group, [], OpenItems(cases=[], requests=[], tasks=[]))
    schools = list(trust_schools(user))
    for s in schools:  # labels in words for the page, not codes
        s.concern_label = ConcernLevel(s.concern).label if s.concern else ""
        s.open_case_label = CaseState(s.open_case_state).label if s.open_case_state else ""
    return TrustHome(group, schools, open_items_for(user, today=today))
