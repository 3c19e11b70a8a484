"""Reads for brokerage: scoped fetch-and-authorise, and the engine's inputs built from the registry.

Scope (docs/decisions/0003 and 0071): LA officers see rounds in their LA, regional officers rounds in their
region; trust leaders see only the proposals naming their trust; everyone else sees nothing. Out of scope is
reported as not found.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from schoolsystem.accounts.constants import Role
from schoolsystem.accounts.scope import establishment_q, is_national
from schoolsystem.brokerage import rules
from schoolsystem.brokerage.constants import (
    DEFAULT_CAPACITY_BY_SIZE,
    DEFAULT_CAPACITY_LARGE,
    PARTNER_GROUP_TYPES,
    TRUST_GROUP_TYPES,
    WEIGHT_LABELS,
    BoardOutcome,
    MoveType,
    ProposalStatus,
    RoundStatus,
    Scenario,
)
from schoolsystem.brokerage.models import (
    BoardDecision,
    Candidate,
    PartnerProfile,
    Proposal,
    Round,
    RoundPlan,
    RoundSchool,
)
from schoolsystem.core.errors import InvalidTransition, NotFound, ValidationFailed
from schoolsystem.core.formatting import govuk_date, in_sentence
from schoolsystem.core.rules import capitalise
from schoolsystem.engines.gias import group_key
from schoolsystem.engines.matching import (
    Assignment,
    Orphan,
    PartnerCandidate,
    PartnerKind,
    Plan,
    Problem,
    RuleSet,
    SchoolNeed,
    Weights,
    diff_plans,
    plan_problem,
)
from schoolsystem.registry.constants import GroupStatus, GroupType
from schoolsystem.registry.models import Establishment, Group, Membership

# ----- scope ---------------------------------------------------------------------------------------------------


def round_q(user, prefix: str = "") -> Q:
    """Rounds an officer may see and run."""
    if is_national(user):
        return Q()
    if user.role == Role.LA_OFFICER and user.scope_la_id:
        return Q(**{f"{prefix}la_id": user.scope_la_id})
    if user.role == Role.REGIONAL_OFFICER and user.scope_region:
        return Q(**{f"{prefix}la__region_name": user.scope_region})
    return Q(pk__in=[])


def can_run_rounds(user) -> bool:
    return bool(
        user.is_authenticated and (is_national(user) or user.role in {Role.LA_OFFICER, Role.REGIONAL_OFFICER})
    )


def proposal_q(user) -> Q:
    if user.role == Role.TRUST_LEADER and user.scope_group_id and not is_national(user):
        return Q(group_id=user.scope_group_id)
    return round_q(user, "round__")


def rounds_for_user(user, *, counts: bool = False):
    """The rounds `user` may see; with `counts`, each has `n_schools`, `n_proposals` and `n_handed_over` (the
    home page's table: DISTINCT counts over joins the API's list has no use for)."""
    rounds = Round.objects.filter(round_q(user)).select_related("la", "leaving_group")
    if counts:
        rounds = rounds.annotate(
            n_schools=Count("schools", distinct=True),
            n_proposals=Count("proposals", distinct=True),
            # How far a planned round has got: its status stays "Plan proposed" until every move is done.
            n_handed_over=Count(
                "proposals", filter=Q(proposals__status=ProposalStatus.HANDED_OVER), distinct=True
            ),
        )
    return rounds


def round_for_user(user, pk) -> Round:
    try:
        return Round.objects.select_related("la", "leaving_group").get(round_q(user), pk=pk)
    except (Round.DoesNotExist, ValueError) as exc:
        raise NotFound("No such brokerage round.") from exc


def proposals_for_user(user):
    return Proposal.objects.filter(proposal_q(user)).select_related(
        "round", "round_school__establishment", "group"
    )


def proposal_for_user(user, pk) -> Proposal:
    try:
        return (
            Proposal.objects.select_related(
                "round__la", "round_school__establishment", "group", "hand_off__recorded_by"
            )
            .prefetch_related("checks", "consultations", "decisions")
            .get(proposal_q(user), pk=pk)
        )
    except (Proposal.DoesNotExist, ValueError) as exc:
        raise NotFound("No such proposal.") from exc


def round_schools(round_):
    return round_.schools.select_related("establishment").prefetch_related(
        Prefetch("proposals", queryset=Proposal.objects.order_by("-id"))
    )


def establishment_for_user(user, urn) -> Establishment:
    """A school whose brokerage the user may see: officers within their area."""
    if not can_run_rounds(user):
        raise NotFound("No such school.")
    try:
        return Establishment.objects.select_related("la").get(establishment_q(user), urn=urn)
    except (Establishment.DoesNotExist, ValueError) as exc:
        raise NotFound("No such school.") from exc


# ----- engine inputs ------------------------------------------------------------------------------------------

_OFSTED_SCORE = {
    "outstanding": 1.0,
    "good": 0.75,
    "requires improvement": 0.35,
    "serious weaknesses": 0.1,
    "special measures": 0.0,
    "inadequate": 0.0,
}


def default_capacity(n_schools: int) -> int:
    for below, capacity in DEFAULT_CAPACITY_BY_SIZE:
        if n_schools < below:
            return capacity
    return DEFAULT_CAPACITY_LARGE


def _track_records(group_ids: list[int], members: dict[int, list[dict]]) -> dict[int, float | None]:
    """Scorecard track record (0..1) from the performance app when it offers one; else the share-weighted Ofsted
    grades of the trust's schools (docs/decisions/0071); None when nothing is known."""
    try:
        from schoolsystem.performance.selectors import trust_track_records_for_brokerage  # type: ignore
    except (ImportError, AttributeError):
        trust_track_records_for_brokerage = None
    if trust_track_records_for_brokerage is not None:
        return dict(trust_track_records_for_brokerage(group_ids))
    out: dict[int, float | None] = {}
    for gid in group_ids:
        scores = [
            _OFSTED_SCORE[m["ofsted"].lower()]
            for m in members.get(gid, [])
            if m["ofsted"].lower() in _OFSTED_SCORE
        ]
        out[gid] = round(sum(scores) / len(scores), 4) if scores else None
    return out


def _denomination(rows: list[dict]) -> str:
    """The denomination of most (over half) of these schools, or ""."""
    religions = [
        r["religion"]
        for r in rows
        if r["religion"] and r["religion"].lower() not in {"does not apply", "none"}
    ]
    return statistics.mode(religions) if religions and len(religions) * 2 > len(rows) else ""


