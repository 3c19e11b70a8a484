"""Reads of the improvement app. Scoped reads fetch and authorise in one function (docs/decisions/0003)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models import Case as Conditional
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import can_see_casework, establishment_q
from schoolsystem.core.errors import NotFound
from schoolsystem.core.formatting import govuk_date, in_sentence
from schoolsystem.engines.support import OfferFacts, RankedOffer, SupportNeed, rank_offers, term_for
from schoolsystem.improvement.constants import (
    CASE_WRITE_ROLES,
    COMMITTED_SUPPORT_STATES,
    CONSULTED_OUTCOMES,
    OPEN_CASE_STATES,
    AcademyOrderState,
    ActionStatus,
    CaseAction,
    CaseSector,
    CaseState,
    ConsultationOutcome,
    DecisionStatus,
    DecisionType,
    InterventionOption,
    SupportState,
    action_role_refusal,
    allowed_actions,
    compliance_period_applies,
    deadline_days,
    is_inadequate,
    options_for,
)
from schoolsystem.improvement.models import (
    AcademyOrder,
    Case,
    Consultation,
    Decision,
    Offer,
    PeerReview,
    PeerReviewAction,
    SupportMilestone,
    SupportRating,
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


def own_school_urn(user) -> int | None:
    """The URN of the one school a user's scope is (a school leader's own school), else None: forms for a school
    start with it filled in."""
    from schoolsystem.registry.models import Establishment

    if not user.is_authenticated or not getattr(user, "scope_establishment_id", None):
        return None
    return Establishment.objects.filter(pk=user.scope_establishment_id).values_list("urn", flat=True).first()


def school_for_user(user, urn):
    """An establishment within the user's casework scope, by URN."""
    from schoolsystem.registry.models import Establishment

    if not user.is_authenticated or not can_see_casework(user):
        raise NotFound("No such school.")
    try:
        return Establishment.objects.select_related("la").get(establishment_q(user), urn=int(urn))
    except (Establishment.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such school in your area.") from None


def school_casework(user, school) -> tuple[bool, tuple[int, str] | None]:
    """(whether `school` is in the user's casework scope, (pk, state) of its open case or None), in one query: what
    the links to a school's casework from other apps' pages need."""
    from schoolsystem.registry.models import Establishment

    if not user.is_authenticated or not can_see_casework(user):
        return False, None
    open_case = Case.objects.open().filter(school=OuterRef("pk")).order_by("-created_on")
    row = (
        Establishment.objects.filter(establishment_q(user), pk=school.pk)
        .annotate(
            case_pk=Subquery(open_case.values("pk")[:1]), case_state=Subquery(open_case.values("state")[:1])
        )
        .values_list("case_pk", "case_state")
        .first()
    )
    if row is None:
        return False, None
    return True, (row[0], row[1]) if row[0] else None


def case_actions(case: Case) -> list[str]:
    return allowed_actions(case.state) if case.is_open else []


def case_history(case: Case):
    return case.events.select_related("actor").all()


# ---------------------------------------------------------------------------------------------------------------
# Choosing an intervention: what must hold first


def compliance_pending(case: Case, today: date | None = None) -> bool:
    """The warning notice's compliance date has not passed yet: the school still has time to comply."""
    return bool(case.compliance_by) and (today or timezone.localdate()) <= case.compliance_by


def intervention_options_now(case: Case, user, *, today: date | None = None) -> list[str]:
    """The options `user` may choose for the case today: those their role may choose for the school's sector
    (`constants.INTERVENTION_RULES`), less those that wait for the compliance date while it has not passed."""
    options = options_for(case.sector, user.role, superuser=user.is_superuser)
    if compliance_pending(case, today):
        rating = case.school.ofsted_rating
        options = [
            o for o in options if not compliance_period_applies(o, sector=case.sector, ofsted_rating=rating)
        ]
    return options


def intervention_preconditions(
    case: Case,
    *,
    options: Iterable[str],
    today: date | None = None,
    consultations: Iterable[Consultation] | None = None,
) -> dict[str, str]:
    """What must hold before one of `options` is chosen, and does not yet, in words: {"compliance": ...,
    "consultation": ...} (empty: nothing is missing). The service refuses the choice with these messages and the
    case page names them instead of offering the step.

    - compliance: the warning notice's compliance date has passed (seed 002: the school is given until then to
      comply), unless every option is exempt (`constants.compliance_period_applies`: an academy order for an
      inadequate maintained school);
    - consultation: the school was consulted on or after the day the warning notice was issued and gave its response
      (seed 003 proposal 6: consulted before being brokered; a consultation before the notice was about something
      else, one awaiting the school's response is not yet a consultation).
    """
    today = today or timezone.localdate()
    missing: dict[str, str] = {}
    rating = case.school.ofsted_rating
    if compliance_pending(case, today) and all(
        compliance_period_applies(o, sector=case.sector, ofsted_rating=rating) for o in options
    ):
        missing["compliance"] = (
            f"The school has until {govuk_date(case.compliance_by)} to comply with the warning notice. "
            f"An intervention can be chosen from {govuk_date(case.compliance_by + timedelta(days=1))} "
            "if it has not complied."
        )
    since = case.warning_notice_issued_on
    rows = list(case.consultations.all() if consultations is None else consultations)
    current = [c for c in rows if since is None or c.consulted_on >= since]
    if not any(c.outcome in CONSULTED_OUTCOMES for c in current):
        if since:
            need = (
                f"Record a consultation with the school held on or after {govuk_date(since)}, the day the "
                "warning notice was issued, with the school's response."
            )
        else:
            need = "Record a consultation with the school, with the school's response."
        awaiting = [c for c in current if c.outcome == ConsultationOutcome.AWAITING]
        refused = [c for c in current if c.outcome == ConsultationOutcome.REFUSED_TO_ENGAGE]
        earlier = [c for c in rows if c not in current and c.outcome in CONSULTED_OUTCOMES]
        if awaiting:
            need += f" The consultation of {govuk_date(awaiting[0].consulted_on)} is awaiting the school's response."
        elif refused:
            need += f" The school refused to engage with the consultation of {govuk_date(refused[0].consulted_on)}."
        elif earlier:
            need += (
                f" The consultation of {govuk_date(earlier[0].consulted_on)} was held before the warning notice, "
                "so it does not count."
            )
        missing["consultation"] = need
    return missing


def case_decisions(case: Case) -> list[Decision]:
    """The decisions taken through the case: its intervention's and those of its academy order (the order itself,
    its sponsor match, a revocation), oldest first. Two queries whatever their number."""
    types = ContentType.objects.get_for_models(Case, AcademyOrder)
    order_ids = [str(pk) for pk in AcademyOrder.objects.filter(case=case).values_list("pk", flat=True)]
    return list(
        Decision.objects.filter(
            Q(source_type=types[Case], source_id=str(case.pk))
            | Q(source_type=types[AcademyOrder], source_id__in=order_ids)
        ).order_by("created_on", "id")
    )


def case_for_decision(user, decision: Decision) -> Case | None:
    """The case a decision was taken through (directly or through its academy order), if `user` may see it."""
    types = ContentType.objects.get_for_models(Case, AcademyOrder)
    if not decision.source_id.isdigit():
        return None
    if decision.source_type_id == types[Case].pk:
        found = Q(pk=int(decision.source_id))
    elif decision.source_type_id == types[AcademyOrder].pk:
        found = Q(academy_order__pk=int(decision.source_id))
    else:
        return None
    return cases_for_user(user).filter(found).first()


def proposal_for_decision(user, decision: Decision):
    """The brokerage proposal whose advisory board decision this is (the register's draft recorded by
    brokerage.services.board_decide), if `user` may open the proposal (brokerage's own scope); else None, and None
    when the brokerage app is absent. One query beyond the content type (cached)."""
    try:
        from schoolsystem.brokerage.models import BoardDecision, Proposal
        from schoolsystem.brokerage.selectors import proposal_q
    except ImportError:
        return None
    if not decision.source_id.isdigit() or not user.is_authenticated:
        return None
    if decision.source_type_id != ContentType.objects.get_for_model(BoardDecision).pk:
        return None
    return (
        Proposal.objects.filter(proposal_q(user), decisions__pk=int(decision.source_id))
        .select_related("round", "round_school__establishment")
        .first()
    )


def is_regional(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) == Role.REGIONAL_OFFICER)


