"""Writes for brokerage. Every function is atomic and audited; workflow moves follow constants.*_TRANSITIONS.

Round: create -> add schools -> shortlist (explained candidates stored) -> plan (optimal assignment stored as
proposals, orphans recorded). Proposal: due diligence -> consultation -> advisory board -> hand-off (seed 003).
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import is_national
from schoolsystem.brokerage import selectors
from schoolsystem.brokerage.constants import (
    MAX_PREFERENCES,
    OPEN_PROPOSAL_STATUSES,
    PARTNER_GROUP_TYPES,
    PROPOSAL_TRANSITIONS,
    ROUND_TRANSITIONS,
    BoardOutcome,
    ConsultationOutcome,
    DueDiligenceItem,
    DueDiligenceOutcome,
    MoveType,
    ProposalStatus,
    RoundStatus,
    Scenario,
)
from schoolsystem.brokerage.models import (
    BoardDecision,
    Candidate,
    Consultation,
    DueDiligenceCheck,
    HandOff,
    PartnerProfile,
    Proposal,
    Round,
    RoundPlan,
    RoundSchool,
)
from schoolsystem.brokerage.rules import (
    CONSULTATION_HELD_ON,
    DECIDED_ON,
    OUTSIDE_AREA,
    brokered_elsewhere_message,
    closing_trust_error,
    concern_note_error,
    hand_off_date_error,
    not_before_round,
    performing_error,
    plan_refusal,
    preference_errors,
    shortlist_refusal,
)
from schoolsystem.core.audit import audit, snapshot
from schoolsystem.core.errors import InvalidTransition, NotEligible, PermissionDenied, ValidationFailed
from schoolsystem.core.formatting import govuk_date, in_sentence
from schoolsystem.core.rules import not_after_today
from schoolsystem.engines.matching import RuleSet, Weights, plan_problem
from schoolsystem.registry.constants import GroupType
from schoolsystem.registry.models import Establishment, Group, LocalAuthority

log = logging.getLogger(__name__)

SHORTLIST_KEEP = 20  # eligible candidates stored per school; as many nearest excluded ones, with reasons


def _require_officer_for(by, la: LocalAuthority) -> None:
    if is_national(by):
        return
    if by.role == Role.LA_OFFICER and by.scope_la_id == la.pk:
        return
    if by.role == Role.REGIONAL_OFFICER and by.scope_region and by.scope_region == la.region_name:
        return
    raise PermissionDenied("Only regional or local authority officers for this area run brokerage rounds.")


def _lock_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def _lock_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update()
        .select_related("round__la", "round_school__establishment")
        .get(pk=proposal.pk)
    )


def _move_round(round_: Round, to: str) -> None:
    if to not in ROUND_TRANSITIONS[round_.status]:
        raise InvalidTransition(
            f"A round that is “{round_.get_status_display().lower()}” cannot become "
            f"“{RoundStatus(to).label.lower()}”."
        )
    round_.status = to


def _check_config(weights: dict | None, rules: dict | None) -> None:
    try:
        Weights.from_dict(weights or {})
        RuleSet.from_dict(rules or {})
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(f"Weights or rules are not valid: {exc}") from exc


@transaction.atomic
def round_create(
    *,
    by,
    la: LocalAuthority,
    scenario: str,
    title: str,
    leaving_group: Group | None = None,
    weights: dict | None = None,
    rules: dict | None = None,
) -> Round:
    """Start a brokerage round in `la`'s area. A whole-MAT closure names the closing trust, a multi-academy trust;
    no other round names one (rules.closing_trust_error)."""
    _require_officer_for(by, la)
    if scenario not in Scenario.values:
        raise ValidationFailed(
            f"Unknown scenario {scenario!r}.", extra={"errors": {"scenario": ["Choose a scenario"]}}
        )
    if not title.strip():
        raise ValidationFailed("Enter a title.", extra={"errors": {"title": ["Enter a title"]}})
    no_trust = closing_trust_error(
        scenario=scenario,
        has_leaving_group=leaving_group is not None,
        group_type=leaving_group.group_type if leaving_group is not None else "",
        group_name=leaving_group.name if leaving_group is not None else "",
    )
    if no_trust:
        raise ValidationFailed(no_trust, extra={"errors": {"leaving_group": [no_trust]}})
    if leaving_group is not None and leaving_group.pk not in {g.pk for g in selectors.trusts_in([la])}:
        # The page offers only these trusts; the API must hold to the same list (found in an access review).
        outside = f"{leaving_group.name} is not an open multi-academy trust with a school in {la.name}"
        raise ValidationFailed(outside, extra={"errors": {"leaving_group": [outside]}})
    _check_config(weights, rules)
    count = Round.objects.count() + 1
    round_ = Round.objects.create(
        reference=f"BR-{timezone.now():%Y}-{count:04d}",
        title=title.strip(),
        scenario=scenario,
        la=la,
        leaving_group=leaving_group,
        weights=weights or {},
        rules=rules or {},
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit(obj=round_, action="brokerage.round_created", actor=by, before={})
    return round_


@transaction.atomic
def round_add_school(
    *,
    by,
    round: Round,
    establishment: Establishment,
    move_type: str = "",
    performing: bool = False,
    preferences: list[str] | tuple[str, ...] = (),
    group_key: str = "",
    join_year: int | None = None,
    needs: list[str] | tuple[str, ...] = (),
    finance_flag: bool = False,
    estate_flag: bool = False,
) -> RoundSchool:
    """Add a school that needs a partner. Only open schools in the round's area; only while the round is open."""
    round_ = _lock_round(round)
    _require_officer_for(by, round_.la)
    if round_.status not in {RoundStatus.OPEN, RoundStatus.SHORTLISTED}:
        raise InvalidTransition("Schools can only be added before the plan is proposed.")
    if not selectors.in_round_area(by, round_, establishment):
        raise NotEligible(OUTSIDE_AREA)
    if not establishment.is_open:
        msg = f"{establishment.name} is closed."
        raise NotEligible(msg, extra=_urn_error(msg))
    if move_type and move_type not in MoveType.values:
        raise ValidationFailed(
            "Choose the kind of move.", extra={"errors": {"move_type": ["Choose the kind of move"]}}
        )
    if move_type and round_.scenario != Scenario.REBROKERAGE:
        msg = "The kind of move applies only to re-brokerage rounds."
        raise ValidationFailed(msg, extra={"errors": {"move_type": [msg]}})
    not_performing = performing_error(scenario=round_.scenario, performing=performing)
    if not_performing:
        raise ValidationFailed(not_performing, extra={"errors": {"performing": [not_performing]}})
    if RoundSchool.objects.filter(round=round_, establishment=establishment).exists():
        msg = f"{establishment.name} is already in this round."
        raise ValidationFailed(msg, extra=_urn_error(msg))
    _check_kind_of_school(establishment, round_.scenario)
    _check_not_brokered_elsewhere(establishment, round_)
    if round_.scenario == Scenario.ACADEMY_ORDER:
        _check_academy_order(establishment)
    rs = RoundSchool.objects.create(
        round=round_,
        establishment=establishment,
        move_type=move_type,
        performing=performing,
        preferences=list(preferences),
        group_key=group_key,
        join_year=join_year,
        needs=list(needs),
        finance_flag=finance_flag,
        estate_flag=estate_flag,
    )
    if round_.status == RoundStatus.SHORTLISTED:
        round_.status = RoundStatus.OPEN
        round_.save(update_fields=["status", "modified_on"])
    audit(obj=rs, action="brokerage.round_school_added", actor=by, before={})
    return rs