def sponsor_folds(groups: list[Group], candidates: set[int]) -> dict[int, Group]:
    """Sponsor record pk -> the trust it is one organisation with: GIAS keeps an academy sponsor and its trust as
    two groups of one name (engines.gias.group_key). Only trusts in `candidates` (pks) count, a multi-academy trust
    first (as trust_for_sponsor)."""
    trusts: dict[str, Group] = {}
    for g in groups:
        if g.pk in candidates and g.group_type in TRUST_GROUP_TYPES and (key := group_key(g.name)):
            held = trusts.get(key)
            if held is None or (
                g.group_type == GroupType.MULTI_ACADEMY_TRUST
                and held.group_type != GroupType.MULTI_ACADEMY_TRUST
            ):
                trusts[key] = g
    return {
        g.pk: trusts[group_key(g.name)]
        for g in groups
        if g.group_type == GroupType.SPONSOR and group_key(g.name) in trusts
    }


def trust_candidates(*, include_single_academy_trusts: bool = False) -> list[PartnerCandidate]:
    """Open trusts and sponsors from the registry, located by head office and member schools: 2 queries.

    One candidate per organisation: a sponsor record with an open trust of the same name (sponsor_folds) is that
    trust, or a shortlist would list the organisation twice and a plan could give it two schools on two
    capacities. Its schools and head office count as the trust's (locations, phases, size, faith); the trust's
    profile stands, the sponsor record's when the trust has none. A sponsor with no such trust stays itself."""
    groups = list(
        Group.objects.filter(group_type__in=PARTNER_GROUP_TYPES, status="open").select_related(
            "brokerage_profile"
        )
    )

    def profile_of(g: Group) -> PartnerProfile | None:
        return getattr(g, "brokerage_profile", None)

    kept = [
        g
        for g in groups
        # A single-academy trust takes schools only when its profile gives it room.
        if g.group_type != "sat"
        or include_single_academy_trusts
        or ((p := profile_of(g)) is not None and p.capacity)
    ]
    folds = sponsor_folds(kept, {g.pk for g in kept})
    rows = Membership.objects.filter(group__in=[g.pk for g in kept], left_on__isnull=True).values(
        "group_id",
        "establishment_id",
        easting=F("establishment__easting"),
        northing=F("establishment__northing"),
        phase=F("establishment__phase"),
        pupils=F("establishment__pupils"),
        ofsted=F("establishment__ofsted_rating"),
        religion=F("establishment__religious_character"),
    )
    members: dict[int, dict[int, dict]] = defaultdict(dict)  # organisation pk -> school -> row
    own: dict[int, list[dict]] = defaultdict(list)  # group pk -> its own rows
    for row in rows:
        owner = folds[row["group_id"]].pk if row["group_id"] in folds else row["group_id"]
        members[owner].setdefault(row["establishment_id"], row)
        own[row["group_id"]].append(row)
    by_pk = {g.pk: g for g in kept}
    folded_into: dict[int, list[Group]] = defaultdict(list)
    for sponsor_pk, trust in folds.items():
        folded_into[trust.pk].append(by_pk[sponsor_pk])
    organisations = [g for g in kept if g.pk not in folds]
    track = _track_records(
        [g.pk for g in organisations], {pk: list(ms.values()) for pk, ms in members.items()}
    )
    out = []
    for g in organisations:
        profile = profile_of(g) or next(
            (p for s in folded_into[g.pk] if (p := profile_of(s)) is not None), None
        )
        ms = list(members.get(g.pk, {}).values())
        locations = [(m["easting"], m["northing"]) for m in ms if m["easting"] and m["northing"]]
        for office in (g, *folded_into[g.pk]):
            if office.head_office_easting and office.head_office_northing:
                locations.append((office.head_office_easting, office.head_office_northing))
        pupils = [m["pupils"] for m in ms if m["pupils"]]
        # Faith: the profile's; else the trust's schools' (most of one denomination); else, for a trust whose
        # sponsor record sponsors church academies, theirs (a church sponsor).
        denomination = (profile.denomination if profile else "") or next(
            (d for rs in (own[g.pk], *(own[x.pk] for x in folded_into[g.pk])) if (d := _denomination(rs))), ""
        )
        capacity = profile.capacity if profile and profile.capacity is not None else default_capacity(len(ms))
        out.append(
            PartnerCandidate(
                id=f"group:{g.pk}",
                name=g.name,
                kind=PartnerKind.SPONSOR if g.group_type == "sponsor" else PartnerKind.TRUST,
                capacity=capacity,
                phases=tuple(sorted({m["phase"] for m in ms if m["phase"]})),
                locations=tuple(dict.fromkeys(locations)),
                track_record=track.get(g.pk),
                current_schools=len(ms),
                denomination=denomination,
                diocesan_consent=tuple(profile.diocesan_consent) if profile else (),
                open_serious_concern=bool(profile and profile.open_serious_concern),
                max_distance_km=profile.max_distance_km if profile else None,
                max_new_per_year=profile.max_new_per_year if profile else None,
                typical_pupils=int(statistics.median(pupils)) if pupils else None,
                expertise=tuple(profile.expertise) if profile else (),
                accepts_estate_risk=profile.accepts_estate_risk if profile else True,
            )
        )
    return out


def accredited_pool() -> list[dict]:
    """The accreditation app's pool (a contract: see ADR 0071); empty until that app provides it."""
    try:
        from schoolsystem.accreditation.selectors import accredited_pool_for_brokerage
    except (ImportError, AttributeError):
        return []
    return list(accredited_pool_for_brokerage())


def accredited_candidates() -> list[PartnerCandidate]:
    pool = accredited_pool()
    group_ids = [p["group_id"] for p in pool if p.get("group_id")]
    locs: dict[int, list] = defaultdict(list)
    for gid, e, n in Membership.objects.filter(group_id__in=group_ids, left_on__isnull=True).values_list(
        "group_id", "establishment__easting", "establishment__northing"
    ):
        if e and n:
            locs[gid].append((e, n))
    out = []
    for p in pool:
        locations = list(locs.get(p.get("group_id"), []))
        if p.get("easting") and p.get("northing"):
            locations.append((p["easting"], p["northing"]))
        out.append(
            PartnerCandidate(
                id=f"provider:{p['provider_id']}",
                name=p["name"],
                kind=PartnerKind.ACCREDITED_PROVIDER,
                capacity=max(int(p.get("max_schools") or 0) - int(p.get("current_schools") or 0), 0),
                phases=tuple(p.get("phases") or ()),
                locations=tuple(locations),
                accreditation=p.get("accreditation_type") or "",
                current_schools=int(p.get("current_schools") or 0),
                denomination=p.get("denomination") or "",
            )
        )
    return out


