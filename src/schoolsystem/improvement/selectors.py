"""Reads of the improvement app. Scoped reads fetch and authorise in one function (docs/decisions/0003)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone

from schoolsystem.accounts.scope import can_see_casework, establishment_q
from schoolsystem.core.errors import NotFound
from schoolsystem.engines.support import OfferFacts, RankedOffer, SupportNeed, rank_offers, term_for
from schoolsystem.improvement.constants import (
    CASE_WRITE_ROLES,
    COMMITTED_SUPPORT_STATES,
    OPEN_CASE_STATES,
    ActionStatus,
    CaseState,
    SupportState,
    allowed_actions,
)
from schoolsystem.improvement.models import (
    Case,
    Decision,
    Offer,
    PeerReview,
    PeerReviewAction,
    SupportMilestone,
    SupportRequest,
)

# ---------------------------------------------------------------------------------------------------------------
# Cases


def can_change_casework(user) -> bool:
    """Who opens and moves cases on: local authority and regional officers (and superusers). The one rule, used by
    the pages, the API, the services and other apps' links ("Open a case" on the risk screen)."""
    return bool(user is not None and (user.is_superuser or getattr(user, "role", None) in CASE_WRITE_ROLES))


def cases_for_user(user, *, state: str = "", q: str = "", open_only: bool = False) -> QuerySet[Case]:
    if not user.is_authenticated or not can_see_casework(user):
        return Case.objects.none()
    qs = Case.objects.filter(establishment_q(user, "school__")).select_related(
        "school", "school__la", "lead_officer", "trust"
    )
    if state:
        qs = qs.filter(state=state)
    if open_only:
        qs = qs.filter(state__in=OPEN_CASE_STATES)
    if q:
        qs = qs.filter(Q(school__urn=int(q)) if q.isdigit() else Q(school__name__icontains=q))
    return qs


def case_for_user(user, pk) -> Case:
    """The case, if `user` may see it; otherwise NotFound (existence does not leak)."""
    try:
        return cases_for_user(user).select_related("opened_by", "intervention_decision").get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such case.") from None