def _urn_error(message: str) -> dict:
    return {"errors": {"urn": [message]}}


def _check_not_brokered_elsewhere(establishment: Establishment, round_: Round) -> None:
    """A school is brokered in one round at a time, and not again while an approved move is still to happen."""
    other = selectors.school_active_elsewhere(establishment, round_)
    if other is not None:
        msg = brokered_elsewhere_message(
            school=establishment.name, reference=other.round.reference, title=other.round.title
        )
        raise NotEligible(msg, extra=_urn_error(msg))
    move = selectors.approved_move_for(establishment, timezone.localdate())
    if move is not None:
        msg = selectors.approved_move_refusal(establishment, move)
        raise NotEligible(msg, extra=_urn_error(msg))


def _check_kind_of_school(establishment: Establishment, scenario: str) -> None:
    """Brokerage is for state-funded schools (seed 003): not an independent school, a college or a children's
    centre. A lead partner (like an academy order, `_check_academy_order`) is for a maintained school."""
    school, kind = establishment.name, establishment.type_name or "this kind of establishment"
    if not establishment.state_funded:
        msg = (
            f"{school} is not a state-funded school ({kind}): brokerage finds trusts and lead partners for "
            "maintained schools and academies."
        )
    elif scenario == Scenario.LEAD_PARTNER and establishment.is_academy:
        msg = (
            f"{school} is an academy: a lead-partner round is for maintained schools. Use a re-brokerage round "
            "to move an academy to another trust."
        )
    else:
        return
    raise NotEligible(msg, extra=_urn_error(msg))


def _check_academy_order(establishment: Establishment) -> None:
    """Seed 003 scenario 1: an academy order (and so a sponsor match) is for a maintained school judged
    inadequate by Ofsted. Refuse an academy; a school whose improvement case chose another intervention, or whose
    order was revoked (the apps must not contradict each other); and a school with another Ofsted judgement
    unless the improvement app records an academy order issued for it. A school with no recorded judgement is
    let through."""
    if establishment.is_academy:
        msg = (
            f"{establishment.name} is already an academy: an academy-order round is for maintained schools. "
            "Use a re-brokerage round to move an academy to another trust."
        )
        raise NotEligible(msg, extra=_urn_error(msg))
    other = selectors.other_intervention(establishment)
    if other:
        msg = (
            f"{establishment.name} cannot be matched with a sponsor: {other}, not an academy order. An "
            "academy-order round is for schools whose intervention is a sponsored academy; change the "
            "intervention in the school's case first, or choose another scenario."
        )
        raise NotEligible(msg, extra=_urn_error(msg))
    rating = (establishment.ofsted_rating or "").strip()
    from schoolsystem.improvement.services.cases import is_inadequate

    inadequate = is_inadequate(rating)
    if rating and not inadequate and not selectors.academy_order_issued(establishment):
        msg = (
            f"{establishment.name} has no academy order and its Ofsted judgement is {rating}: an academy order "
            "is for a maintained school judged inadequate. Issue the order in the school's intervention case "
            "first, or choose another scenario."
        )
        raise NotEligible(msg, extra=_urn_error(msg))


