"""Registry reads for pages and exports. Registry data is public open data (ADR 0003): any signed-in user may read
any school or group, and lists default to the user's own area (`area_for`). Audit history is for officers in scope."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from schoolsystem.accounts import scope
from schoolsystem.accounts.constants import OFFICER_ROLES, Role
from schoolsystem.core.errors import NotFound
from schoolsystem.core.models import AuditEvent
from schoolsystem.core.search import normalise_query, normalised_name
from schoolsystem.engines import gias, network
from schoolsystem.registry.constants import (
    FORMAL_GROUP_TYPES,
    OPEN_STATUSES,
    TRUST_GROUP_TYPES,
    EstablishmentStatus,
    GroupStatus,
    GroupType,
)
from schoolsystem.registry.models import (
    NOT_APPLICABLE,
    Establishment,
    EstablishmentLink,
    Group,
    LocalAuthority,
    Membership,
    SystemLeader,
)

ALL_AREAS = "all"  # the `la` parameter that asks for England
NOT_RECORDED = "Not recorded"


# ---------------------------------------------------------------------------------------------------------- areas


@dataclass(frozen=True)
class Area:
    """The part of the system a page shows: one LA, a region, a trust's schools or England."""

    kind: str  # "la" | "region" | "trust" | "england"
    label: str
    q: Q = field(default_factory=Q)  # on Establishment
    la: LocalAuthority | None = None
    code: str = ""  # the `la` parameter that selects this area ("" = the user's own area)

    def establishments(self) -> QuerySet[Establishment]:
        return Establishment.objects.filter(self.q)


def la_choices() -> list[tuple[str, str]]:
    return list(LocalAuthority.objects.order_by("name").values_list("code", "name"))


def default_area(user) -> Area:
    """The signed-in user's own area (accounts.scope rules); a school leader's is their school's LA, as in the API
    (ADR 0040): registry data is public (ADR 0003), and a list of one school is no search. Casework stays scoped
    by accounts.scope, not by this area."""
    if not scope.is_national(user):
        if user.role == Role.LA_OFFICER and user.scope_la_id:
            return Area("la", user.scope_la.name, Q(la_id=user.scope_la_id), la=user.scope_la)
        if user.role == Role.REGIONAL_OFFICER and user.scope_region:
            return Area("region", user.scope_region, scope.establishment_q(user))
        if user.role == Role.TRUST_LEADER and user.scope_group_id:
            # Registry data is public: a partnership's leader sees its members here, though not their casework.
            return Area("trust", user.scope_group.name, scope.members_q(user.scope_group_id))
        if user.role == Role.SCHOOL_LEADER and user.scope_establishment_id:
            la = user.scope_establishment.la
            return Area("la", la.name, Q(la_id=la.pk), la=la)
    return Area("england", "England")


def area_for(user, la_code: str | None = None) -> Area:
    """The area a page shows: the LA chosen with `?la=CODE` (any LA: registry data is public), England with
    `?la=all`, otherwise the user's own area. An unknown code raises NotFound."""
    if not la_code:
        return default_area(user)
    if la_code == ALL_AREAS:
        return Area("england", "England", code=ALL_AREAS)
    la = LocalAuthority.objects.filter(code=la_code).first()
    if la is None:
        raise NotFound(f"There is no local authority with code {la_code}.")
    return Area("la", la.name, Q(la_id=la.pk), la=la, code=la.code)


# ------------------------------------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class CountRow:
    """One line of an overview table: establishments with status Open (GIAS's own "Open", as the published
    facts count them), and all establishments recorded whatever their status."""

    label: str
    open: int
    all: int


@dataclass(frozen=True)
class Overview:
    area: Area
    total: int
    open: int  # status Open or Open, but proposed to close
    proposed_to_close: int
    by_status: list[tuple[str, int]]
    by_type: list[CountRow]
    by_type_group: list[CountRow]
    by_phase: list[CountRow]
    by_ofsted: list[CountRow]
    by_trust_flag: list[CountRow]
    state_funded_open: int
    academies_open: int
    network: network.NetworkAnalysis

    @property
    def academy_share(self) -> float:
        return self.academies_open / self.state_funded_open if self.state_funded_open else 0.0


ACADEMY_Q = (
    Q(type_group__in=["Academies", "Free Schools"])
    | Q(type_name__startswith="Academy")
    | Q(type_name__startswith="Free school")
)


