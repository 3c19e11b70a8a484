"""Demo: the four brokerage scenarios of seed 003 on the demo LA, each ending in a recorded board decision.

Built through the services (audited like real use) and deterministic from ctx.seed. Scenario 2 draws on the
accredited pool, so it has candidates only when the accreditation demo has run first (ADR 0071). One proposal is
left for the demo trust leader: in the closure a performing school chooses their trust, and its due diligence is
started and left for them to record.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.models import User
from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import DueDiligenceOutcome, MoveType, ProposalStatus, Scenario
from schoolsystem.brokerage.models import BoardDecision, Proposal, Round, RoundSchool
from schoolsystem.registry.models import Establishment, Group, Membership

WEAK = {"special measures", "serious weaknesses", "inadequate", "requires improvement"}
INADEQUATE = {"special measures", "serious weaknesses", "inadequate"}
STRONG = {"good", "outstanding"}


def _officers(ctx) -> tuple[User, User]:
    la_officer = ctx.users.get(Role.LA_OFFICER)
    if la_officer is None or la_officer.scope_la_id != ctx.la.pk:
        la_officer, _ = User.objects.get_or_create(
            username="brokerage-la-officer", defaults={"role": Role.LA_OFFICER, "scope_la": ctx.la}
        )
    regional = ctx.users.get(Role.REGIONAL_OFFICER)
    if regional is None or regional.scope_region != ctx.la.region_name:
        regional, _ = User.objects.get_or_create(
            username="brokerage-regional-officer",
            defaults={"role": Role.REGIONAL_OFFICER, "scope_region": ctx.la.region_name},
        )
    return la_officer, regional


def decide(
    proposal: Proposal, by, *, outcome: str = "approved", reasons: str, hand_off: bool = False
) -> None:
    """Walk one proposal through due diligence, consultation and the advisory board, and publish the board's
    decision on the register."""
    today = timezone.localdate()
    services.proposal_start_due_diligence(by=by, proposal=proposal)
    for check in proposal.checks.all():
        if check.outcome == DueDiligenceOutcome.PENDING:
            services.due_diligence_record(
                by=by, proposal=proposal, item=check.item, outcome="satisfied", note=""
            )
    services.proposal_complete_due_diligence(by=by, proposal=proposal)
    services.consultation_record(
        by=by,
        proposal=proposal,
        held_on=today,  # the demo's rounds start today: nothing of theirs happened earlier
        summary="Governors, staff and parents were consulted; the governing board supports the proposal.",
        outcome="supportive",
    )
    decision = services.board_decide(
        by=by,
        proposal=proposal,
        outcome=outcome,
        reasons=reasons,
        decided_on=today,
        decided_by_name="Regional advisory board",
    )
    _publish_on_register(decision, by)
    if hand_off and outcome == ProposalStatus.APPROVED:
        services.proposal_hand_off(by=by, proposal=proposal, effective_on=today + timedelta(days=60), note="")


def _publish_on_register(decision: BoardDecision, by) -> None:
    """The officer who recorded the board's decision publishes its draft on the decision register, through the
    register's own service as the page does (nothing withheld: the demo's reasons name no one)."""
    if not decision.register_decision_id:
        return
    from schoolsystem.improvement.models import Decision
    from schoolsystem.improvement.services import decision_publish

    decision_publish(by=by, decision=Decision.objects.get(pk=int(decision.register_decision_id)))


def _run(round_: Round, by) -> Round:
    services.round_shortlist(by=by, round=round_)
    return services.round_plan(by=by, round=round_)


def _rotate(items: list, seed: int) -> list:
    return items[seed % len(items) :] + items[: seed % len(items)] if items else items


def _spare_for_a_new_round(schools: list[Establishment]) -> Establishment | None:
    """Of the schools for an academy-order round, the one to leave out of it: one with no academy order issued
    and no improvement case yet (one is opened for it), so the school the improvement demo ordered stays in the
    round and its approved sponsor is recorded on its order; the last by URN, since the plan lists its proposals
    by URN and the demo decides the first ones. None when fewer than two schools qualify: the round needs one."""
    if len(schools) < 2:
        return None
    try:
        from schoolsystem.improvement.models import Case
    except ImportError:
        return None
    with_case = set(Case.objects.filter(school__in=schools).values_list("school_id", flat=True))
    free = [e for e in schools if e.pk not in with_case and not selectors.academy_order_issued(e)]
    return max(free, key=lambda e: e.urn) if free else None


def _issue_academy_order(school: Establishment, la_officer, regional) -> bool:
    """The casework path to an academy order for an inadequate maintained school, through the improvement services
    (audited like real use): case opened, warning notice, the school consulted, sponsored academy chosen by the
    regional officer (which issues the order), the order's decision published. False when the improvement app is
    absent or the school is not judged inadequate."""
    try:
        from schoolsystem.improvement import services as casework
        from schoolsystem.improvement.constants import ConsultationOutcome, InterventionOption, WarningGround
        from schoolsystem.improvement.services.cases import is_inadequate
    except ImportError:
        return False
    if not is_inadequate(school.ofsted_rating or ""):
        return False
    today = timezone.localdate()
    case = casework.case_open(
        school=school,
        by=la_officer,
        reasons=[f"Ofsted: {school.ofsted_rating}"],
        summary="Judged inadequate at its last inspection.",
    )
    case = casework.case_start_monitoring(case=case, by=la_officer, note="Fortnightly contact with the head.")
    case = casework.case_issue_warning_notice(
        case=case,
        by=la_officer,
        grounds=[WarningGround.STANDARDS],
        compliance_by=casework.default_compliance_date(today),
    )
    casework.case_record_consultation(
        case=case,
        by=la_officer,
        proposal="Conversion to a sponsored academy through an academy order",
        consulted_on=today,
        school_response="Governors agree, and ask that the sponsor has primary experience.",
        outcome=ConsultationOutcome.AGREED,
    )
    case.refresh_from_db()
    case = casework.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="The school is inadequate: the law requires an academy order.",
        options_considered=["Sponsored academy"],
        criteria=["Maintained school judged inadequate by Ofsted"],
    )
    casework.decision_publish(by=regional, decision=case.academy_order.decision)
    return True


def _demo_trust(ctx) -> tuple[User | None, Group | None]:
    """The demo trust leader and the trust they lead, when the demo has one (demo_data scopes the user to the
    largest multi-academy trust in the LA): the closure scenario leaves them a proposal to do the due diligence
    on, the job a trust leader comes to brokerage for."""
    leader = ctx.users.get(Role.TRUST_LEADER)
    if leader is None or leader.role != Role.TRUST_LEADER or leader.scope_group is None:
        return None, None
    return leader, leader.scope_group


def _choose_the_demo_trust(rows, by, trust: Group | None) -> RoundSchool | None:
    """Of a closing trust's performing schools, the first (by URN) for which the demo trust leader's trust is
    eligible ranks that trust as its only choice, so the plan proposes the school to it (a school with choices
    is proposed only to a partner it lists). The school, or None when the trust is eligible for none of them."""
    if trust is None:
        return None
    key = f"group:{trust.pk}"
    for rs in sorted((rs for rs in rows if rs.performing), key=lambda rs: rs.establishment.urn):
        choices = selectors.preference_choices(rs)
        if key in dict(choices):
            services.round_school_set_preferences(by=by, round_school=rs, preferences=[key], choices=choices)
            return rs
    return None


def load(ctx) -> None:
    la = ctx.la
    if Round.objects.filter(la=la).exists():
        # `demo_data --force` runs the loaders again: the four scenarios are there already.
        ctx.log("brokerage: demo rounds already present; skipped")
        return
    la_officer, regional = _officers(ctx)
    leader, leaders_trust = _demo_trust(ctx)
    in_la = Establishment.objects.open().filter(la=la, state_funded=True).exclude(easting=None)
    group_of = dict(
        Membership.objects.filter(left_on__isnull=True, establishment__la=la).values_list(
            "establishment_id", "group__group_type"
        )
    )

    # 1. An inadequate maintained school with an academy order -> a sponsor trust. Only a maintained school
    # judged inadequate, with an issued academy order, or with no recorded judgement qualifies (seed 003).
    # A school whose improvement case chose another intervention is not for an academy order.
    candidates = [
        e
        for e in in_la.filter(phase__in=["Primary", "Secondary"]).order_by("urn")
        if not e.is_academy and not selectors.other_intervention(e)
    ]
    maintained = [e for e in candidates if e.ofsted_rating.lower() in INADEQUATE] or [
        e for e in candidates if not e.ofsted_rating.strip() or selectors.academy_order_issued(e)
    ]
    # One school is left out of every round, with an academy order issued through casework, so that a user can
    # start scenario 1 from scratch: a new academy-order round lists it among the schools it can take.
    spare = _spare_for_a_new_round(_rotate(maintained, ctx.seed))
    in_round: set[int] = set()
    if maintained:
        r1 = services.round_create(
            by=la_officer, la=la, scenario=Scenario.ACADEMY_ORDER, title="Academy orders: sponsor trusts"
        )
        for e in [e for e in _rotate(maintained, ctx.seed) if e != spare][:3]:
            services.round_add_school(by=la_officer, round=r1, establishment=e, needs=["leadership"])
        r1 = _run(r1, la_officer)
        in_round |= set(r1.schools.values_list("establishment_id", flat=True))
        for k, p in enumerate(r1.proposals.order_by("id")[:2]):
            decide(
                p,
                la_officer,
                reasons="Nearest trust with the phase experience and a good track record.",
                hand_off=k == 0,
            )
        ctx.log(f"brokerage: {r1.reference} academy orders, {r1.plan_summary.get('placed')} placed")
    else:
        ctx.log("brokerage: no inadequate maintained school for the academy-order scenario")
    if spare is not None and _issue_academy_order(spare, la_officer, regional):
        in_round.add(spare.pk)  # kept out of the other scenarios' rounds too
        ctx.log(
            f"brokerage: {spare.name} (URN {spare.urn}) has an academy order and no round: start an "
            "academy-order round to find its sponsor"
        )

    # 2. A maintained school needing a lead partner for a federation or majority trust (accredited pool).
    # A school is brokered in one round at a time: leave out those already in scenario 1.
    maintained_primaries = [
        e for e in in_la.filter(phase="Primary").order_by("urn") if not e.is_academy and e.pk not in in_round
    ]
    primaries = [e for e in maintained_primaries if e.pk not in group_of] or maintained_primaries
    if primaries:
        r2 = services.round_create(
            by=la_officer, la=la, scenario=Scenario.LEAD_PARTNER, title="Lead partner for a majority trust"
        )
        for e in _rotate(primaries, ctx.seed + 1)[:2]:
            services.round_add_school(by=la_officer, round=r2, establishment=e)
        _run(r2, la_officer)
        p2 = r2.proposals.order_by("id").first()
        if p2:
            decide(
                p2,
                la_officer,
                reasons="Accredited school provider with capacity and primary expertise.",
            )
        else:
            ctx.log("brokerage: no accredited provider could take the lead-partner schools")

    # The MAT that closes in scenario 4, chosen first: its schools are left out of scenario 3, since a school
    # is brokered in one round at a time.
    mats = (
        Group.objects.filter(
            group_type="mat", memberships__left_on__isnull=True, memberships__establishment__la=la
        )
        .distinct()
        .order_by("pk")
    )
    sized = [
        g
        for g in mats
        if g.memberships.filter(left_on__isnull=True).count() >= 3
        and not g.memberships.filter(left_on__isnull=True, establishment_id__in=in_round).exists()
    ]
    # The demo trust leader's trust takes a school in the closure: it is not the trust that closes.
    closing = next((g for g in _rotate(sized, ctx.seed) if g != leaders_trust), None)
    closing_ids = (
        set(closing.memberships.filter(left_on__isnull=True).values_list("establishment_id", flat=True))
        if closing
        else set()
    )

    # 3. Re-brokerage: a single academy joins a MAT; another forms a new MAT; an under-performing academy moves.
    sat_academies = [e for e in in_la.order_by("urn") if group_of.get(e.pk) == "sat"]
    mat_weak = [
        e
        for e in in_la.order_by("urn")
        if group_of.get(e.pk) == "mat" and e.ofsted_rating.lower() in WEAK and e.pk not in closing_ids
    ]
    sat_strong = [e for e in sat_academies if e.ofsted_rating.lower() in STRONG]
    cases = []
    if sat_academies:
        cases.append((_rotate(sat_academies, ctx.seed)[0], MoveType.JOIN_MAT))
    if sat_strong:
        forming = next((e for e in _rotate(sat_strong, ctx.seed + 2) if e not in [c[0] for c in cases]), None)
        if forming:
            cases.append((forming, MoveType.FORM_MAT))
    if mat_weak:
        cases.append((_rotate(mat_weak, ctx.seed)[0], MoveType.MOVE))
    if cases:
        r3 = services.round_create(
            by=regional, la=la, scenario=Scenario.REBROKERAGE, title="Re-brokerage cases"
        )
        for e, move in cases:
            services.round_add_school(by=regional, round=r3, establishment=e, move_type=move)
        _run(r3, regional)
        in_round |= set(r3.schools.values_list("establishment_id", flat=True))
        for k, p in enumerate(r3.proposals.order_by("id")):
            outcome = "approved" if k != 1 else "deferred"
            decide(
                p,
                regional,
                outcome=outcome,
                reasons="The move meets the published criteria, and due diligence raised no concern."
                if outcome == "approved"
                else "The board wants the trust's updated finance plan before it decides.",
            )
        ctx.log(f"brokerage: {r3.reference} re-brokerage, {len(cases)} cases")

    # 4. A whole MAT closes: all its schools re-brokered in one plan; performing schools choose.
    if closing is None or closing_ids & in_round:
        ctx.log("brokerage: no MAT with three or more schools free to close for the closure scenario")
        return
    r4 = services.round_create(
        by=regional,
        la=la,
        scenario=Scenario.MAT_CLOSURE,
        title=f"{closing.name} is closing",
        leaving_group=closing,
    )
    members = Establishment.objects.filter(
        pk__in=closing.memberships.filter(left_on__isnull=True).values("establishment_id")
    )
    performing = {e.urn for e in members if e.ofsted_rating.lower() in STRONG}
    rows = services.round_add_leaving_trust_schools(by=regional, round=r4, performing_urns=performing)
    chose_demo_trust = _choose_the_demo_trust(rows, regional, leaders_trust)
    demo_key = f"group:{leaders_trust.pk}" if leaders_trust else ""
    for rs in rows:
        # Each other performing school ranks its two best-fitting trusts, leaving the demo trust's room to the
        # school that chose it (else a better fit elsewhere could take its place and leave that school unplaced).
        if rs.performing and rs != chose_demo_trust:
            rp = selectors.round_problem(r4)
            sl = rp.problem.shortlist(rp.problem.school_index[str(rs.establishment.urn)], limit=3)
            ranked = [c.partner_id for c in sl.ranked if not chose_demo_trust or c.partner_id != demo_key]
            services.round_school_set_preferences(by=regional, round_school=rs, preferences=ranked[:2])
    r4 = _run(r4, regional)
    for p in r4.proposals.order_by("id"):
        if chose_demo_trust is not None and p.round_school_id == chose_demo_trust.pk and leader is not None:
            # The trust leader starts the due diligence and leaves every check to record: the demo user finds
            # the proposal at that stage, with the checks to work through (or the proposal to withdraw).
            services.proposal_start_due_diligence(by=leader, proposal=p)
            ctx.log(
                f"brokerage: {p.round_school.establishment.name} proposed to {leaders_trust.name}, at due "
                f"diligence for {leader.username}"
            )
            continue
        decide(
            p,
            regional,
            reasons="Closing trust: performing schools' choices honoured; the department decided for the others.",
            hand_off=True,
        )
    ctx.log(f"brokerage: {r4.reference} closure of {closing.name}: {r4.plan_summary}")