class TrustSchoolsAdded(list):
    """The round's new rows (a list, as before), with `skipped`: (school, reason) for each school left out."""

    def __init__(self, rows=(), skipped=()):
        super().__init__(rows)
        self.skipped: list[tuple[Establishment, str]] = list(skipped)


@transaction.atomic
def round_add_leaving_trust_schools(
    *, by, round: Round, performing_urns: set[int] = frozenset()
) -> TrustSchoolsAdded:
    """Whole-MAT closure (seed 003 re-brokerage 4): every current school of the closing trust joins the round.
    A school that cannot join (brokered in another live round, an approved move still to happen) is skipped with
    the reason; the others are still added."""
    from schoolsystem.registry.models import Membership

    if selectors.closing_group_id(round) is None:
        raise ValidationFailed(
            "Only a whole-MAT closure round adds every school of a trust, and this round names no closing trust."
        )
    round_ = _lock_round(round)
    _require_officer_for(by, round_.la)
    ests = (
        Establishment.objects.filter(
            pk__in=Membership.objects.filter(group_id=round_.leaving_group_id, left_on__isnull=True).values(
                "establishment_id"
            )
        )
        .select_related("la")
        .order_by("name")
    )
    existing = set(RoundSchool.objects.filter(round=round_).values_list("establishment_id", flat=True))
    result = TrustSchoolsAdded()
    for e in ests:
        if e.pk in existing or not e.is_open:
            continue
        try:
            result.append(
                round_add_school(by=by, round=round_, establishment=e, performing=e.urn in performing_urns)
            )
        except (NotEligible, ValidationFailed) as exc:  # round_add_school's savepoint undid its writes
            result.skipped.append((e, exc.message))
    return result


@transaction.atomic
def round_remove_school(*, by, round_school: RoundSchool) -> None:
    """Take a school out of a round that is not closed (an orphan, or one added by mistake), so it is free to be
    brokered elsewhere. A school with a proposal here keeps its row: withdraw the proposal instead."""
    rs = (
        RoundSchool.objects.select_for_update()
        .select_related("round__la", "establishment")
        .get(pk=round_school.pk)
    )
    round_ = _lock_round(rs.round)
    _require_officer_for(by, round_.la)
    if round_.status == RoundStatus.CLOSED:
        raise InvalidTransition(f"Round {round_.reference} is closed: its schools are already free.")
    if rs.proposals.exists():
        raise InvalidTransition(
            f"{rs.establishment.name} has a proposal in this round: withdraw the proposal instead of removing "
            "the school."
        )
    before = snapshot(rs, ["round_id", "establishment_id", "orphan_reason", "orphan_detail"])
    audit(
        obj=rs,
        action="brokerage.round_school_removed",
        actor=by,
        before=before,
        changes={"removed": [False, True]},
        note=f"{rs.establishment.name} (URN {rs.establishment.urn}) removed from round {round_.reference}.",
    )
    if rs.orphan_reason and round_.plan_summary.get("orphans"):
        round_.plan_summary["orphans"] -= 1
        round_.save(update_fields=["plan_summary", "modified_on"])
    rs.delete()
    _complete_round_if_done(round_, by=by)


def preferences_refusal(round_: Round) -> str:
    """Why the performing schools' preferences of the round can no longer change ("" when they can): they
    shape the plan, so they change only while the plan can still be (re-)made."""
    if round_.status == RoundStatus.CLOSED:
        return f"Round {round_.reference} is closed: its schools' preferences can no longer change."
    if round_.proposals.exclude(status=ProposalStatus.PROPOSED).exists():
        return (
            "Some proposals of this round are already under way, so the plan cannot be made again: "
            "the preferences can no longer change."
        )
    return ""


@transaction.atomic
def round_school_set_preferences(
    *, by, round_school: RoundSchool, preferences: list[str], choices: list[tuple[str, str]] | None = None
) -> RoundSchool:
    """A performing school's ranked choice of trusts (seed 003 re-brokerage 4): at most MAX_PREFERENCES
    different partners, each eligible for the school (its shortlist from the engine). The plan then proposes
    the school only to a partner it lists. Field errors are keyed choice_1, choice_2... by rank.
    `choices`: the school's eligible (key, label) pairs when the caller has just built them for its form
    (`selectors.preference_choices`, a whole round's matching problem: built once, and not under the row lock)."""
    prefs = [str(p).strip() for p in preferences]
    if prefs and choices is None:
        choices = selectors.preference_choices(round_school)
    eligible = dict(choices or ())
    rs = (
        RoundSchool.objects.select_for_update()
        .select_related("round__la", "establishment")
        .get(pk=round_school.pk)
    )
    _require_officer_for(by, rs.round.la)
    if not rs.performing:
        raise NotEligible("Only performing schools choose their trust; for others the department decides.")
    refusal = preferences_refusal(rs.round)
    if refusal:
        raise InvalidTransition(refusal)
    if len(prefs) > MAX_PREFERENCES:
        raise ValidationFailed(f"A school lists at most {MAX_PREFERENCES} partners.")
    errors = {
        f"choice_{rank + 1}": [message]
        for rank, message in preference_errors(prefs, eligible=eligible).items()
    }
    if errors:
        raise ValidationFailed("Check the school's choices.", extra={"errors": errors})
    before = snapshot(rs, ["preferences"])
    rs.preferences = prefs
    rs.save(update_fields=["preferences", "modified_on"])
    audit(
        obj=rs,
        action="brokerage.preferences_set",
        actor=by,
        before=before,
        note=f"{rs.establishment.name} (URN {rs.establishment.urn}) ranks: "
        + (", ".join(f"{n}. {eligible[k]}" for n, k in enumerate(prefs, start=1)) or "no partner")
        + ".",
    )
    return rs