def partners_for(round_: Round | None, scenario: str) -> list[PartnerCandidate]:
    """Scenario 2 draws lead partners from the accredited pool (seed 000); the others from trusts and sponsors."""
    if scenario == Scenario.LEAD_PARTNER:
        return accredited_candidates()
    partners = trust_candidates()
    if round_ is not None:
        for rs in round_.schools.all():
            if rs.move_type == MoveType.FORM_MAT:
                partners.append(new_trust_candidate(rs.establishment))
    return partners


def new_trust_candidate(est: Establishment) -> PartnerCandidate:
    """Seed 003 re-brokerage 2: a single academy forming its own MAT, compared with joining an existing one."""
    return PartnerCandidate(
        id=f"new:{est.urn}",
        name=f"New trust formed by {est.name}",
        capacity=1,
        phases=(est.phase,) if est.phase else (),
        locations=((est.easting, est.northing),) if est.easting and est.northing else (),
        typical_pupils=est.pupils,
        denomination=est.religious_character,
        track_record=_OFSTED_SCORE.get(est.ofsted_rating.lower()),
    )


def current_group_key(est_id: int) -> str:
    m = Membership.objects.filter(
        establishment_id=est_id, left_on__isnull=True, group__group_type__in=PARTNER_GROUP_TYPES
    ).first()
    return f"group:{m.group_id}" if m else ""


def same_named_groups(names: Iterable[str], group_types: Iterable[str]) -> dict[str, list[Group]]:
    """Name key (engines.gias.group_key) -> the open groups of `group_types` with that name, by pk; one query.
    GIAS keeps an academy sponsor and its trust as two groups of one name (case and spacing aside): this is the
    one place the two are matched, for the school's own sponsor record, the trust a sponsor's school joins and
    the labels that say which is which."""
    keys = {key for key in map(group_key, names) if key}
    if not keys:
        return {}
    firsts = Q()
    for key in keys:
        # Narrows the rows in the database; group_key decides. "the kemnal academies trust" is also written
        # "Kemnal Academies Trust, The" (the groups file's style), so a "the ..." key looks for its next word too.
        words = key.split(" ")
        firsts |= Q(name__istartswith=words[0])
        if words[0] == "the" and len(words) > 1:
            firsts |= Q(name__istartswith=words[1])
    out: dict[str, list[Group]] = defaultdict(list)
    groups = Group.objects.filter(firsts, group_type__in=list(group_types), status=GroupStatus.OPEN)
    for group in groups.order_by("pk"):
        if (key := group_key(group.name)) in keys:
            out[key].append(group)
    return out


def same_named_sponsors(group_keys: set[str]) -> dict[str, set[str]]:
    """Partner key of a trust -> keys of the open sponsor records GIAS holds under the same name: the school's
    own trust in another guise, never a partner to move to. Two queries."""
    ids = {int(k.partition(":")[2]) for k in group_keys if k.startswith("group:")}
    if not ids:
        return {}
    trusts = list(
        Group.objects.filter(pk__in=ids).exclude(group_type=GroupType.SPONSOR).values_list("pk", "name")
    )
    sponsors = same_named_groups((name for _pk, name in trusts), (GroupType.SPONSOR,))
    return {
        f"group:{pk}": {f"group:{s.pk}" for s in sponsors[group_key(name)]}
        for pk, name in trusts
        if group_key(name) in sponsors
    }


def _with_own_sponsors(schools: list[SchoolNeed]) -> list[SchoolNeed]:
    """Each school with the sponsor records of its own trust (same name in GIAS) as further current partners:
    never a trust to move it to (engine rule "current")."""
    sponsors = same_named_sponsors({s.current_partner_id for s in schools if s.current_partner_id})
    return [
        replace(s, also_current_ids=tuple(sorted(sponsors[s.current_partner_id])))
        if sponsors.get(s.current_partner_id)
        else s
        for s in schools
    ]


def closing_group_id(round_: Round) -> int | None:
    """The pk of the round's closing trust: a whole-MAT closure's. A trust recorded on a round of another scenario
    (possible before rules.closing_trust_error refused it) means nothing: each school leaves its own trust."""
    return round_.leaving_group_id if round_.scenario == Scenario.MAT_CLOSURE else None


def school_preferences(rs: RoundSchool) -> tuple[str, ...]:
    """The partners a round's school is scored as preferring: a performing school's own ranking (the department
    decides for the others: seed 003), and for a school forming its own trust, that new trust."""
    if rs.move_type == MoveType.FORM_MAT:
        return (f"new:{rs.establishment.urn}",)
    return tuple(rs.preferences) if rs.performing else ()


def school_need(rs: RoundSchool, round_: Round, current: dict[int, str]) -> SchoolNeed:
    est = rs.establishment
    needs = list(rs.needs)
    if rs.finance_flag and "finance" not in needs:
        needs.append("finance")
    if rs.estate_flag and "estate" not in needs:
        needs.append("estate")
    preferences = school_preferences(rs)
    closing = closing_group_id(round_)
    leaving = f"group:{closing}" if closing else current.get(est.pk, "")
    return SchoolNeed(
        id=str(est.urn),
        urn=est.urn,
        name=est.name,
        phase=est.phase,
        easting=est.easting,
        northing=est.northing,
        pupils=est.pupils,
        religious_character=est.religious_character,
        diocese=est.diocese,
        ofsted_outcome=est.ofsted_rating,
        finance_flag=rs.finance_flag,
        estate_flag=rs.estate_flag,
        needs=tuple(needs),
        group_key=rs.group_key,
        preferences=preferences,
        current_partner_id=leaving,
        year=rs.join_year,
    )


@dataclass
class RoundProblem:
    problem: Problem
    round_schools: dict[str, RoundSchool]  # school id (URN) -> row


def round_problem(round_: Round, *, unlisted: RoundSchool | None = None) -> RoundProblem:
    """The round as the engine's Problem. `unlisted`: a row whose recorded preferences are left out, so its
    shortlist shows every partner it could choose (listed preferences narrow it to those alone)."""
    rows = list(round_.schools.select_related("establishment"))
    if unlisted is not None:
        for r in rows:
            if r.pk == unlisted.pk:
                r.preferences = []
    current = {}
    if not closing_group_id(round_):  # a school's current trust is never its new partner, in any scenario
        for est_id, gid in Membership.objects.filter(
            establishment_id__in=[r.establishment_id for r in rows],
            left_on__isnull=True,
            group__group_type__in=PARTNER_GROUP_TYPES,
        ).values_list("establishment_id", "group_id"):
            current[est_id] = f"group:{gid}"
    schools = [school_need(r, round_, current) for r in rows]
    problem = Problem(
        _with_own_sponsors(schools),
        partners_for(round_, round_.scenario),
        RuleSet.from_dict(round_.rules),
        Weights.from_dict(round_.weights),
    )
    return RoundProblem(problem, {str(r.establishment.urn): r for r in rows})