def case_actions_for(case: Case, user) -> list[str]:
    """The moves of the case `user` may make now, as the service would take them for their role: none unless they
    change casework; for an academy, the moves that are the regional officer's decision
    (`constants.ACADEMY_REGIONAL_ONLY`) only for a regional officer; escalation only for those who escalate to the
    regional officer (`constants.ESCALATION_ROLES`). The case's own guards are `case_guard_refusals`."""
    if not can_change_casework(user):
        return []
    return [
        a
        for a in case_actions(case)
        if not action_role_refusal(a, sector=case.sector, role=user.role, superuser=user.is_superuser)
    ]


ORDER_IN_FORCE_STATES = frozenset({AcademyOrderState.ISSUED, AcademyOrderState.SPONSOR_FOUND})


def exit_refusal(case: Case) -> str:
    """Why the case cannot exit, whatever is entered, in words; "" when it can: it exits only when every exit
    criterion is met (seed 002: strong intervention, quick exit, against criteria set at the start)."""
    criteria = case.exit_criteria or []
    if not criteria:
        return "No exit criteria are set: edit the case to set them, then record a review where every one is met."
    met = sum(1 for c in criteria if c.get("met"))
    if met < len(criteria):
        return (
            f"The case exits when every exit criterion is met; {met} of {len(criteria)} are met. Record a termly "
            "review when the rest are."
        )
    return ""