@transaction.atomic
def round_shortlist(*, by, round: Round) -> int:
    """Store each school's explained shortlist: ranked eligible partners with the fit broken down, and the
    nearest excluded partners with every rule they failed. Returns the number of candidate rows stored."""
    round_ = _lock_round(round)
    _require_officer_for(by, round_.la)
    no_schools = shortlist_refusal(n_schools=round_.schools.count())
    if no_schools:
        raise ValidationFailed(no_schools)
    _move_round(
        round_, RoundStatus.SHORTLISTED if round_.status != RoundStatus.PLANNED else RoundStatus.PLANNED
    )
    rp = selectors.round_problem(round_)
    Candidate.objects.filter(round_school__round=round_).delete()
    rows = []
    for school_id, rs in rp.round_schools.items():
        sl = rp.problem.shortlist(rp.problem.school_index[school_id], limit=SHORTLIST_KEEP)
        for c in sl.ranked:
            rows.append(
                Candidate(
                    round_school=rs,
                    partner_key=c.partner_id,
                    partner_name=c.partner_name,
                    group_id=_group_id(c.partner_id),
                    eligible=True,
                    rank=c.rank,
                    fit=c.fit,
                    distance_km=c.distance_km,
                    breakdown=[vars(x) for x in c.components],
                )
            )
        for e in sl.excluded[:SHORTLIST_KEEP]:
            rows.append(
                Candidate(
                    round_school=rs,
                    partner_key=e.partner_id,
                    partner_name=e.partner_name,
                    group_id=_group_id(e.partner_id),
                    eligible=False,
                    distance_km=e.distance_km,
                    reasons=[vars(r) for r in e.reasons],
                )
            )
    Candidate.objects.bulk_create(rows, batch_size=1000)
    round_.save(update_fields=["status", "modified_on"])
    audit(
        obj=round_, action="brokerage.round_shortlisted", actor=by, changes={"candidates": [None, len(rows)]}
    )
    return len(rows)


def _group_id(partner_key: str) -> int | None:
    kind, _, ident = partner_key.partition(":")
    return int(ident) if kind == "group" and ident.isdigit() else None


@transaction.atomic
def round_plan(*, by, round: Round, weights: dict | None = None) -> Round:
    """Propose the optimal plan for every school in the round (engines.matching.plan): one proposal per placed
    school, orphan reasons on the rest. Refused once any proposal has gone beyond 'proposed'."""
    round_ = _lock_round(round)
    _require_officer_for(by, round_.la)
    _move_round(round_, RoundStatus.PLANNED)
    n_schools = round_.schools.count()
    refusal = plan_refusal(
        n_schools=n_schools, proposal_statuses=list(round_.proposals.values_list("status", flat=True))
    )
    if refusal:
        raise (InvalidTransition if n_schools else ValidationFailed)(refusal)
    before = snapshot(round_, ["status", "weights"])
    if weights is not None:
        _check_config(weights, None)
        round_.weights = weights
    rp = selectors.round_problem(round_)
    result = plan_problem(rp.problem)
    round_.proposals.all().delete()
    names = {p.id: p.name for p in rp.problem.partners}
    Proposal.objects.bulk_create(
        [
            Proposal(
                round=round_,
                round_school=rp.round_schools[a.school_id],
                partner_key=a.partner_id,
                partner_name=names[a.partner_id],
                group_id=_group_id(a.partner_id),
                fit=a.fit,
                distance_km=a.distance_km,
                status_changed_on=timezone.now(),
            )
            for a in result.assignments
        ]
    )
    orphans = {o.school_id: o for o in result.orphans}
    for school_id, rs in rp.round_schools.items():
        o = orphans.get(school_id)
        rs.orphan_reason, rs.orphan_detail = (o.reason, o.detail) if o else ("", "")
    RoundSchool.objects.bulk_update(rp.round_schools.values(), ["orphan_reason", "orphan_detail"])
    inputs, stored = selectors.plan_record_data(rp.problem, result)
    RoundPlan.objects.update_or_create(round=round_, defaults={"inputs": inputs, "result": stored})
    round_.plan_summary = {
        "solver": result.solver,
        "total_fit": result.total_fit,
        "placed": len(result.assignments),
        "orphans": len(result.orphans),
        "partners_considered": len(rp.problem.partners),
        "planned_on": timezone.now().isoformat(),
    }
    round_.save(update_fields=["status", "weights", "plan_summary", "modified_on"])
    audit(
        obj=round_, action="brokerage.round_planned", actor=by, before=before, note=str(round_.plan_summary)
    )
    return round_