def plan_record(round_: Round) -> RoundPlan | None:
    """The inputs and plan of the round's latest plan, if it has one (kept on the round: one query at most)."""
    try:
        return round_.plan_record
    except RoundPlan.DoesNotExist:
        return None


def school_shortlist(est: Establishment, round_school: RoundSchool | None, limit: int = 25):
    """The shortlist of one school: in its latest round's setting, from the inputs its plan was made from once
    the round is planned (so it explains the proposal, whatever the register has done since: a hand-off makes
    the new trust the school's current one); live before that, or as an academy-order school outside a round."""
    if round_school is not None:
        record = plan_record(round_school.round)
        problem = stored_problem(record) if record is not None else None
        if problem is None or str(est.urn) not in problem.school_index:
            problem = round_problem(round_school.round).problem
        return problem, problem.shortlist(problem.school_index[str(est.urn)], limit=limit)
    need = SchoolNeed(
        id=str(est.urn),
        urn=est.urn,
        name=est.name,
        phase=est.phase,
        easting=est.easting,
        northing=est.northing,
        pupils=est.pupils,
        religious_character=est.religious_character,
        diocese=est.diocese,
        ofsted_outcome=est.ofsted_rating,
        current_partner_id=current_group_key(est.pk),
    )
    problem = Problem(_with_own_sponsors([need]), partners_for(None, Scenario.ACADEMY_ORDER))
    return problem, problem.shortlist(0, limit=limit)


@dataclass(frozen=True)
class FitPart:
    """One part of a fit: how the partner scored on it (0 to 1), its share of the weights, the points it gave."""

    label: str
    value: float
    share: float
    points: float

    @property
    def score(self) -> float:
        """How well the partner does on this part, out of 100."""
        return 100 * self.value

    @property
    def share_percent(self) -> float:
        return 100 * self.share


@dataclass(frozen=True)
class ConsideredPartner:
    name: str
    fit: float
    distance_km: float | None
    rank: int
    proposed: bool

    def as_option(self) -> str:
        """How the decision register lists it among the options considered."""
        where = f", {self.distance_km:.1f} km" if self.distance_km is not None else ""
        return f"{self.name} (fit {self.fit:.1f} of 100{where})" + (
            ", the partner proposed" if self.proposed else ""
        )


@dataclass(frozen=True)
class ProposalFit:
    """Why the plan proposed this partner: the parts of its fit, and the eligible partners considered for the
    school, best fit first (the proposed one always among them)."""

    parts: tuple[FitPart, ...]
    considered: tuple[ConsideredPartner, ...]


def proposal_fit(proposal: Proposal, limit: int = 5) -> ProposalFit:
    """The fit of `proposal`'s partner broken down, and the `limit` best-fitting eligible partners for its school,
    as the engine scored them from the inputs the round's plan was made from (the shortlist page's figures); from
    the round's stored shortlist when it has no plan record. No query per partner."""
    est = proposal.round_school.establishment
    record = plan_record(proposal.round)
    problem = stored_problem(record) if record is not None else None
    if problem is not None and str(est.urn) in problem.school_index:
        ranked = problem.shortlist(problem.school_index[str(est.urn)]).ranked
        names = problem_partner_labels(problem)
        rows = [
            (
                c.partner_id,
                names.get(c.partner_id, c.partner_name),
                c.fit,
                c.distance_km,
                c.rank,
                c.components,
            )
            for c in ranked
        ]
        weights = problem.weights
    else:
        rows = [
            (c.partner_key, c.partner_name, c.fit, c.distance_km, c.rank or 0, c.breakdown)
            for c in Candidate.objects.filter(round_school=proposal.round_school, eligible=True).order_by(
                "rank"
            )
        ]
        weights = Weights.from_dict(proposal.round.weights or {})
    parts: tuple[FitPart, ...] = ()
    for key, _name, _fit, _km, _rank, components in rows:
        if key == proposal.partner_key:
            # The school's own weights (the engine leaves out a preference the school did not state): a part
            # that does not count is not shown.
            total = sum(float(_get(c, "weight")) for c in components) or weights.total
            parts = tuple(
                FitPart(
                    label=capitalise(
                        WEIGHT_LABELS.get(_get(c, "name"), str(_get(c, "name")).replace("_", " "))
                    ),
                    value=float(_get(c, "value")),
                    share=float(_get(c, "weight")) / total if total else 0.0,
                    points=float(_get(c, "points")),
                )
                for c in components
                if float(_get(c, "weight")) > 0
            )
    shown = list(rows[:limit])
    if not any(r[0] == proposal.partner_key for r in shown):
        shown += [r for r in rows if r[0] == proposal.partner_key][:1]
    considered = tuple(
        ConsideredPartner(name=name, fit=fit, distance_km=km, rank=rank, proposed=key == proposal.partner_key)
        for key, name, fit, km, rank, _components in shown
    )
    return ProposalFit(parts=parts, considered=considered)


def _get(component, name: str):
    """A fit component's field, from the engine's Component or a stored shortlist's dict."""
    return component[name] if isinstance(component, dict) else getattr(component, name)


def latest_round_school(user, est: Establishment) -> RoundSchool | None:
    return (
        RoundSchool.objects.filter(establishment=est)
        .filter(round_q(user, "round__"))
        .select_related("round", "establishment")
        .order_by("-round__created_on")
        .first()
    )


def plan_record_data(problem: Problem, plan: Plan) -> tuple[dict, dict]:
    """(inputs, result) of a plan as JSON for RoundPlan: the engine's dataclasses as dicts."""
    inputs = {
        "schools": [asdict(x) for x in problem.schools],
        "partners": [asdict(x) for x in problem.partners],
        "rules": asdict(problem.rules),
        "weights": asdict(problem.weights),
    }
    return inputs, asdict(plan)


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _rebuild(cls, data: dict):
    """A frozen engine dataclass from its JSON dict: lists back to tuples; a field the engine no longer has is
    dropped, one it has since gained takes its default."""
    known = {f.name for f in fields(cls)}
    return cls(**{k: _tuples(v) for k, v in data.items() if k in known})


def stored_problem(record: RoundPlan) -> Problem:
    """The engine problem the round was planned from."""
    i = record.inputs
    return Problem(
        [_rebuild(SchoolNeed, x) for x in i["schools"]],
        [_rebuild(PartnerCandidate, x) for x in i["partners"]],
        _rebuild(RuleSet, i["rules"]),
        _rebuild(Weights, i["weights"]),
    )