def escalation_refusal(case: Case, order: AcademyOrder | None) -> str:
    """Why the case cannot be escalated, whatever is entered, in words; "" when it can. `order`: the case's academy
    order, or None. While it is in force the regional officer has decided the school's future (seed 003: an
    inadequate maintained school becomes a sponsored academy); escalating would send the case back to them to
    choose again beside the order, so it stays with the order until that is revoked."""
    if order is not None and order.state in ORDER_IN_FORCE_STATES:
        return (
            f"The regional officer's academy order of {govuk_date(order.issued_on)} is in force: the case is not "
            "escalated while it is. The order is revoked only in exceptional circumstances."
        )
    return ""


def case_guard_refusals(
    case: Case, *, order: AcademyOrder | None, route: "AcademyRoute | None" = None
) -> dict[str, str]:
    """The moves the case's state allows that its own record refuses whatever is entered, each with why: exit
    (`exit_refusal`), escalation (`escalation_refusal`) and, given the school's academy `route`, a warning notice
    (`warning_notice_refusal`). The services refuse with the same words, and the case page names them instead of
    offering the move. `order`: the case's academy order or None (no query here)."""
    found = {CaseAction.EXIT: exit_refusal(case), CaseAction.ESCALATE: escalation_refusal(case, order)}
    if route is not None:
        found[CaseAction.ISSUE_WARNING_NOTICE] = warning_notice_refusal(route, case.school.name)
    return {action: why for action, why in found.items() if why and action in case_actions(case)}


def notice_change_refusal(case: Case) -> str:
    """Why the case's warning notice cannot be corrected or withdrawn now, in words; "" when it can: only while the
    case is at its warning notice, so no later step (an intervention chosen on it, an escalation since) depends on
    it. The services refuse with the same words and the case page offers the change only when this is ""."""
    if not case.warning_notice_issued_on:
        return "The case has no warning notice."
    if case.state != CaseState.WARNING_NOTICE:
        return (
            f"The case has moved on from its warning notice (it is “{case.get_state_display().lower()}”): the notice "
            "is corrected or withdrawn only before an intervention is chosen or the case is escalated."
        )
    return ""


def _does(who: str, verb: str) -> str:
    """ "you record" or "an officer records": the verb agreeing with who does it."""
    return f"{who} {verb}" if who == "you" else f"{who} {verb}s"