@transaction.atomic
def round_close(*, by, round: Round, reason: str = "") -> Round:
    """Close the round. Its proposals still open (not approved or handed over) are withdrawn with the reason,
    audited, so the round's schools are free to be brokered again."""
    round_ = _lock_round(round)
    _require_officer_for(by, round_.la)
    before = snapshot(round_, ["status"])
    _move_round(round_, RoundStatus.CLOSED)
    why = f"Round {round_.reference} was closed" + (f": {reason.strip()}" if reason.strip() else ".")
    open_ = (
        Proposal.objects.select_for_update()
        .filter(round=round_, status__in=OPEN_PROPOSAL_STATUSES)
        .order_by("id")
    )
    withdrawn = 0
    for p in open_:
        _move(p, ProposalStatus.WITHDRAWN, by=by, action="brokerage.proposal_withdrawn", note=why)
        withdrawn += 1
    round_.save(update_fields=["status", "modified_on"])
    audit(
        obj=round_,
        action="brokerage.round_closed",
        actor=by,
        before=before,
        note=why
        + (f" {withdrawn} open proposal{'s' if withdrawn != 1 else ''} withdrawn." if withdrawn else ""),
    )
    round_.withdrawn_count = withdrawn
    return round_


# ----- proposals ------------------------------------------------------------------------------------------------


def _move(proposal: Proposal, to: str, *, by, action: str, note: str = "") -> None:
    if to not in PROPOSAL_TRANSITIONS[proposal.status]:
        raise InvalidTransition(
            f"A proposal that is {proposal.get_status_display().lower()} cannot become {ProposalStatus(to).label.lower()}."
        )
    before = snapshot(proposal, ["status"])
    proposal.status = to
    proposal.status_changed_on = timezone.now()
    proposal.save(update_fields=["status", "status_changed_on", "modified_on"])
    audit(obj=proposal, action=action, actor=by, before=before, note=note)


def _require_live_round(proposal: Proposal) -> None:
    """A proposal in a closed round can no longer be worked (closing withdrew the open ones)."""
    if proposal.round.status == RoundStatus.CLOSED:
        raise InvalidTransition(
            f"Round {proposal.round.reference} is closed: its proposals can no longer be worked. Add the school "
            "to a new round to broker it again."
        )


def _complete_round_if_done(round_: Round, *, by) -> None:
    """A round's status follows its schools: once every school of a planned round has its move agreed and,
    where the register can show it, handed over (selectors.move_agreed), nothing is left to work and the round
    is completed. Called with the round's row locked, after a hand-off, an approval with nothing to hand over,
    or the removal of its last school without a partner."""
    if round_.status != RoundStatus.PLANNED:
        return
    rows = list(round_.schools.prefetch_related("proposals"))
    if not rows or not all(any(selectors.move_agreed(p) for p in rs.proposals.all()) for rs in rows):
        return
    before = snapshot(round_, ["status"])
    _move_round(round_, RoundStatus.COMPLETED)
    round_.save(update_fields=["status", "modified_on"])
    n = len(rows)
    audit(
        obj=round_,
        action="brokerage.round_completed",
        actor=by,
        before=before,
        note=f"Every school of round {round_.reference} ({n}) has its move agreed.",
    )


def _require_trust_or_officer(by, proposal: Proposal) -> None:
    if by.role == Role.TRUST_LEADER and proposal.group_id and by.scope_group_id == proposal.group_id:
        return
    _require_officer_for(by, proposal.round.la)


@transaction.atomic
def proposal_start_due_diligence(*, by, proposal: Proposal) -> Proposal:
    """The trust starts its due diligence: one check per item (diocesan consent only for church schools)."""
    p = _lock_proposal(proposal)
    _require_trust_or_officer(by, p)
    _require_live_round(p)
    _move(p, ProposalStatus.DUE_DILIGENCE, by=by, action="brokerage.due_diligence_started")
    church = p.round_school.establishment.religious_character.lower() not in {"", "none", "does not apply"}
    DueDiligenceCheck.objects.bulk_create(
        [
            DueDiligenceCheck(
                proposal=p,
                item=item,
                outcome=DueDiligenceOutcome.NOT_APPLICABLE
                if item == DueDiligenceItem.DIOCESAN_CONSENT and not church
                else DueDiligenceOutcome.PENDING,
            )
            for item in DueDiligenceItem.values
        ],
        ignore_conflicts=True,
    )
    return p


@transaction.atomic
def due_diligence_record(
    *, by, proposal: Proposal, item: str, outcome: str, note: str = ""
) -> DueDiligenceCheck:
    p = _lock_proposal(proposal)
    _require_trust_or_officer(by, p)
    _require_live_round(p)
    if p.status != ProposalStatus.DUE_DILIGENCE:
        raise InvalidTransition("Due diligence can only be recorded while it is under way.")
    if item not in DueDiligenceItem.values:
        raise ValidationFailed("Choose a due diligence item.", extra={"errors": {"item": ["Choose an item"]}})
    if outcome not in DueDiligenceOutcome.values or outcome == DueDiligenceOutcome.PENDING:
        raise ValidationFailed("Choose an outcome.", extra={"errors": {"outcome": ["Choose an outcome"]}})
    no_note = concern_note_error(outcome=outcome, note=note)
    if no_note:
        raise ValidationFailed(no_note, extra={"errors": {"note": [no_note]}})
    check = DueDiligenceCheck.objects.select_for_update().get(proposal=p, item=item)
    if (
        check.outcome == DueDiligenceOutcome.CONCERN
        and outcome != DueDiligenceOutcome.CONCERN
        and not note.strip()
    ):
        msg = f"Say how the concern about {in_sentence(check.get_item_display())} was resolved."
        raise ValidationFailed(msg, extra={"errors": {"note": [msg]}})
    before = snapshot(check, ["outcome", "note"])
    note = note.strip()
    if check.outcome == DueDiligenceOutcome.CONCERN and outcome != DueDiligenceOutcome.CONCERN and check.note:
        note = f"Concern: {check.note} Resolved: {note}"  # the concern stays on the record
    check.outcome, check.note = outcome, note
    check.save(update_fields=["outcome", "note", "modified_on"])
    audit(obj=check, action="brokerage.due_diligence_recorded", actor=by, before=before)
    return check