def stored_plan(record: RoundPlan) -> Plan:
    """The plan the round proposed, as the engine returned it."""
    r = record.result
    return Plan(
        assignments=tuple(_rebuild(Assignment, a) for a in r["assignments"]),
        orphans=tuple(_rebuild(Orphan, o) for o in r["orphans"]),
        total_fit=r["total_fit"],
        objective=r["objective"],
        solver=r["solver"],
        load=_tuples(r.get("load", [])),
    )


def what_if_problem(
    problem: Problem, *, weights: dict | None, capacity_overrides: dict[str, int] | None
) -> Problem:
    """`problem` with other weights (merged into its own) or partner capacities; `problem` itself when they
    change nothing, so "no change" is the same problem and so the same plan."""
    new_weights = (
        problem.weights if weights is None else Weights.from_dict({**asdict(problem.weights), **weights})
    )
    overrides = {k: int(v) for k, v in (capacity_overrides or {}).items()}
    partners = [
        replace(p, capacity=overrides[p.id]) if p.id in overrides and overrides[p.id] != p.capacity else p
        for p in problem.partners
    ]
    if new_weights == problem.weights and all(
        a is b for a, b in zip(partners, problem.partners, strict=True)
    ):
        return problem
    return Problem(problem.schools, partners, problem.rules, new_weights)


def _partner_kind(p: PartnerCandidate) -> str:
    if p.kind == PartnerKind.SPONSOR:
        return "sponsor"
    if p.kind == PartnerKind.ACCREDITED_PROVIDER:
        return "provider"
    return p.id.partition(":")[0] if p.id.startswith("new:") else "trust"


def _check_what_if_partners(
    round_: Round, problem: Problem, record, capacity_overrides: dict[str, int] | None
) -> None:
    """A capacity change for a partner the plan was not made from would change nothing (what_if_problem only
    changes the plan's own partners): refuse it, naming the partner, rather than show "no change". This happens
    when a shortlisted partner had left the register (closed, or no longer a trust) by the time the round was
    planned. ValidationFailed with `extra["unknown_partners"]`, the keys."""
    known = {p.id for p in problem.partners}
    unknown = [key for key in capacity_overrides or {} if key not in known]
    if not unknown:
        return
    labels = dict(round_partner_choices(round_))
    names = [labels.get(key, key) for key in unknown]
    one = len(names) == 1
    when = f" on {govuk_date(timezone.localdate(record.modified_on))}" if record is not None else ""
    msg = (
        f"{' and '.join(names)} {'was' if one else 'were'} not among the partners the round was planned "
        f"with{when}, so changing {'its' if one else 'their'} capacity would change nothing. Choose another "
        "trust or partner, or plan the round again to include "
        f"{'it' if one else 'them'}."
    )
    raise ValidationFailed(msg, extra={"errors": {"capacity": [msg]}, "unknown_partners": unknown})


def round_what_if(round_: Round, *, weights: dict | None, capacity_overrides: dict[str, int] | None):
    """Re-plan with other weights or capacities and compare with the plan proposed. Writes nothing.

    Both plans are made from the same inputs: those the round was planned from (RoundPlan), so with no change
    the what-if is the proposed plan itself, with no school changing partner and the same total fit. Inputs
    re-read from the register would not be the same: by then the round's own hand-offs have moved its schools
    into their new trusts (which the "current trust" rule then excludes) and changed the partners' sizes and
    capacities. A round planned before its inputs were kept is compared with a plan from today's register.
    Each change names the school (with its URN) and the partners, never their internal keys. A round never
    planned has nothing to compare with: InvalidTransition (rules.NO_PLAN_FOR_WHAT_IF)."""
    if not round_.plan_summary:
        raise InvalidTransition(rules.NO_PLAN_FOR_WHAT_IF)
    record = plan_record(round_)
    if record is not None:
        problem, before = stored_problem(record), stored_plan(record)
    else:
        problem = round_problem(round_).problem
        before = plan_problem(problem)
    _check_what_if_partners(round_, problem, record, capacity_overrides)
    changed = what_if_problem(problem, weights=weights, capacity_overrides=capacity_overrides)
    after = before if changed is problem else plan_problem(changed)
    names = problem_partner_labels(problem)
    schools = {s.id: s for s in problem.schools}
    status = dict(
        Proposal.objects.filter(round=round_)
        .order_by("id")
        .values_list("round_school__establishment__urn", "status")
    )
    changes = diff_plans(before, after)
    rows = []  # for pages: names, not keys (the API keeps the keys in `changes`)
    for c in changes:
        school = schools.get(c.school_id)
        urn = school.urn if school and school.urn else c.school_id
        st = status.get(urn)
        rows.append(
            {
                "school": school.name if school else c.school_id,
                "urn": urn,
                "before": names.get(c.before, c.before) if c.before else "",
                "after": names.get(c.after, c.after) if c.after else "",
                # A school whose proposal has moved on: the what-if is only what the plan would have been.
                "now": ProposalStatus(st).label if st and st != ProposalStatus.PROPOSED else "",
            }
        )
    return {
        "plan": after,
        "changes": changes,
        "rows": rows,
        "before": before,
        "planned_on": record.modified_on if record is not None else None,
    }


_KIND_WORD = {"sponsor": "sponsor", "provider": "accredited provider", "new": "new trust"}


def partner_labels(partners) -> dict[str, str]:
    """Partner key -> name for pages, from (key, name, kind) triples; kind is "sponsor", "provider", "trust"...
    GIAS often holds a sponsor and its trust under one name: a sponsor is always labelled "(sponsor)", and a
    name shared by several partners says which kind each one is ("(trust)")."""
    partners = list(partners)
    seen: dict[str, int] = defaultdict(int)
    for _key, name, _kind in partners:
        seen[group_key(name)] += 1
    out = {}
    for key, name, kind in partners:
        word = _KIND_WORD.get(kind or "", "")
        if seen[group_key(name)] > 1:
            out[key] = f"{name} ({word or 'trust'})"
        elif word == "sponsor":
            out[key] = f"{name} (sponsor)"
        else:
            out[key] = name
    return out


def problem_partner_labels(problem: Problem) -> dict[str, str]:
    """Partner key -> label of every partner of an engine problem (partner_labels), for the shortlist, the
    preferences and what-if pages."""
    return partner_labels((p.id, p.name, _partner_kind(p)) for p in problem.partners)


def exclusions_by_reason(excluded, labels: dict[str, str]) -> list[dict]:
    """A shortlist's excluded partners grouped by the rules they fail (the same rules, the same group), the
    largest group first: each group's rules (label and message) and its partners (label, distance in km),
    nearest first, as the engine lists them."""
    groups: dict[tuple[str, ...], dict] = {}
    for e in excluded:
        key = tuple(r.code for r in e.reasons)
        group = groups.setdefault(key, {"reasons": e.reasons, "partners": []})
        group["partners"].append((labels.get(e.partner_id, e.partner_name), e.distance_km))
    return sorted(groups.values(), key=lambda g: -len(g["partners"]))