def case_next_step(
    case: Case,
    user,
    *,
    today: date | None = None,
    route: "AcademyRoute | None" = None,
    live_blocks: bool = False,
) -> str:
    """What has to happen next on the case, in words, for the signed-in user: "you" when their role makes that
    move, else who does (an officer, a regional officer). Every state has one. `route`: the school's academy route;
    while it stands (`AcademyRoute.refusal`), or while its live sponsor proposal leaves nothing to choose
    (`live_blocks`, from `intervention_choice`), a case waiting for its intervention says so instead."""
    today = today or timezone.localdate()
    if route is not None and case.state in (CaseState.WARNING_NOTICE, CaseState.ESCALATED):
        standing = route.refusal(case.school.name)
        live = "" if standing or not live_blocks else route.live_refusal(case.school.name)
        if standing or live:
            what = (
                "the school's academy order or approved sponsor match stands"
                if standing
                else "a sponsor proposal for the school is under way in brokerage"
            )
            return (
                f"No intervention is chosen while {what}: brokerage and casework do not both decide the school's "
                f"future. {standing or live} Monitoring visits and consultations are still recorded."
            )
    officer = can_change_casework(user)
    regional = officer and is_regional(user)
    academy = case.sector == CaseSector.ACADEMY
    # Who takes the structural decisions (warning notice, intervention, exit): for an academy the regional officer.
    decider = (
        ("you" if regional else "a regional officer") if academy else ("you" if officer else "an officer")
    )
    mover = "you" if officer else "an officer"
    # Escalating sends the case to the regional officer: offered to those who escalate, not to the regional officer.
    escalates = officer and not action_role_refusal(
        CaseAction.ESCALATE, sector=case.sector, role=user.role, superuser=user.is_superuser
    )
    escalation = (
        ""
        if officer and not escalates
        else f" or {_does('you' if escalates else 'a local authority officer', 'escalate')} the case to the "
        "regional officer"
    )
    order_now = (
        " The school is judged inadequate: a regional officer may choose an academy order once the school has been "
        "consulted."
        if not academy and is_inadequate(case.school.ofsted_rating)
        else ""
    )
    state = case.state
    if state == CaseState.EXITED:
        return "The case has exited: every exit criterion was met. Nothing more is due."
    if state == CaseState.CLOSED:
        return "The case was closed without intervention. Nothing more is due."
    if state == CaseState.IDENTIFIED:
        text = (
            f"Next, {_does(mover, 'start')} monitoring the school or {_does(mover, 'record')} an early "
            f"conversation, or {_does(mover, 'close')} the case if the concerns are resolved."
        )
    elif state == CaseState.MONITORING:
        text = (
            f"Next, {_does(mover, 'record')} monitoring visits. If the concerns continue, {_does(decider, 'issue')} "
            f"a warning notice, or {_does(mover, 'record')} an early conversation{escalation}." + order_now
        )
    elif state == CaseState.PRE_WARNING:
        text = (
            f"Next, if the concerns continue, {_does(decider, 'issue')} a warning notice{escalation}."
            + order_now
        )
    elif state == CaseState.WARNING_NOTICE:
        if compliance_pending(case, today):
            text = (
                f"The school has until {govuk_date(case.compliance_by)} to comply with the warning notice. If it "
                f"has not, {_does(decider, 'choose')} the intervention, once the school has been consulted."
                + order_now
            )
        else:
            text = (
                f"The compliance date has passed: {_does(decider, 'choose')} the intervention, once the school has "
                "been consulted."
            )
    elif state == CaseState.ESCALATED:
        when = f" on {govuk_date(case.escalated_on)}" if case.escalated_on else ""
        who = "you" if regional else "a regional officer"
        text = (
            f"Escalated{when}: {_does(who, 'choose')} the intervention, once the school has been consulted (a "
            "warning notice may be issued first)."
        )
    elif state == CaseState.INTERVENTION_CHOSEN:
        text = (
            f"Next, {_does(mover, 'start')} implementing the intervention: "
            f"{in_sentence(case.get_intervention_display())}."
        )
    else:  # implementation, termly review
        due = f" (next due {govuk_date(case.next_review_due)})" if case.next_review_due else ""
        text = (
            f"Next, {_does(mover, 'record')} termly reviews{due}. The case exits at a review where every exit "
            "criterion is met."
        )
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------------------------------
# A school's academy route already under way: brokerage proposals and academy orders