@transaction.atomic
def proposal_complete_due_diligence(*, by, proposal: Proposal) -> Proposal:
    p = _lock_proposal(proposal)
    _require_trust_or_officer(by, p)
    _require_live_round(p)
    checks = list(p.checks.all())
    pending = [c.get_item_display() for c in checks if c.outcome == DueDiligenceOutcome.PENDING]
    if pending and p.status == ProposalStatus.DUE_DILIGENCE:
        raise ValidationFailed("Due diligence is not complete: " + ", ".join(pending) + ".")
    concerns = [
        f"{c.get_item_display()} ({c.note})" if c.note else c.get_item_display()
        for c in checks
        if c.outcome == DueDiligenceOutcome.CONCERN
    ]
    if concerns and p.status == ProposalStatus.DUE_DILIGENCE:
        raise ValidationFailed(
            "Due diligence cannot be completed while a concern is unresolved: "
            + "; ".join(concerns)
            + ". Record how each concern was resolved, or withdraw the proposal."
        )
    _move(p, ProposalStatus.CONSULTATION, by=by, action="brokerage.due_diligence_completed")
    return p


@transaction.atomic
def consultation_record(*, by, proposal: Proposal, held_on: date, summary: str, outcome: str) -> Consultation:
    """The school's consultation (seed 003 proposal 6); the proposal then goes to the advisory board."""
    p = _lock_proposal(proposal)
    _require_officer_for(by, p.round.la)
    _require_live_round(p)
    errors = {}
    if not summary.strip():
        errors["summary"] = ["Summarise what the school said"]
    if outcome not in ConsultationOutcome.values:
        errors["outcome"] = ["Choose the outcome"]
    if held_on is None:
        errors["held_on"] = [f"Enter {CONSULTATION_HELD_ON}."]
    elif future := not_after_today(held_on, today=timezone.localdate(), what=CONSULTATION_HELD_ON):
        errors["held_on"] = [future]
    elif too_early := not_before_round(held_on, started_on=p.round.started_on, what=CONSULTATION_HELD_ON):
        errors["held_on"] = [too_early]
    if errors:
        raise ValidationFailed("Check the consultation details.", extra={"errors": errors})
    _move(p, ProposalStatus.AWAITING_DECISION, by=by, action="brokerage.consultation_recorded")
    c = Consultation.objects.create(
        proposal=p, held_on=held_on, summary=summary.strip(), outcome=outcome, recorded_by=by
    )
    audit(obj=c, action="brokerage.consultation_created", actor=by, before={})
    return c


@transaction.atomic
def board_decide(
    *, by, proposal: Proposal, outcome: str, reasons: str, decided_on: date, decided_by_name: str
) -> BoardDecision:
    """The advisory board's decision with reasons, entered on the decision register as a draft when the improvement
    app offers it (seed 003 proposal 7: open decisions, redaction the exception). Like every other decision it is
    not public until an officer publishes it from the register's page (improvement.services.decision_publish),
    stating anything withheld and why: the reasons and the consultation summary may name people."""
    p = _lock_proposal(proposal)
    _require_officer_for(by, p.round.la)
    _require_live_round(p)
    errors = {}
    if outcome not in BoardOutcome.values:
        errors["outcome"] = ["Choose the board's decision"]
    if not reasons.strip():
        errors["reasons"] = ["Give the board's reasons"]
    if not decided_by_name.strip():
        errors["decided_by_name"] = ["Name who decided"]
    if decided_on is None:
        errors["decided_on"] = ["Enter the date of the decision"]
    elif future := not_after_today(decided_on, today=timezone.localdate(), what=DECIDED_ON):
        errors["decided_on"] = [future]
    elif too_early := not_before_round(decided_on, started_on=p.round.started_on, what=DECIDED_ON):
        errors["decided_on"] = [too_early]
    else:
        consulted = p.consultations.order_by("-held_on").first()
        earlier = p.decisions.order_by("-decided_on").first()
        if consulted and consulted.held_on and decided_on < consulted.held_on:
            errors["decided_on"] = [
                f"The date decided must be on or after the consultation on {govuk_date(consulted.held_on)}."
            ]
        elif earlier and decided_on < earlier.decided_on:
            errors["decided_on"] = [
                "The date decided must be on or after the board's earlier decision on "
                f"{govuk_date(earlier.decided_on)}."
            ]
    if outcome == BoardOutcome.APPROVED and (conflict := _chose_another_intervention(p)):
        errors.setdefault("outcome", []).append(conflict)
    if errors:
        raise ValidationFailed("Check the decision.", extra={"errors": errors})
    _move(p, outcome, by=by, action=f"brokerage.board_{outcome}", note=reasons.strip())
    decision = BoardDecision.objects.create(
        proposal=p,
        outcome=outcome,
        reasons=reasons.strip(),
        decided_on=decided_on,
        decided_by_name=decided_by_name.strip(),
        recorded_by=by,
    )
    ref = _record_on_register(by=by, proposal=p, decision=decision)
    if ref:
        decision.register_decision_id = ref
        decision.save(update_fields=["register_decision_id", "modified_on"])
    audit(obj=decision, action="brokerage.board_decision_recorded", actor=by, before={})
    if outcome == BoardOutcome.APPROVED and p.round.scenario == Scenario.ACADEMY_ORDER:
        _record_sponsor_on_academy_order(by=by, proposal=p, decision=decision)
    if outcome == BoardOutcome.APPROVED and p.group_id is None:  # nothing to hand over: the move is agreed
        _complete_round_if_done(_lock_round(p.round), by=by)
    return decision