def round_partner_choices(round_: Round) -> list[tuple[str, str]]:
    """(partner key, label) of every partner shortlisted for a school of the round, by label (one query)."""
    rows = set(
        Candidate.objects.filter(round_school__round=round_, eligible=True)
        .values_list("partner_key", "partner_name", "group__group_type")
        .distinct()
    )
    labels = partner_labels((k, n, t or k.partition(":")[0]) for k, n, t in rows)
    return sorted(labels.items(), key=lambda kv: (kv[1].lower(), kv[0]))


def what_if_partner_choices(round_: Round) -> list[tuple[str, str]]:
    """(partner key, label) of the partners whose capacity a what-if may change, by label: those eligible for at
    least one school of the plan, from the inputs it was made from, each with the capacity it had there ("Oak Trust
    (capacity 2)"), whether or not shortlists were drawn up before the plan. A plan whose inputs were not kept
    falls back to the round's shortlists (round_partner_choices). One query, and the engine's eligible pairs (the
    plan's own, not a shortlist per school)."""
    record = plan_record(round_)
    problem = stored_problem(record) if record is not None else None
    if problem is None:
        return round_partner_choices(round_)
    eligible = {problem.partners[int(j)].id for j in set(problem.edges().partner.tolist())}
    labels = problem_partner_labels(problem)
    out = [(p.id, f"{labels[p.id]} (capacity {p.capacity})") for p in problem.partners if p.id in eligible]
    return sorted(out, key=lambda kv: (kv[1].lower(), kv[0]))


def preference_choices(round_school: RoundSchool, limit: int | None = None) -> list[tuple[str, str]]:
    """(partner key, label) of the partners a performing school may list, best fit first: its shortlist from the
    engine in the round's setting, ignoring the preferences already recorded. Sponsors and same-named trusts are
    labelled as on the other pages."""
    rp = round_problem(round_school.round, unlisted=round_school)
    sl = rp.problem.shortlist(rp.problem.school_index[str(round_school.establishment.urn)], limit=limit)
    labels = problem_partner_labels(rp.problem)
    return [(c.partner_id, labels[c.partner_id]) for c in sl.ranked]


def preference_labels(keys) -> dict[str, str]:
    """Partner key -> label for recorded preferences (two queries at most, none without a group key), as the
    shortlist labels them: a trust's sponsor record is folded into the trust (sponsor_folds), so only a
    name shared with another open trust says which kind each one is."""
    ids = {int(k.partition(":")[2]) for k in keys if k.startswith("group:") and k.partition(":")[2].isdigit()}
    if not ids:
        return {}
    rows = list(Group.objects.filter(pk__in=ids).values_list("pk", "name", "group_type"))
    namesakes = same_named_groups((name for _pk, name, _t in rows), TRUST_GROUP_TYPES)
    rows += [(g.pk, g.name, g.group_type) for gs in namesakes.values() for g in gs if g.pk not in ids]
    return partner_labels(
        (f"group:{pk}", name, "sponsor" if t == GroupType.SPONSOR else "trust") for pk, name, t in rows
    )


def weights_in_words(weights: Weights | dict | None, *, stated_preferences: bool = True) -> str:
    """The fit weights as words and shares, e.g. "distance to the partner's nearest school 30%, ...". For a school
    that stated no preferences, the shares its fits were scored with: the engine leaves the preference weight out
    (Problem.weights_for), so the others grow in proportion, and the words say so (found in review: the page said
    30% while the points it showed were out of 33%)."""
    w = weights if isinstance(weights, Weights) else Weights.from_dict(weights or {})
    shares, note = w.as_dict(), ""
    if not stated_preferences and shares["preference"]:
        note = (
            f" (the school stated no preferences, so the {shares['preference'] / w.total:.0%} weight of "
            "preference is shared among the others in proportion)"
        )
        shares["preference"] = 0.0
    total = sum(shares.values()) or 1.0
    words = (f"{WEIGHT_LABELS.get(c, c.replace('_', ' '))} {v / total:.0%}" for c, v in shares.items() if v)
    return ", ".join(words) + note


def academy_order_issued(est: Establishment) -> bool | None:
    """Whether the improvement app records an issued academy order for the school (None: that app is absent)."""
    try:
        from schoolsystem.improvement.constants import AcademyOrderState
        from schoolsystem.improvement.models import AcademyOrder
    except (ImportError, AttributeError):
        return None
    return AcademyOrder.objects.filter(case__school=est, state=AcademyOrderState.ISSUED).exists()


def academy_order_basis(round_schools) -> dict[int, str]:
    """Establishment id -> why each school of an academy-order round is there, in words: the academy order the
    improvement app records as issued, or the inadequate judgement that requires one (seed 003: an inadequate
    maintained school gets an academy order). One query."""
    ests = [rs.establishment for rs in round_schools]
    try:
        from schoolsystem.improvement.constants import AcademyOrderState
        from schoolsystem.improvement.models import AcademyOrder

        issued = dict(
            AcademyOrder.objects.filter(
                case__school__in=[e.pk for e in ests],
                state__in=[AcademyOrderState.ISSUED, AcademyOrderState.SPONSOR_FOUND],
            ).values_list("case__school_id", "issued_on")
        )
    except (ImportError, AttributeError):
        issued = {}
    return {e.pk: _order_basis(e, issued.get(e.pk)) for e in ests}


def _order_basis(e: Establishment, issued_on) -> str:
    """Why the school is for an academy-order round, in words: its order issued on `issued_on`, or its judgement."""
    from schoolsystem.improvement.services.cases import is_inadequate

    if issued_on is not None:
        return f"Academy order issued on {govuk_date(issued_on)}"
    if is_inadequate(e.ofsted_rating or ""):
        return f"Ofsted: {e.ofsted_rating}. An inadequate maintained school gets an academy order"
    return "No Ofsted judgement recorded"


def other_intervention(est: Establishment) -> str:
    """Why the improvement app's record rules out an academy order for the school, in words ("" when nothing
    does, or the app is absent): its open intervention case chose another intervention, or its academy order was
    revoked (exceptional circumstances, seed 003). One query."""
    return _improvement_records([est.pk]).get(est.pk, ("", None))[0]