@dataclass(frozen=True)
class BrokerageMatch:
    """One live brokerage proposal for a school (not withdrawn or declined), as casework shows it."""

    school_id: int
    proposal_pk: int
    round_reference: str
    round_title: str
    partner_name: str
    status: str
    status_label: str
    effective_on: date | None
    visible: bool  # the user may open the proposal's page (brokerage scope)
    scenario: str = ""  # the round's scenario (brokerage.constants.Scenario)

    @property
    def agreed(self) -> bool:
        """The advisory board approved the match (and perhaps it was handed over): the school's move is decided."""
        from schoolsystem.brokerage.constants import ProposalStatus

        return self.status in (ProposalStatus.APPROVED, ProposalStatus.HANDED_OVER)

    @property
    def live_sponsor_proposal(self) -> bool:
        """A sponsor proposal of an academy-order round not yet decided (proposed, due diligence, consultation,
        awaiting or deferred by the board; declined and withdrawn ones are not read at all): the school's route is
        being decided in brokerage."""
        return self.scenario == "academy_order" and not self.agreed


@dataclass(frozen=True)
class AcademyRoute:
    """What casework must know before an academy order: the school's live brokerage proposals and its academy
    orders still in force (issued, or sponsor found), on any case."""

    matches: list[BrokerageMatch]
    orders: list[AcademyOrder]

    def refusal(self, school_name: str) -> str:
        """Why an academy order (a sponsored academy) cannot be chosen for the school, in words; "" if it can."""
        order = next(iter(self.orders), None)
        if order is not None:
            sponsor = f", sponsor trust {order.sponsor_group.name}" if order.sponsor_group_id else ""
            return (
                f"{school_name} already has an academy order, issued on {govuk_date(order.issued_on)} "
                f"({order.get_state_display().lower()}{sponsor})."
            )
        agreed = next((m for m in self.matches if m.agreed), None)
        if agreed is not None:
            # Approved, and perhaps handed over with a date the school joins the trust.
            handed = agreed.status != "approved"
            joining = f", joining on {govuk_date(agreed.effective_on)}" if agreed.effective_on else ""
            return (
                f"{school_name} already has an approved sponsor match: {agreed.partner_name} in brokerage round "
                f"{agreed.round_reference}"
                + (f" ({agreed.status_label.lower()}{joining})." if handed else ".")
            )
        return ""

    def live_refusal(self, school_name: str) -> str:
        """Why no intervention but the academy order that the round finds a sponsor for can be chosen, in words:
        the school's sponsor proposal in an academy-order round is still being decided; "" when there is none."""
        live = self.live_proposal
        if live is None:
            return ""
        return (
            f"{school_name} has a sponsor proposal under way: {live.partner_name} in brokerage academy-order round "
            f"{live.round_reference} ({live.round_title}), {live.status_label.lower()}. Only an academy order can "
            "be chosen while it is; decline or withdraw the proposal in brokerage first if another intervention "
            "is wanted."
        )

    @property
    def live_proposal(self) -> BrokerageMatch | None:
        """The school's sponsor proposal still being decided in an academy-order round, if any."""
        return next((m for m in self.matches if m.live_sponsor_proposal), None)