def school_for_user(user, urn):
    """An establishment within the user's casework scope, by URN."""
    from schoolsystem.registry.models import Establishment

    if not user.is_authenticated or not can_see_casework(user):
        raise NotFound("No such school.")
    try:
        return Establishment.objects.select_related("la").get(establishment_q(user), urn=int(urn))
    except (Establishment.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such school in your area.") from None


def case_actions(case: Case) -> list[str]:
    return allowed_actions(case.state) if case.is_open else []


def case_history(case: Case):
    return case.events.select_related("actor").all()


# ---------------------------------------------------------------------------------------------------------------
# What is due


@dataclass(frozen=True)
class Task:
    due_on: date
    kind: str
    label: str
    url_name: str
    pk: int
    overdue: bool


def tasks_for_user(user, *, today: date | None = None) -> list[Task]:
    """Everything due for the user across cases, support and peer reviews, soonest first (overdue first)."""
    today = today or timezone.localdate()
    tasks: list[Task] = []
    if not user.is_authenticated or not can_see_casework(user):
        return tasks
    cases = cases_for_user(user, open_only=True)
    for c in cases:
        name = c.school.name
        if c.next_visit_due and c.state in {CaseState.MONITORING, CaseState.PRE_WARNING}:
            tasks.append(
                Task(
                    c.next_visit_due,
                    "case",
                    f"Monitoring visit: {name}",
                    "improvement:case-detail",
                    c.pk,
                    c.next_visit_due < today,
                )
            )
        if c.next_review_due and c.state in {CaseState.IMPLEMENTATION, CaseState.REVIEW}:
            tasks.append(
                Task(
                    c.next_review_due,
                    "case",
                    f"Termly review: {name}",
                    "improvement:case-detail",
                    c.pk,
                    c.next_review_due < today,
                )
            )
        if c.compliance_by and c.state == CaseState.WARNING_NOTICE:
            tasks.append(
                Task(
                    c.compliance_by,
                    "case",
                    f"Warning notice compliance date: {name}",
                    "improvement:case-detail",
                    c.pk,
                    c.compliance_by < today,
                )
            )
    scope = establishment_q(user, "school__")
    for r in SupportRequest.objects.filter(
        scope, state=SupportState.DEPLOYED, next_review_due__isnull=False
    ).select_related("school"):
        tasks.append(
            Task(
                r.next_review_due,
                "support",
                f"Support review: {r.school.name}",
                "improvement:support-detail",
                r.pk,
                r.next_review_due < today,
            )
        )
    for m in SupportMilestone.objects.filter(
        establishment_q(user, "request__school__"), done_on__isnull=True, request__state=SupportState.DEPLOYED
    ).select_related("request__school"):
        tasks.append(
            Task(
                m.due_on,
                "support",
                f"Milestone “{m.title}”: {m.request.school.name}",
                "improvement:support-detail",
                m.request_id,
                m.due_on < today,
            )
        )
    for a in PeerReviewAction.objects.filter(
        establishment_q(user, "review__school__"), status=ActionStatus.OPEN, carried_to__isnull=True
    ).select_related("review__school"):
        tasks.append(
            Task(
                a.due_on,
                "peer_review",
                f"Review action ({a.owner}): {a.review.school.name}",
                "improvement:review-detail",
                a.review_id,
                a.due_on < today,
            )
        )
    return sorted(tasks, key=lambda t: (not t.overdue, t.due_on, t.label))


def overdue_for_user(user, *, today: date | None = None) -> list[Task]:
    return [t for t in tasks_for_user(user, today=today) if t.overdue]


# ---------------------------------------------------------------------------------------------------------------
# Decisions


def published_decisions(
    *,
    q: str = "",
    school: str = "",
    la: str = "",
    decision_type: str = "",
    decided_from=None,
    decided_to=None,
) -> QuerySet[Decision]:
    """The public register: published decisions only. Text search covers the published, redacted text."""
    qs = Decision.objects.published().select_related("establishment", "la", "superseded_by")
    if q:
        qs = qs.filter(public_text__icontains=q)
    if school:
        qs = qs.filter(
            Q(establishment__urn=int(school))
            if school.isdigit()
            else Q(establishment__name__icontains=school)
        )
    if la:
        qs = qs.filter(Q(la__code=la) | Q(la__name__iexact=la))
    if decision_type:
        qs = qs.filter(decision_type=decision_type)
    if decided_from:
        qs = qs.filter(decided_on__gte=decided_from)
    if decided_to:
        qs = qs.filter(decided_on__lte=decided_to)
    return qs


def published_decision_types() -> list[str]:
    """Decision types with at least one published decision: the register offers only these as filters."""
    return list(
        Decision.objects.published()
        .order_by("decision_type")
        .values_list("decision_type", flat=True)
        .distinct()
    )


def published_decision(pk) -> Decision:
    try:
        return published_decisions().get(pk=int(pk))
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such published decision.") from None


def decisions_for_user(user) -> QuerySet[Decision]:
    """Drafts and published decisions an officer may manage: those about schools in scope (national: all)."""
    if not user.is_authenticated or not can_see_casework(user):
        return Decision.objects.none()
    qs = Decision.objects.select_related("establishment", "la")
    if user.is_superuser or user.is_staff:
        return qs
    return qs.filter(establishment_q(user, "establishment__"))


def decision_for_user(user, pk) -> Decision:
    try:
        return decisions_for_user(user).get(pk=int(pk))
    except (Decision.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such decision.") from None


# ---------------------------------------------------------------------------------------------------------------
# Support directory


def offers_with_load(*, today: date | None = None) -> QuerySet[Offer]:
    """Active offers with their load: days committed this term (support agreed this term, `engines.support.terms`)
    and schools supported now (every agreed or deployed request, whenever agreed)."""
    term = term_for(today or timezone.localdate())
    active = Q(requests__state__in=COMMITTED_SUPPORT_STATES)
    this_term = active & Q(requests__agreed_on__range=(term.start, term.end))
    return (
        Offer.objects.filter(active=True)
        .select_related("provider")
        .annotate(
            days_committed=Sum("requests__days_agreed", filter=this_term, default=0),
            schools_active=Count("requests", filter=active, distinct=True),
        )
    )


def offer_ratings() -> dict[int, tuple[float, int]]:
    rows = Offer.objects.annotate(mean=Avg("ratings__score"), n=Count("ratings")).values_list(
        "id", "mean", "n"
    )
    return {pk: (mean, n) for pk, mean, n in rows if n}


def offer_facts(offers) -> list[OfferFacts]:
    ratings = offer_ratings()
    return [
        OfferFacts(
            offer_id=o.pk,
            title=o.title,
            needs=frozenset(o.needs),
            phases=frozenset(o.phases),
            easting=o.base_easting,
            northing=o.base_northing,
            radius_m=o.radius_km * 1000 if o.radius_km else None,
            days_per_term=o.days_per_term,
            days_committed=o.days_committed or 0,
            schools_at_once=o.schools_at_once,
            schools_active=o.schools_active or 0,
            rating_mean=ratings.get(o.pk, (None, 0))[0],
            rating_count=ratings.get(o.pk, (None, 0))[1],
        )
        for o in offers
    ]


def rank_offers_for(
    school, needs: list[str], days_needed: int = 1, include_excluded: bool = False
) -> list[RankedOffer]:
    """Offers for a school's needs, ranked and explained by `engines.support`."""
    need = SupportNeed(
        needs=frozenset(needs),
        phase=school.phase or "",
        easting=school.easting,
        northing=school.northing,
        days_needed=max(1, days_needed),
    )
    return rank_offers(need, offer_facts(offers_with_load()), include_excluded=include_excluded)


def offer_detail(pk) -> Offer:
    try:
        return offers_with_load().annotate(rating_mean=Avg("ratings__score")).get(pk=int(pk))
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such offer.") from None


def support_requests_for_user(user) -> QuerySet[SupportRequest]:
    if not user.is_authenticated or not can_see_casework(user):
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(establishment_q(user, "school__")).select_related("school", "offer")


def support_request_for_user(user, pk) -> SupportRequest:
    try:
        return support_requests_for_user(user).get(pk=int(pk))
    except (SupportRequest.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such support request.") from None


def peer_reviews_for_user(user) -> QuerySet[PeerReview]:
    if not user.is_authenticated or not can_see_casework(user):
        return PeerReview.objects.none()
    return PeerReview.objects.filter(establishment_q(user, "school__")).select_related(
        "school", "partnership"
    )


def peer_review_for_user(user, pk) -> PeerReview:
    try:
        return peer_reviews_for_user(user).get(pk=int(pk))
    except (PeerReview.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such peer review.") from None


def partnerships_for_user(user):
    """Partnerships with at least one current member school in the user's scope (where they may plan reviews)."""
    from schoolsystem.registry.models import Establishment, Group

    if not user.is_authenticated or not can_see_casework(user):
        return Group.objects.none()
    in_scope = Establishment.objects.filter(establishment_q(user)).values("pk")
    return Group.objects.filter(
        pk__in=Group.objects.filter(
            memberships__establishment__in=in_scope, memberships__left_on__isnull=True
        ).values("pk")
    ).order_by("name")


def partnership_members_by_urn(partnership, urns) -> dict:
    """Current member schools of the partnership among `urns`, by URN (reviewers may come from outside the
    user's own scope, but only from the partnership)."""
    from schoolsystem.registry.models import Establishment

    return {
        e.urn: e
        for e in Establishment.objects.filter(
            urn__in=list(urns),
            pk__in=partnership.memberships.filter(left_on__isnull=True).values("establishment_id"),
        )
    }


@dataclass(frozen=True)
class FollowThrough:
    """What became of one action of the previous review: its status now, and its copy in this review if carried."""

    action: PeerReviewAction
    carried: PeerReviewAction | None


def peer_review_follow_through(review: PeerReview) -> list[FollowThrough]:
    if not review.previous_id:
        return []
    carried = {a.carried_from_id: a for a in review.actions.all() if a.carried_from_id}
    return [
        FollowThrough(a, carried.get(a.pk))
        for a in PeerReviewAction.objects.filter(review_id=review.previous_id).order_by("due_on", "id")
    ]