def _counts(qs: QuerySet, field_name: str, blank: str = NOT_RECORDED) -> list[CountRow]:
    """Counts by `field_name` in one query (grouped by value and status); blanks are `blank`."""
    rows = qs.order_by().values_list(field_name, "status").annotate(n=Count("id"))
    open_n: Counter[str] = Counter()
    all_n: Counter[str] = Counter()
    for value, status, n in rows:
        label = str(value) if value else blank
        all_n[label] += n
        if status == EstablishmentStatus.OPEN:
            open_n[label] += n
    return [
        CountRow(label, open_n[label], all_n[label])
        for label in sorted(all_n, key=lambda k: (-open_n[k], -all_n[k], k))
    ]


def overview(area: Area) -> Overview:
    """Counts of the area's establishments by status, type, phase, Ofsted outcome and trust flag (status Open and
    all), academy share of open state-funded schools, and the network analysis. A fixed number of queries."""
    qs = area.establishments()
    status_rows = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    labels = dict(EstablishmentStatus.choices)
    state_funded = qs.filter(status__in=OPEN_STATUSES, state_funded=True)
    return Overview(
        area=area,
        total=sum(status_rows.values()),
        open=sum(n for status, n in status_rows.items() if status in OPEN_STATUSES),
        proposed_to_close=status_rows.get(EstablishmentStatus.PROPOSED_TO_CLOSE, 0),
        by_status=sorted(((str(labels.get(s, s)), n) for s, n in status_rows.items()), key=lambda r: -r[1]),
        by_type=_counts(qs, "type_name"),
        by_type_group=_counts(qs, "type_group"),
        by_phase=_counts(qs, "phase", NOT_APPLICABLE),
        by_ofsted=_counts(qs, "ofsted_rating"),
        by_trust_flag=_counts(qs, "trust_school_flag", NOT_APPLICABLE),
        state_funded_open=state_funded.count(),
        academies_open=state_funded.filter(ACADEMY_Q).count(),
        network=network_analysis(area),
    )


# -------------------------------------------------------------------------------------------------------- network


def network_analysis(area: Area, *, on: date | None = None) -> network.NetworkAnalysis:
    """Builds the engine's input from the area's establishments, the groups they belong to and their memberships
    (three queries), and runs `engines.network.analyse`."""
    schools = [
        network.SchoolNode(urn=urn, district=district, is_open=status in OPEN_STATUSES, state_funded=sf)
        for urn, district, status, sf in area.establishments()
        .order_by()
        .values_list("urn", "district", "status", "state_funded")
    ]
    memberships = Membership.objects.filter(establishment__in=area.establishments()).order_by()
    ties = [
        network.Tie(urn=urn, group_key=gid, current=left_on is None or (on is not None and left_on > on))
        for urn, gid, left_on in memberships.values_list("establishment__urn", "group_id", "left_on")
    ]
    groups = [
        network.GroupNode(key=pk, group_type=group_type, live=status != GroupStatus.CLOSED)
        for pk, group_type, status in Group.objects.filter(pk__in={t.group_key for t in ties})
        .order_by()
        .values_list("pk", "group_type", "status")
    ]
    return network.analyse(schools, groups, ties, formal_types={str(t) for t in FORMAL_GROUP_TYPES})


def isolated_schools(area: Area) -> QuerySet[Establishment]:
    """Open state-funded establishments of the area with no live tie, by name: `engines.network`'s rule (a current
    membership of a group that is not closed) as one query. Running the network analysis for every page of the
    list took over a second at national scale; a test holds the two to the same schools."""
    live_tie = Membership.objects.filter(establishment=OuterRef("pk"), left_on__isnull=True).exclude(
        group__status=GroupStatus.CLOSED
    )
    return (
        area.establishments()
        .filter(status__in=OPEN_STATUSES, state_funded=True)
        .exclude(Exists(live_tie))
        .select_related("la")
        .order_by("name", "urn")
    )


# --------------------------------------------------------------------------------------------------------- search


ANY_STATUS = "any"  # the `status` filter that includes closed establishments


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    type_name: str = ""
    phase: str = ""
    status: str = ""  # "" = open (GIAS "Open" or "Open, but proposed to close"); ANY_STATUS = every status

    @property
    def active(self) -> bool:
        return bool(self.q or self.type_name or self.phase or self.status)