def academy_routes(user, school_ids: Iterable[int]) -> dict[int, AcademyRoute]:
    """School id -> its `AcademyRoute`, for every id given, in two queries whatever their number. Callers pass
    schools already in the user's scope; `visible` says whether the user may open each proposal's page (the
    brokerage app's own scope). `user` may be None (a service checking the rule)."""
    ids = list(school_ids)
    matches: dict[int, list[BrokerageMatch]] = {pk: [] for pk in ids}
    orders: dict[int, list[AcademyOrder]] = {pk: [] for pk in ids}
    if not ids:
        return {}
    try:
        from schoolsystem.brokerage.constants import ProposalStatus
        from schoolsystem.brokerage.models import Proposal
        from schoolsystem.brokerage.selectors import can_run_rounds, proposal_q
    except ImportError:  # the brokerage app is absent
        Proposal = None
    if Proposal is not None:
        if user is not None and user.is_authenticated and can_run_rounds(user):
            # An empty Q (an administrator sees every proposal) cannot be a When() condition.
            scope = proposal_q(user)
            visible = (
                Conditional(When(scope, then=Value(True)), default=Value(False)) if scope else Value(True)
            )
        else:
            visible = Value(False)
        rows = (
            Proposal.objects.filter(round_school__establishment_id__in=ids)
            .exclude(status__in=[ProposalStatus.WITHDRAWN, ProposalStatus.DECLINED])
            .annotate(visible=visible, effective_on=F("hand_off__effective_on"))
            .order_by("-status_changed_on", "-id")
            .values_list(
                "round_school__establishment_id",
                "pk",
                "round__reference",
                "round__title",
                "partner_name",
                "status",
                "effective_on",
                "visible",
                "round__scenario",
            )
        )
        labels = dict(ProposalStatus.choices)
        for school_id, pk, ref, title, partner, status, effective_on, can_open, scenario in rows:
            matches[school_id].append(
                BrokerageMatch(
                    school_id,
                    pk,
                    ref,
                    title,
                    partner,
                    status,
                    labels.get(status, status),
                    effective_on,
                    can_open,
                    scenario,
                )
            )
    for order in (
        AcademyOrder.objects.filter(
            case__school_id__in=ids, state__in=[AcademyOrderState.ISSUED, AcademyOrderState.SPONSOR_FOUND]
        )
        .select_related("case", "sponsor_group")
        .order_by("-issued_on", "-pk")
    ):
        orders[order.case.school_id].append(order)
    return {pk: AcademyRoute(matches[pk], orders[pk]) for pk in ids}


def academy_route(user, school) -> AcademyRoute:
    return academy_routes(user, [school.pk])[school.pk]


def warning_notice_refusal(route: AcademyRoute, school_name: str) -> str:
    """Why no warning notice can be issued for the school, in words; "" when one can: a notice leads to an
    intervention, and none can be chosen while the school's academy route stands (`decided_elsewhere`). Found in
    review: a notice issued then fell due with nothing the case could do about it."""
    return decided_elsewhere(
        route,
        school_name,
        "A warning notice leads to an intervention, and none can be chosen while it stands",
    )


def decided_elsewhere(
    route: AcademyRoute, school_name: str, consequence: str = "No intervention can be chosen while it stands"
) -> str:
    """Why no intervention can be chosen for the school, in words; "" when one can: its academy route stands (an
    academy order in force, or a sponsor match the brokerage advisory board approved, perhaps handed over) or is
    being decided (a sponsor proposal of an academy-order round not declined or withdrawn). Brokerage
    and casework do not both decide a school's future: brokerage refuses a match once the case chose another
    intervention (brokerage.services._chose_another_intervention), and casework refuses every intervention, not
    only a second academy order, while the route stands."""
    refusal = route.refusal(school_name)
    if not refusal:
        return ""
    return f"{refusal} {consequence}: brokerage and casework do not both decide the school's future."


@dataclass(frozen=True)
class InterventionChoice:
    """What a user may choose for a case now, as the service would take it: `options` (empty: nothing), and
    `reasons`, in words, why nothing can be chosen (`decided`: the school's academy route stands) or why only some
    options are offered (the rest wait for the warning notice's compliance date)."""

    options: list[str]
    reasons: list[str]
    decided: str = ""