def _chose_another_intervention(proposal: Proposal) -> str:
    """Why a sponsor match in an academy-order round can no longer be approved or handed over: the school's
    intervention case has since chosen another intervention, or its order was revoked (the same rule that keeps such
    a school out of the round, selectors.other_intervention), so brokerage and casework cannot both decide the
    school's future. '' when nothing stands in the way or the round is not an academy-order round."""
    if proposal.round.scenario != Scenario.ACADEMY_ORDER:
        return ""
    school = proposal.round_school.establishment
    other = selectors.other_intervention(school)
    if not other:
        return ""
    return (
        f"{school.name} cannot be matched with a sponsor: {other}, not an academy order. Change the intervention "
        "in the school's case first, or decline or withdraw this proposal"
    )


def _record_sponsor_on_academy_order(*, by, proposal: Proposal, decision: BoardDecision) -> None:
    """Seed 003 scenario 1: the board's approval is the sponsor found for the school's academy order. The improvement
    app records the trust on the order (in this transaction, audited); a sponsor record is recorded as the trust the
    school will join (hand_off_target). Nothing when that app is absent or the school has no order."""
    try:
        from schoolsystem.improvement.services import academy_order_sponsor_brokered
    except (ImportError, AttributeError):
        return
    sponsor, _refusal = hand_off_target(proposal)
    reference = f"round {proposal.round.reference}" + (
        f", decision {decision.register_decision_id}" if decision.register_decision_id else ""
    )
    academy_order_sponsor_brokered(
        school=proposal.round_school.establishment,
        by=by,
        sponsor_group=sponsor or proposal.group,
        decided_on=decision.decided_on,
        reference=reference,
    )


def _record_on_register(*, by, proposal: Proposal, decision: BoardDecision) -> str:
    """Record the board's decision on the improvement app's decision register as a draft (published from the
    register's page, with any redactions); its id, or '' when that app does not offer the register."""
    try:
        from schoolsystem.improvement.services import decision_create
    except (ImportError, AttributeError):
        log.info("decision register not available; brokerage decision %s kept locally", decision.pk)
        return ""
    school = proposal.round_school.establishment
    # The eligible partners considered for the school, best fit first, as the plan's engine scored them (a round
    # planned without shortlists drawn up has no stored candidates: only the partner chosen was listed).
    options = [c.as_option() for c in selectors.proposal_fit(proposal).considered] or [proposal.partner_name]
    consultation = proposal.consultations.order_by("-held_on").first()
    decision_type = {
        Scenario.ACADEMY_ORDER: "sponsor_match",
        Scenario.LEAD_PARTNER: "brokerage",
    }.get(proposal.round.scenario, "rebrokerage")
    record = decision_create(
        by=by,
        subject=f"{school.name} (URN {school.urn}): {proposal.partner_name}",
        decision_type=decision_type,
        establishment=school,
        decided_by_name=decision.decided_by_name,
        decided_on=decision.decided_on,
        options_considered=options,
        criteria=[
            "Eligibility: faith ethos (same denomination or diocesan consent), no open serious concern, phase "
            "experience, capacity, maximum travel distance",
            "Fit (out of 100) weighted: "
            + selectors.weights_in_words(
                proposal.round.weights,
                stated_preferences=bool(selectors.school_preferences(proposal.round_school)),
            ),
        ],
        rationale=f"{decision.get_outcome_display()}: {decision.reasons}",
        consultation_outcome=f"{consultation.get_outcome_display()}: {consultation.summary}"
        if consultation
        else "",
        source=decision,
        outcome=decision.outcome,  # the register's outcomes are the board's (approved, declined, ...)
    )
    return str(record.pk)


@transaction.atomic
def proposal_resubmit(*, by, proposal: Proposal) -> Proposal:
    p = _lock_proposal(proposal)
    _require_officer_for(by, p.round.la)
    _require_live_round(p)
    _move(p, ProposalStatus.AWAITING_DECISION, by=by, action="brokerage.proposal_resubmitted")
    return p


@transaction.atomic
def proposal_withdraw(*, by, proposal: Proposal, reason: str) -> Proposal:
    p = _lock_proposal(proposal)
    _require_trust_or_officer(by, p)
    if not reason.strip():
        raise ValidationFailed("Give a reason.", extra={"errors": {"reason": ["Give a reason"]}})
    _move(p, ProposalStatus.WITHDRAWN, by=by, action="brokerage.proposal_withdrawn", note=reason.strip())
    return p