# The outward code of a UK postcode (its district): "GU1", "KT10", "SW1A", "W1". Not a whole postcode's first part
# only: "GU11AA" is a postcode without its space.
OUTWARD_CODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def text_search(qs: QuerySet[Establishment], text: str) -> QuerySet[Establishment]:
    """Establishments matching `text`: a URN exactly, part of the name ignoring case and punctuation ("St Marys"
    finds "St Mary's": core.search), or a postcode (spaces ignored)."""
    text = text.strip()
    if not text:
        return qs
    name = normalise_query(text)
    by_name = Q(search_name__contains=name) if name else Q(pk__in=[])
    qs = qs.annotate(search_name=normalised_name("name"))
    if text.isdigit():
        return qs.filter(Q(urn=int(text)) | by_name)
    compact = text.replace(" ", "").upper()
    postcode = Q(postcode__iexact=text)
    if OUTWARD_CODE.fullmatch(text.upper()):  # "KT1 1" has a space: the start of a whole postcode
        # A whole outward code is one postcode district: "KT1" finds KT1 1AA, not KT10 to KT19 as well. A London
        # district ending in a digit has lettered sub-districts: "W1" finds W1A to W1W, "N1" N1C.
        if compact[-1].isdigit():
            postcode |= Q(postcode__iregex=rf"^{compact}[A-Z]? ")
        else:
            postcode |= Q(postcode__istartswith=f"{compact} ")
    elif len(compact) >= 2:
        # "GU1 1AA", "gu11aa", "GU1 1" and "KT" all find GU1 1AA or KT1 1AA.
        postcode |= Q(postcode__istartswith=text) | Q(postcode__iexact=f"{compact[:-3]} {compact[-3:]}")
    return qs.filter(by_name | postcode)


def establishment_search(area: Area, filters: SearchFilters) -> QuerySet[Establishment]:
    """The area's establishments matching every filter, by name: open ones unless a status (or ANY_STATUS) is
    asked for. `q` as `text_search`."""
    qs = text_search(area.establishments().select_related("la"), filters.q)
    if filters.type_name:
        qs = qs.filter(type_name=filters.type_name)
    if filters.phase:
        qs = qs.filter(phase=filters.phase)
    if not filters.status:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status != ANY_STATUS:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name", "urn")


def filter_options(area: Area) -> dict[str, list[str]]:
    """Distinct types and phases present in the area, for the search form's selects."""
    rows = area.establishments().order_by().values_list("type_name", "phase").distinct()
    types = sorted({t for t, _ in rows if t})
    phases = sorted({p for _, p in rows if p})
    return {"types": types, "phases": phases}


# ------------------------------------------------------------------------------------------------------- a school


def school_for_user(user, urn: int) -> Establishment:
    """One establishment by URN. Registry data is public to signed-in users; unknown URNs raise NotFound."""
    school = Establishment.objects.select_related("la").filter(urn=urn).first()
    if school is None:
        raise NotFound(f"There is no establishment with URN {urn}.")
    return school


def can_see_audit(user, school: Establishment) -> bool:
    """Audit history is for national staff and officers whose scope includes the school."""
    if scope.is_national(user):
        return True
    if user.role not in OFFICER_ROLES:
        return False
    return Establishment.objects.filter(scope.establishment_q(user), pk=school.pk).exists()


def fold_sponsor_records(memberships: list[Membership]) -> list[Membership]:
    """The school's memberships with each academy sponsor record folded into the trust of the same name (name key:
    engines.gias.group_key, as brokerage.selectors.same_named_groups matches them): GIAS lists a trust and its
    sponsor record as two groups, one organisation to the reader. A sponsor membership folds only into a trust
    membership that is current when it is (or past when it is). Each row gets `kinds`, its group's kind in words,
    e.g. "Multi-academy trust and academy sponsor". No query."""
    trusts: dict[tuple[str, bool], Membership] = {}
    for m in memberships:
        m.kinds = m.group.get_group_type_display()
        if m.group.group_type in TRUST_GROUP_TYPES and (key := gias.group_key(m.group.name)):
            trusts.setdefault((key, m.left_on is None), m)
    out = []
    for m in memberships:
        trust = trusts.get((gias.group_key(m.group.name), m.left_on is None))
        if m.group.group_type == GroupType.SPONSOR and trust is not None:
            trust.kinds = f"{trust.group.get_group_type_display()} and academy sponsor"
            continue
        out.append(m)
    return out