def intervention_choice(
    case: Case,
    user,
    *,
    route: AcademyRoute | None = None,
    consultations: Iterable[Consultation] | None = None,
    today: date | None = None,
) -> InterventionChoice:
    """The options `user` may choose for the case now: those their role may choose for the school's sector
    (`constants.INTERVENTION_RULES`), none while the school's academy route stands (`decided_elsewhere`) or while a
    precondition fails for every option (`intervention_preconditions`: compliance date, consultation), and only those
    that do not wait for the compliance date while it has not passed. The case page offers the step, and the
    choose-intervention page lists options, from this; the service refuses the rest with the same words.
    `route` and `consultations`: already read by the caller (else read here)."""
    today = today or timezone.localdate()
    route = route if route is not None else academy_route(user, case.school)
    decided = decided_elsewhere(route, case.school.name)
    if decided:
        return InterventionChoice(options=[], reasons=[decided], decided=decided)
    allowed = options_for(case.sector, user.role, superuser=user.is_superuser)
    live = route.live_refusal(case.school.name)
    if live:
        # A sponsor is being found in brokerage: only the academy order that route serves, if it can be chosen.
        allowed = [
            o
            for o in allowed
            if o == InterventionOption.SPONSORED_ACADEMY
            and is_inadequate(case.school.ofsted_rating)
            and case.sector == CaseSector.MAINTAINED
        ]
        if not allowed:
            return InterventionChoice(options=[], reasons=[live], decided=live)
    missing = intervention_preconditions(case, options=allowed, today=today, consultations=consultations)
    if missing or not allowed:
        return InterventionChoice(options=[], reasons=list(missing.values()))
    now = [o for o in intervention_options_now(case, user, today=today) if o in allowed]
    reasons = [live] if live else []
    if now != allowed:
        # Only an academy order for an inadequate maintained school does not wait (compliance_period_applies).
        reasons.append(
            f"The warning notice's compliance date, {govuk_date(case.compliance_by)}, has not passed: only an "
            "academy order can be chosen before then."
        )
    return InterventionChoice(options=now, reasons=reasons)


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
    due_today: bool = False