def _improvement_records(est_ids) -> dict[int, tuple[str, object]]:
    """Establishment id -> (what rules out an academy order, as other_intervention says it; the date of its
    academy order issued and not yet matched, or None), for the schools with an improvement case. One query;
    {} when the improvement app is absent."""
    try:
        from schoolsystem.improvement.constants import OPEN_CASE_STATES, AcademyOrderState, InterventionOption
        from schoolsystem.improvement.models import Case
    except (ImportError, AttributeError):
        return {}
    cases = defaultdict(list)
    for case in (
        Case.objects.filter(school_id__in=est_ids)
        .select_related("academy_order")
        .order_by("-created_on", "-pk")
    ):
        cases[case.school_id].append(case)
    out = {}
    for est_id, rows in cases.items():
        why = ""
        for case in rows:  # newest first: the latest word on the school's intervention
            order = getattr(case, "academy_order", None)
            if order is not None and order.state == AcademyOrderState.REVOKED:
                why = "its academy order was revoked"
                break
            if case.state in OPEN_CASE_STATES and case.intervention:
                if case.intervention != InterventionOption.SPONSORED_ACADEMY:
                    why = f"its intervention case chose {in_sentence(InterventionOption(case.intervention).label)}"
                break
        issued = next(
            (
                c.academy_order.issued_on
                for c in rows
                if getattr(c, "academy_order", None) is not None
                and c.academy_order.state == AcademyOrderState.ISSUED
            ),
            None,
        )
        out[est_id] = (why, issued)
    return out


@dataclass(frozen=True)
class BoardDecisionEntry:
    """An advisory board decision and its entry on the decision register (None when the register is absent or
    has no entry for it): the proposal page says whether the entry is public or still a draft to review."""

    decision: BoardDecision
    reference: str = ""
    published: bool = False
    register_pk: int | None = None


def withdrawal_of(proposal: Proposal):
    """The audit event that withdrew the proposal (when, who, the reason given, or the round's closing reason),
    or None when it is not withdrawn. One query."""
    from schoolsystem.core.audit import history_for

    if proposal.status != ProposalStatus.WITHDRAWN:
        return None
    return (
        history_for(proposal).filter(action="brokerage.proposal_withdrawn").order_by("-occurred_on").first()
    )


def unpublished_approval(entries: list[BoardDecisionEntry]) -> BoardDecisionEntry | None:
    """Of a proposal's board decisions (`board_decisions_with_register`), its approval when the register entry is
    still a draft: the hand-off waits for it, since the register shows the move to the public (decisions are
    published first: seed 003 proposal 7). None when it is published, or there is no register entry to wait for."""
    approvals = [e for e in entries if e.decision.outcome == ProposalStatus.APPROVED]
    latest = max(approvals, key=lambda e: (e.decision.decided_on, e.decision.pk), default=None)
    if latest is None or latest.register_pk is None or latest.published:
        return None
    return latest


def board_decisions_with_register(proposal: Proposal) -> list[BoardDecisionEntry]:
    """The proposal's board decisions, newest first, each with its register entry's reference and whether it is
    published. Two queries whatever the number of decisions; no register entries when the improvement app is
    absent."""
    decisions = list(proposal.decisions.all())
    ids = [int(d.register_decision_id) for d in decisions if d.register_decision_id.isdigit()]
    entries = _register_entries(ids) if ids else {}
    out = []
    for d in decisions:
        pk = int(d.register_decision_id) if d.register_decision_id.isdigit() else None
        if pk in entries:
            ref, published = entries[pk]
            out.append(BoardDecisionEntry(decision=d, reference=ref, published=published, register_pk=pk))
        else:
            out.append(BoardDecisionEntry(decision=d))
    return out


def _register_entries(ids: list[int]) -> dict[int, tuple[str, bool]]:
    """Register decision id -> (its reference, whether it is published). One query; {} when the improvement app
    is absent."""
    try:
        from schoolsystem.improvement.constants import DecisionStatus
        from schoolsystem.improvement.models import Decision
    except (ImportError, AttributeError):
        return {}
    rows = Decision.objects.filter(pk__in=ids).values_list("pk", "reference", "status")
    return {pk: (ref, status == DecisionStatus.PUBLISHED) for pk, ref, status in rows}


def academy_order_choices(round_: Round, user) -> list[tuple[Establishment, str]]:
    """The schools an academy-order round can take, each with why (for the round's add-school form): open
    maintained schools of the round's area in the user's scope, with an academy order issued or judged inadequate,
    that the service would not refuse (round_add_school: not an academy, no case choosing another intervention or
    revoked order (other_intervention), not in this round, not brokered in another live round
    (school_active_elsewhere) or with an approved move still to happen (approved_move_for)). At most five queries
    whatever the number of schools."""
    from schoolsystem.improvement.services.cases import is_inadequate

    in_round = round_.schools.values("establishment_id")
    schools = [
        e
        for e in Establishment.objects.open()
        .filter(establishment_q(user), la_id=round_.la_id, state_funded=True)
        .exclude(pk__in=in_round)
        .order_by("name")
        if not e.is_academy
    ]
    records = _improvement_records([e.pk for e in schools])
    out = []
    for e in schools:
        why_not, issued_on = records.get(e.pk, ("", None))
        if why_not or (issued_on is None and not is_inadequate(e.ofsted_rating or "")):
            continue
        out.append((e, _order_basis(e, issued_on)))
    ids = [e.pk for e, _ in out]
    if not ids:
        return []
    busy = set(schools_active_elsewhere(ids, round_)) | set(
        _approved_moves(ids, timezone.localdate()).values_list("round_school__establishment_id", flat=True)
    )
    return [(e, basis) for e, basis in out if e.pk not in busy]


# A school's brokerage in a round is over once its proposal there is one of these (a hand-off still to take
# effect is caught by approved_move_for).
# An approved proposal with no group in the register (a lead partner from the accredited pool, a new trust GIAS
# has yet to open) has no hand-off to record: its brokerage ends with the board's approval.
ENDED_PROPOSAL_STATUSES = (ProposalStatus.WITHDRAWN, ProposalStatus.DECLINED, ProposalStatus.HANDED_OVER)


def school_active_elsewhere(est: Establishment, round_: Round) -> RoundSchool | None:
    """The school's row in another round that is not closed, unless every proposal for it there has ended
    (withdrawn, declined, handed over, or approved with nothing to hand over): one round at a time. A school
    without a proposal in a live round is still in it until the officer removes it or closes the round."""
    return schools_active_elsewhere([est.pk], round_).get(est.pk)


def schools_active_elsewhere(est_ids, round_: Round) -> dict[int, RoundSchool]:
    """school_active_elsewhere for many schools: establishment id -> its row in the latest such round. Two
    queries."""
    rows = (
        RoundSchool.objects.filter(establishment_id__in=est_ids)
        .exclude(round=round_)
        .exclude(round__status=RoundStatus.CLOSED)
        .select_related("round")
        .prefetch_related("proposals")
        .order_by("-round__created_on")
    )
    out: dict[int, RoundSchool] = {}
    for rs in rows:
        props = list(rs.proposals.all())
        if not props or any(not _ended(p) for p in props):
            out.setdefault(rs.establishment_id, rs)
    return out