def memberships_of(school: Establishment) -> list[Membership]:
    """Current memberships first, then past ones, newest first; a trust's sponsor record folded into the trust
    (fold_sponsor_records)."""
    rows = Membership.objects.filter(establishment=school).select_related("group")
    return fold_sponsor_records(
        sorted(rows, key=lambda m: (m.left_on is not None, -(m.joined_on or date.min).toordinal()))
    )


@dataclass(frozen=True)
class ChainStep:
    urn: int
    name: str
    relation: str  # "predecessor" | "successor"
    link_type: str
    on: date | None
    distance: int  # 1 = direct predecessor/successor
    in_registry: bool


def _direction(link_type: str) -> str | None:
    """ "predecessor" / "successor" / None, by engines.gias.link_direction."""
    direction = gias.link_direction(link_type)
    return {gias.PREDECESSOR: "predecessor", gias.SUCCESSOR: "successor"}.get(direction)


def history_chain(
    school: Establishment, *, max_steps: int = 10, relations: tuple[str, ...] = ("predecessor", "successor")
) -> list[ChainStep]:
    """Predecessors (oldest first) and successors (nearest first) of `school`, following chains of GIAS links
    in both directions: "X Predecessor Y" and "Y Successor X" both make Y a predecessor of X. One query per
    generation plus one for names. `relations` narrows it to one direction."""
    found: dict[int, ChainStep] = {}
    for relation in relations:
        frontier = {school.urn}
        seen = {school.urn}
        for distance in range(1, max_steps + 1):
            links = EstablishmentLink.objects.filter(
                Q(urn__in=frontier) | Q(linked_urn__in=frontier)
            ).order_by()
            nxt: set[int] = set()
            for link in links:
                direction = _direction(link.link_type)
                if direction is None:
                    continue
                if link.urn in frontier and direction == relation:
                    other, name = link.linked_urn, link.linked_name
                elif link.linked_urn in frontier and direction != relation:
                    other, name = link.urn, ""
                else:
                    continue
                if other in seen:
                    continue
                nxt.add(other)
                found.setdefault(
                    other,
                    ChainStep(other, name, relation, link.link_type, link.established_on, distance, False),
                )
            if not nxt:
                break
            seen |= nxt
            frontier = nxt
    names = dict(Establishment.objects.filter(urn__in=found).values_list("urn", "name"))
    steps = [
        ChainStep(
            s.urn,
            names.get(s.urn) or s.name or f"URN {s.urn}",
            s.relation,
            s.link_type,
            s.on,
            s.distance,
            s.urn in names,
        )
        for s in found.values()
    ]
    predecessors = sorted(
        (s for s in steps if s.relation == "predecessor"), key=lambda s: (-s.distance, s.urn)
    )
    successors = sorted((s for s in steps if s.relation == "successor"), key=lambda s: (s.distance, s.urn))
    return predecessors + successors


@dataclass(frozen=True)
class OtherLink:
    link_type: str
    urn: int
    name: str


def other_links(school: Establishment) -> list[OtherLink]:
    """Links that are neither predecessor nor successor (sixth form centre, expansion ...), recorded on either
    school's side (found in review: a school linked only from its sixth form centre's side showed no link). Two
    queries."""
    found: dict[tuple[int, str], OtherLink] = {}  # by (other school, link type): two kinds of link both show
    for link in EstablishmentLink.objects.filter(Q(urn=school.urn) | Q(linked_urn=school.urn)).order_by("id"):
        if _direction(link.link_type) is not None:
            continue
        mine = link.urn == school.urn
        other = link.linked_urn if mine else link.urn
        found.setdefault(
            (other, link.link_type), OtherLink(link.link_type, other, link.linked_name if mine else "")
        )
    names = dict(Establishment.objects.filter(urn__in={u for u, _ in found}).values_list("urn", "name"))
    return [OtherLink(o.link_type, o.urn, names.get(o.urn) or o.name) for o in found.values()]


def system_leaders_at(school: Establishment) -> list[SystemLeader]:
    return list(SystemLeader.objects.filter(establishment=school).select_related("teaching_school_alliance"))


# ------------------------------------------------------------------------------------------------ system leaders

LEADERS_CURRENT, LEADERS_ENDED, LEADERS_ANY = "", "ended", "any"