def hand_off_target(proposal: Proposal) -> tuple[Group | None, str]:
    """The trust the school joins on hand-off, and why the hand-off cannot go through the register ('' when it
    can). For a sponsor record (GIAS keeps a sponsor and its trust as two groups of one name) the school joins the
    trust of the same name: looked up once here for both answers."""
    kind = proposal.partner_key.partition(":")[0]
    if kind == "new":
        return None, (
            "A new trust does not exist in the register until GIAS opens it: record the hand-off by adding the "
            "school to the new trust once it appears in the register. The brokerage ended with the board's "
            "approval, so the school is free to be brokered again."
        )
    if kind == "provider":
        return None, (
            f"{proposal.partner_name} is a lead partner from the accredited pool: the school's trust membership "
            "does not change, so there is no registry hand-off to record. The brokerage ended with the board's "
            "approval."
        )
    if proposal.group_id is None:
        return None, (
            f"{proposal.partner_name} is not a group in the register: the school's membership does not change, "
            "so there is no registry hand-off to record."
        )
    if proposal.group.group_type != GroupType.SPONSOR:
        return proposal.group, ""
    trust = selectors.trust_for_sponsor(proposal.group)
    if trust is None:
        return None, (
            f"{proposal.partner_name} is an academy sponsor record in the register, and no open trust of the same "
            "name was found: a school joins a trust, not a sponsor record. Record the hand-off once the "
            "sponsor's trust is in the register."
        )
    return trust, ""


def hand_off_waits_for(reference: str) -> str:
    return (
        f"Publish the advisory board's decision {reference} on the decision register before recording the "
        "hand-off: the register shows the school's move to the public, so the decision behind it is public first"
    )


@transaction.atomic
def proposal_hand_off(*, by, proposal: Proposal, effective_on: date, note: str = "") -> HandOff:
    """After approval the move takes effect in the register: the school leaves its current trust (if any) and
    joins the receiving trust with joined date = `effective_on` (registry.services.membership_move_brokered,
    audited). Moves the register cannot express (a new MAT not yet in GIAS, a lead partner that is not a trust)
    are refused with the reason (docs/decisions/0072)."""
    from schoolsystem.registry.services import membership_move_brokered

    p = _lock_proposal(proposal)
    _require_officer_for(by, p.round.la)
    if effective_on is None:
        raise ValidationFailed("Enter the date.", extra={"errors": {"effective_on": ["Enter the date"]}})
    if too_late := hand_off_date_error(effective_on, today=timezone.localdate()):
        raise ValidationFailed(too_late, extra={"errors": {"effective_on": [too_late]}})
    if p.status != ProposalStatus.APPROVED:
        _move(p, ProposalStatus.HANDED_OVER, by=by, action="brokerage.handed_over")  # raises the clear error
    to_group, refusal = hand_off_target(p)
    if refusal:
        raise NotEligible(refusal, extra={"errors": {"effective_on": [refusal]}})
    if conflict := _chose_another_intervention(p):
        raise NotEligible(conflict, extra={"errors": {"effective_on": [conflict]}})
    if draft := selectors.unpublished_approval(selectors.board_decisions_with_register(p)):
        msg = hand_off_waits_for(draft.reference)
        raise NotEligible(msg, extra={"errors": {"effective_on": [msg]}})
    decision = p.decisions.filter(outcome=BoardOutcome.APPROVED).order_by("-decided_on", "-id").first()
    if decision and effective_on < decision.decided_on:
        msg = (
            "The effective date must be on or after the advisory board's decision on "
            f"{govuk_date(decision.decided_on)}."
        )
        raise ValidationFailed(msg, extra={"errors": {"effective_on": [msg]}})
    ref = f"brokerage {p.round.reference}" + (
        f", decision {decision.register_decision_id}" if decision else ""
    )
    if to_group != p.group:
        ref += f", sponsor {p.group.name} (group {p.group_id}) joins as its trust (group {to_group.pk})"
    membership, _ended = membership_move_brokered(
        by=by,
        establishment=p.round_school.establishment,
        to_group=to_group,
        effective_on=effective_on,
        leave_group_types=PARTNER_GROUP_TYPES,
        note=ref,
    )
    _move(p, ProposalStatus.HANDED_OVER, by=by, action="brokerage.handed_over")
    h = HandOff.objects.create(
        proposal=p, effective_on=effective_on, note=note.strip(), recorded_by=by, membership=membership
    )
    audit(obj=h, action="brokerage.hand_off_recorded", actor=by, before={}, note=ref)
    _complete_round_if_done(_lock_round(p.round), by=by)
    return h


PROFILE_FIELDS = (
    "capacity",
    "max_distance_km",
    "max_new_per_year",
    "open_serious_concern",
    "concern_note",
    "denomination",
    "diocesan_consent",
    "expertise",
    "accepts_estate_risk",
)


@transaction.atomic
def partner_profile_update(*, by, group: Group, **fields) -> PartnerProfile:
    """Regional officers (and superusers) keep a trust's brokerage profile."""
    if not (is_national(by) or by.role == Role.REGIONAL_OFFICER):
        raise PermissionDenied("Only regional officers edit trust profiles.")
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    if fields.get("max_distance_km") is not None and fields["max_distance_km"] <= 0:
        raise ValidationFailed(
            "The maximum distance must be positive.",
            extra={"errors": {"max_distance_km": ["Must be positive"]}},
        )
    profile, _ = PartnerProfile.objects.select_for_update().get_or_create(group=group)
    before = snapshot(profile)
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    audit(obj=profile, action="brokerage.partner_profile_updated", actor=by, before=before)
    return profile