def tasks_for_user(user, *, today: date | None = None) -> list[Task]:
    """Everything due for the user across cases, support and peer reviews, by date (so overdue first).

    From each open case, every date it holds: an escalation (the regional officer chooses the intervention; due
    the day it was escalated), the next monitoring visit, the next termly review, the warning
    notice's compliance date until an intervention is chosen, the school's response to a consultation awaiting it
    (`consultation_response_days` after the consultation) and, for officers, decisions taken through casework
    still to publish (due the day they were taken: seed 003 proposal 7, decisions published promptly). A fixed
    number of queries whatever the number of rows."""
    today = today or timezone.localdate()
    tasks: list[Task] = []
    if not user.is_authenticated or not can_see_casework(user):
        return tasks

    def add(due_on: date, kind: str, label: str, url_name: str, pk: int) -> None:
        tasks.append(Task(due_on, kind, label, url_name, pk, due_on < today, due_on == today))

    cases = list(cases_for_user(user, open_only=True))
    # An escalated case asks the regional officer to choose the intervention only when one can be chosen now, by
    # the case page's rule (`intervention_choice`): its routes and consultations read once for all of them.
    escalated = [c for c in cases if c.state == CaseState.ESCALATED]
    choices: dict[int, InterventionChoice] = {}
    if escalated and is_regional(user):
        routes = academy_routes(user, {c.school_id for c in escalated})
        consulted: dict[int, list[Consultation]] = {c.pk: [] for c in escalated}
        for consultation in Consultation.objects.filter(case_id__in=list(consulted)):
            consulted[consultation.case_id].append(consultation)
        for c in escalated:
            choices[c.pk] = intervention_choice(
                c, user, route=routes[c.school_id], consultations=consulted[c.pk], today=today
            )
    for c in cases:
        name = c.school.name
        if c.next_visit_due:
            add(c.next_visit_due, "case", f"Monitoring visit: {name}", "improvement:case-detail", c.pk)
        if c.next_review_due:
            add(c.next_review_due, "case", f"Termly review: {name}", "improvement:case-detail", c.pk)
        if c.state == CaseState.ESCALATED:
            # Escalated to the regional officer, who picks it up from here (the LA officer sees it waiting).
            choice = choices.get(c.pk)
            if choice is None:
                label = f"Escalated to the regional officer, who chooses the intervention: {name}"
            elif choice.options:
                label = f"Escalated: choose the intervention: {name}"
            elif choice.decided:
                label = (
                    f"Escalated: no intervention is chosen while the school's academy route stands or is decided "
                    f"in brokerage: {name}"
                )
            else:
                label = f"Escalated: the intervention cannot be chosen yet (the case says what is missing): {name}"
            add(
                c.escalated_on or timezone.localdate(c.state_changed_on),
                "case",
                label,
                "improvement:case-detail",
                c.pk,
            )
        if c.compliance_by and not c.intervention:
            add(
                c.compliance_by,
                "case",
                f"Warning notice compliance date: {name}",
                "improvement:case-detail",
                c.pk,
            )
    names = {c.pk: c.school.name for c in cases}
    response_days = timedelta(days=deadline_days("consultation_response_days"))
    for consultation in Consultation.objects.filter(
        case_id__in=list(names), outcome=ConsultationOutcome.AWAITING
    ).order_by("consulted_on", "id"):
        add(
            consultation.consulted_on + response_days,
            "case",
            f"School's response to the consultation: {names[consultation.case_id]}",
            "improvement:case-detail",
            consultation.case_id,
        )
    if can_change_casework(user):
        from schoolsystem.improvement.services.decisions import can_record_decision

        types = ContentType.objects.get_for_models(Case, AcademyOrder)
        # Only the drafts this user publishes: an academy order is the regional officer's, not the LA's.
        publishes = [t for t in DecisionType.values if can_record_decision(user, t)]
        for decision in decisions_for_user(user).filter(
            status=DecisionStatus.DRAFT, source_type__in=list(types.values()), decision_type__in=publishes
        ):
            add(
                decision.decided_on,
                "decision",
                f"Publish decision {decision.reference}: {decision.subject}",
                "improvement:decision-manage",
                decision.pk,
            )
    scope = establishment_q(user, "school__")
    for r in SupportRequest.objects.filter(
        scope, state=SupportState.DEPLOYED, next_review_due__isnull=False
    ).select_related("school"):
        add(
            r.next_review_due,
            "support",
            f"Support review: {r.school.name}",
            "improvement:support-detail",
            r.pk,
        )
    for m in SupportMilestone.objects.filter(
        establishment_q(user, "request__school__"), done_on__isnull=True, request__state=SupportState.DEPLOYED
    ).select_related("request__school"):
        add(
            m.due_on,
            "support",
            f"Milestone “{m.title}”: {m.request.school.name}",
            "improvement:support-detail",
            m.request_id,
        )
    for a in PeerReviewAction.objects.filter(
        establishment_q(user, "review__school__"), status=ActionStatus.OPEN, carried_to__isnull=True
    ).select_related("review__school"):
        add(
            a.due_on,
            "peer_review",
            f"Review action ({a.owner}): {a.review.school.name}",
            "improvement:review-detail",
            a.review_id,
        )
    return sorted(tasks, key=lambda t: (t.due_on, t.label))


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
    """Decision types with at least one published decision (a type outside PUBLISHED_DECISION_TYPES, such as
    accreditation, is offered by the register's filter only once one is published)."""
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


def offer_ratings_for_user(user, offer: Offer, limit: int = 100) -> list[SupportRating]:
    """The offer's ratings, newest first. Every score counts for everyone (the mean is the directory's), but the
    school and the comment are shown (`shown`) only for ratings of support requests in `user`'s scope: a
    rating is casework about the school that had the support."""
    ratings = list(offer.ratings.select_related("request__school").order_by("-pk")[:limit])
    mine = set(
        support_requests_for_user(user)
        .filter(pk__in=[r.request_id for r in ratings])
        .values_list("pk", flat=True)
    )
    for rating in ratings:
        rating.shown = rating.request_id in mine
    return ratings


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