@dataclass(frozen=True)
class LeaderFilters:
    """The system leaders list's filters; `status`: current (the default), ended designations, or any."""

    q: str = ""
    designation: str = ""
    phase: str = ""
    status: str = LEADERS_CURRENT


def system_leader_search(
    area: Area, filters: LeaderFilters, *, today: date | None = None
) -> QuerySet[SystemLeader]:
    """System leaders (NLE, LLE, SLE, NLG) based at schools of `area`, and those without a school (some NLGs: they
    serve anywhere), filtered; by designation then name. Registry data is public, like the school pages."""
    today = today or date.today()
    qs = SystemLeader.objects.select_related("establishment__la", "teaching_school_alliance")
    if area.kind != "england":
        qs = qs.filter(
            Q(establishment__in=area.establishments().values("pk")) | Q(establishment__isnull=True)
        )
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(specialism__icontains=filters.q))
    if filters.designation:
        qs = qs.filter(designation=filters.designation)
    if filters.phase:
        qs = qs.filter(phase__iexact=filters.phase)
    live = Q(designation_ends_on__isnull=True) | Q(designation_ends_on__gte=today)
    if filters.status == LEADERS_CURRENT:
        qs = qs.filter(live)
    elif filters.status == LEADERS_ENDED:
        qs = qs.exclude(live)
    return qs.order_by("designation", "name", "pk")


def leader_phases() -> list[str]:
    """The phases system leaders are recorded with (one DISTINCT query)."""
    return list(
        SystemLeader.objects.exclude(phase="").order_by("phase").values_list("phase", flat=True).distinct()
    )


def map_points(la_ids) -> list[tuple[int, int, int]]:
    """(urn, easting, northing) of every open establishment with a location in the given LAs."""
    return list(
        Establishment.objects.filter(
            la_id__in=la_ids, status__in=OPEN_STATUSES, easting__isnull=False, northing__isnull=False
        )
        .order_by()
        .values_list("urn", "easting", "northing")
    )


# -------------------------------------------------------------------------------------------------------- a group


def group_for_user(user, pk: int) -> Group:
    group = Group.objects.select_related("la").filter(pk=pk).first()
    if group is None:
        raise NotFound("There is no such group or partnership.")
    return group


def group_members(group: Group) -> list[Membership]:
    """Every membership of the group, current ones first, by school name."""
    rows = Membership.objects.filter(group=group).select_related("establishment__la")
    return sorted(rows, key=lambda m: (m.left_on is not None, m.establishment.name, m.pk))


# ------------------------------------------------------------------------- URN chains (gias-import branch)


def _links_around(urn: int, *, max_steps: int = 50) -> dict[int, list[tuple[int, str]]]:
    """The links of `urn` and of every URN reachable from it through predecessor/successor links, loaded one
    breadth-first step per query (chains are short: a conversion or two)."""
    links: dict[int, list[tuple[int, str]]] = defaultdict(list)
    seen: set[int] = set()
    frontier = {urn}
    for _ in range(max_steps):
        if not frontier:
            break
        seen |= frontier
        rows = EstablishmentLink.objects.filter(urn__in=frontier).values_list(
            "urn", "linked_urn", "link_type"
        )
        nxt = set()
        for a, b, kind in rows:
            links[a].append((b, kind))
            if gias.link_direction(kind) and b not in seen:
                nxt.add(b)
        frontier = nxt
    return links


def predecessor_chain(urn: int) -> tuple[int, ...]:
    """Earlier URNs of a school, nearest first (e.g. the maintained school an academy converted from)."""
    return gias.predecessor_chain(urn, _links_around(urn))


def successor_chain(urn: int) -> tuple[int, ...]:
    """Later URNs of a school, nearest first."""
    return gias.successor_chain(urn, _links_around(urn))


def lineage(urn: int) -> tuple[int, ...]:
    """The school's URNs oldest to newest, including `urn`."""
    return gias.lineage(urn, _links_around(urn))


def lineage_history(establishment: Establishment) -> QuerySet[AuditEvent]:
    """Audit events of the school under every URN it has had (a converted school keeps its history), newest
    first."""
    pks = Establishment.objects.filter(urn__in=lineage(establishment.urn)).values_list("pk", flat=True)
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Establishment),
        object_id__in=[str(pk) for pk in pks],
    ).select_related("actor")