def _ended(p: Proposal) -> bool:
    return p.status in ENDED_PROPOSAL_STATUSES or (p.status == ProposalStatus.APPROVED and p.group_id is None)


def move_agreed(p: Proposal) -> bool:
    """The school's move is done as far as brokerage goes: handed over, or approved with no group in the register
    to hand it over to (a lead partner, a new trust)."""
    return p.status == ProposalStatus.HANDED_OVER or (
        p.status == ProposalStatus.APPROVED and p.group_id is None
    )


def hand_offs_pending(round_schools) -> int:
    """How many approved moves of a round are still to be handed over, when the advisory board has approved
    every school's move (its latest proposal approved or handed over); 0 otherwise, or when none is left (the round
    is then completed). The round's status stays 'Plan proposed' until the hand-offs are recorded; the page says
    this in words. Reads the proposals prefetched by round_schools: no query."""
    latest = [next(iter(rs.proposals.all()), None) for rs in round_schools]
    decided = {ProposalStatus.APPROVED, ProposalStatus.HANDED_OVER}
    if not latest or any(p is None or p.status not in decided for p in latest):
        return 0
    return sum(1 for p in latest if not move_agreed(p))


def approved_move_for(est: Establishment, today) -> Proposal | None:
    """An approved move of the school still to take effect: approved and not yet handed over (into a group of
    the register), or handed over with an effective date still to come."""
    return (
        _approved_moves([est.pk], today)
        .select_related("round")
        .prefetch_related("decisions")
        .order_by("-status_changed_on", "-id")
        .first()
    )


def _approved_moves(est_ids, today):
    """The proposals that are approved moves of these schools still to take effect (approved_move_for)."""
    return Proposal.objects.filter(round_school__establishment_id__in=est_ids).filter(
        Q(status=ProposalStatus.APPROVED, group__isnull=False)
        | Q(status=ProposalStatus.HANDED_OVER, hand_off__effective_on__gt=today)
    )


def approved_move_refusal(est: Establishment, move: Proposal) -> str:
    """Why `est` cannot be brokered while `move` (approved_move_for, its decisions prefetched) is to happen."""
    decision = next((d for d in move.decisions.all() if d.outcome == BoardOutcome.APPROVED), None)
    return rules.approved_move_message(
        school=est.name,
        partner=move.partner_name,
        reference=move.round.reference,
        approved_on=govuk_date(decision.decided_on) if decision else "",
    )


def in_round_area(user, round_: Round, est: Establishment) -> bool:
    """Whether `user` may add `est` to `round_` as far as area goes: a school of the round's LA; for a regional
    officer any school of their region; any school for national users. `est.la` is read (select_related it)."""
    if est.la_id == round_.la_id or is_national(user):
        return True
    return user.role == Role.REGIONAL_OFFICER and est.la.region_name == user.scope_region


@dataclass
class ClosingTrustSchools:
    """What "Add every school of <closing trust>" would do now: the schools it would add (by name) and those it
    would leave out with the service's reason; `in_round`: how many of the trust's schools are in the round."""

    trust: Group
    addable: list[Establishment]
    refused: list[tuple[Establishment, str]]
    in_round: int


def closing_trust_schools(round_: Round, user) -> ClosingTrustSchools | None:
    """For a whole-MAT closure round: the closing trust's current open schools that round_add_leaving_trust_schools
    would add for `user`, and those it would refuse, with the same reasons (outside the round's area, brokered in
    another live round, an approved move still to happen). None for any other round. Five queries whatever the
    number of schools."""
    gid = closing_group_id(round_)
    if gid is None:
        return None
    members = list(
        Establishment.objects.open()
        .filter(
            pk__in=Membership.objects.filter(group_id=gid, left_on__isnull=True).values("establishment_id")
        )
        .select_related("la")
        .order_by("name")
    )
    in_round = set(round_.schools.values_list("establishment_id", flat=True))
    todo = [e for e in members if e.pk not in in_round]
    ids = [e.pk for e in todo]
    busy = schools_active_elsewhere(ids, round_) if ids else {}
    moves: dict[int, Proposal] = {}
    if ids:
        for p in (
            _approved_moves(ids, timezone.localdate())
            .select_related("round", "round_school")
            .prefetch_related("decisions")
            .order_by("status_changed_on", "id")  # the latest last: it stays, as approved_move_for's
        ):
            moves[p.round_school.establishment_id] = p
    addable, refused = [], []
    for e in todo:
        if not in_round_area(user, round_, e):
            refused.append((e, rules.OUTSIDE_AREA))
        elif e.pk in busy:
            other = busy[e.pk].round
            refused.append(
                (
                    e,
                    rules.brokered_elsewhere_message(
                        school=e.name, reference=other.reference, title=other.title
                    ),
                )
            )
        elif e.pk in moves:
            refused.append((e, approved_move_refusal(e, moves[e.pk])))
        else:
            addable.append(e)
    return ClosingTrustSchools(
        trust=round_.leaving_group, addable=addable, refused=refused, in_round=len(members) - len(todo)
    )


def trust_for_sponsor(sponsor: Group) -> Group | None:
    """The open trust (not a sponsor record) GIAS holds under the sponsor's name; a multi-academy trust first."""
    matches = same_named_groups([sponsor.name], TRUST_GROUP_TYPES).get(group_key(sponsor.name), [])
    return next((g for g in matches if g.group_type == GroupType.MULTI_ACADEMY_TRUST), None) or next(
        iter(matches), None
    )


def candidates_for(round_school: RoundSchool):
    return Candidate.objects.filter(round_school=round_school)


def round_las_for(user) -> list:
    """The LAs `user` may start rounds in: their own LA; a regional officer's region; every LA for administrators."""
    from schoolsystem.registry.models import LocalAuthority

    if user.scope_la_id and not is_national(user):
        return [user.scope_la]
    qs = LocalAuthority.objects.order_by("name")
    if user.scope_region and not is_national(user):
        qs = qs.filter(region_name=user.scope_region)
    return list(qs)


def trusts_in(las) -> list:
    """Open multi-academy trusts with a current member school in these LAs (one query), by name: the trusts a
    whole-MAT closure round may name as closing (rules.closing_trust_error)."""
    return list(
        Group.objects.filter(
            group_type=GroupType.MULTI_ACADEMY_TRUST,
            status=GroupStatus.OPEN,
            memberships__left_on__isnull=True,
            memberships__establishment__la__in=[la.pk for la in las],
        )
        .distinct()
        .order_by("name")
    )
