"""Who may be accredited, for what, on which evidence: the rules of seed 000 (DCSF-00225-2010) as data.

Pure Python, no Django. The accreditation app builds `Applicant` from its models, calls `check_eligibility`
at submission and stores the reasons; brokerage calls `diocese_first_opportunity` when a church school of
concern needs a lead partner. Every reason is a `Reason`: the words users read, and apart from them the
paragraph of seed 000 it comes from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class AccreditationType(StrEnum):
    ASP = "ASP"  # Accredited School Provider: leads improvement in one or two schools (§1.3)
    ASG = "ASG"  # Accredited Schools Group: already leads two or more, accountable for three or more (foreword, §1.3)


class OrgType(StrEnum):
    MAINTAINED_INFANT = "maintained_infant"
    MAINTAINED_JUNIOR = "maintained_junior"
    MAINTAINED_PRIMARY = "maintained_primary"
    MAINTAINED_MIDDLE = "maintained_middle"
    MAINTAINED_SECONDARY = "maintained_secondary"
    INDEPENDENT_PRIMARY = "independent_primary"
    INDEPENDENT_SECONDARY = "independent_secondary"
    FE_COLLEGE = "fe_college"  # further education and sixth-form colleges
    UNIVERSITY = "university"
    ACADEMY_TRUST = "academy_trust"
    MAINTAINED_SCHOOL_TRUST = "maintained_school_trust"
    FEDERATION = "federation"
    PRIVATE_SECTOR = "private_sector"
    THIRD_SECTOR = "third_sector"
    EDUCATIONAL_ORGANISATION = (
        "educational_organisation"  # consultancies, charities, not accountable for governance
    )
    DIOCESE_COFE = "diocese_cofe"
    DIOCESE_RC = "diocese_rc"
    OTHER_FAITH_GROUP = "other_faith_group"
    OTHER_GOVERNANCE_BODY = (
        "other_governance_body"  # other organisations accountable for governance in schools
    )
    LOCAL_AUTHORITY = "local_authority"  # not in §2.2: LAs commission, they are not lead partners
    OTHER = "other"


ORG_TYPE_LABELS: dict[OrgType, str] = {
    OrgType.MAINTAINED_INFANT: "Maintained infant school",
    OrgType.MAINTAINED_JUNIOR: "Maintained junior school",
    OrgType.MAINTAINED_PRIMARY: "Maintained primary school",
    OrgType.MAINTAINED_MIDDLE: "Maintained middle school",
    OrgType.MAINTAINED_SECONDARY: "Maintained secondary school",
    OrgType.INDEPENDENT_PRIMARY: "Independent primary school",
    OrgType.INDEPENDENT_SECONDARY: "Independent secondary school",
    OrgType.FE_COLLEGE: "Further education or sixth-form college",
    OrgType.UNIVERSITY: "University",
    OrgType.ACADEMY_TRUST: "Academy trust",
    OrgType.MAINTAINED_SCHOOL_TRUST: "Maintained school trust",
    OrgType.FEDERATION: "Federation of maintained schools",
    OrgType.PRIVATE_SECTOR: "Private sector organisation",
    OrgType.THIRD_SECTOR: "Third sector organisation",
    OrgType.EDUCATIONAL_ORGANISATION: "Educational consultancy, charity or other educational organisation",
    OrgType.DIOCESE_COFE: "Church of England diocese",
    OrgType.DIOCESE_RC: "Roman Catholic diocese",
    OrgType.OTHER_FAITH_GROUP: "Other faith group",
    OrgType.OTHER_GOVERNANCE_BODY: "Other organisation accountable for governance in schools",
    OrgType.LOCAL_AUTHORITY: "Local authority",
    OrgType.OTHER: "Other",
}

# §2.2: who may seek accreditation as an ASP.
ASP_ELIGIBLE_TYPES: frozenset[OrgType] = frozenset(
    {
        OrgType.MAINTAINED_INFANT,
        OrgType.MAINTAINED_JUNIOR,
        OrgType.MAINTAINED_PRIMARY,
        OrgType.MAINTAINED_MIDDLE,
        OrgType.MAINTAINED_SECONDARY,
        OrgType.INDEPENDENT_PRIMARY,
        OrgType.INDEPENDENT_SECONDARY,
        OrgType.FE_COLLEGE,
        OrgType.UNIVERSITY,
        OrgType.ACADEMY_TRUST,
        OrgType.MAINTAINED_SCHOOL_TRUST,
        OrgType.FEDERATION,
        OrgType.PRIVATE_SECTOR,
        OrgType.THIRD_SECTOR,
        OrgType.EDUCATIONAL_ORGANISATION,
        OrgType.DIOCESE_COFE,
        OrgType.DIOCESE_RC,
        OrgType.OTHER_FAITH_GROUP,
        OrgType.OTHER_GOVERNANCE_BODY,
    }
)
# §2.3: primary schools with a track record of leading improvement in two or more schools.
ASG_PRIMARY_SCHOOL_TYPES: frozenset[OrgType] = frozenset(
    {OrgType.MAINTAINED_INFANT, OrgType.MAINTAINED_JUNIOR, OrgType.MAINTAINED_PRIMARY}
)
# §2.4: bodies accountable for governance in two or more primary schools.
ASG_GOVERNING_BODY_TYPES: frozenset[OrgType] = frozenset(
    {
        OrgType.DIOCESE_COFE,
        OrgType.DIOCESE_RC,
        OrgType.OTHER_FAITH_GROUP,
        OrgType.EDUCATIONAL_ORGANISATION,
        OrgType.MAINTAINED_SCHOOL_TRUST,
        OrgType.FEDERATION,
        OrgType.ACADEMY_TRUST,
        OrgType.OTHER_GOVERNANCE_BODY,
    }
)
ASG_ELIGIBLE_TYPES: frozenset[OrgType] = ASG_PRIMARY_SCHOOL_TYPES | ASG_GOVERNING_BODY_TYPES
DIOCESE_TYPES: frozenset[OrgType] = frozenset({OrgType.DIOCESE_COFE, OrgType.DIOCESE_RC})
# §2.10: the organisations the seed calls non-educational (they need an education strategy and partner).
NON_EDUCATIONAL_TYPES: frozenset[OrgType] = frozenset({OrgType.PRIVATE_SECTOR, OrgType.THIRD_SECTOR})
# §2.9: National Support Schools are maintained primary schools whose head is an NLE.
NSS_TYPES: frozenset[OrgType] = ASG_PRIMARY_SCHOOL_TYPES


@dataclass(frozen=True)
class Thresholds:
    """Named numbers of seed 000 (foreword and §1.3, §2.3–2.4)."""

    asg_min_schools_led: int = (
        2  # "already leading improvement in two or more schools through a formal partnership"
    )
    asg_min_capacity: int = 3  # "the lead organisation will be accountable for three or more other schools"
    asg_min_primary_schools_governed: int = (
        2  # §2.4 "accountable for governance in two or more primary schools"
    )
    asp_max_capacity: int = 2  # ASPs lead improvement "in one or two schools" (§1.3)


THRESHOLDS = Thresholds()


class Route(StrEnum):
    """How an organisation applies (§2.10–2.11)."""

    OWN_RIGHT = "own_right"
    WITH_CO_PARTNER = "with_co_partner"
    CONSORTIUM = "consortium"


class Criterion(StrEnum):
    """Evidence sections of the proposal (§2.8, §2.10–2.11)."""

    VISION = "vision"  # Part One
    CAPACITY = "capacity"  # Part One
    LEADERSHIP_MANAGEMENT = "leadership_management"  # Part Two: track record
    PUPIL_ACHIEVEMENT = "pupil_achievement"  # Part Two
    PARTNERSHIP_WORKING = "partnership_working"  # Part Two
    EDUCATION_STRATEGY = "education_strategy"  # §2.10: non-educational institutions in their own right
    CO_PARTNER_TRACK_RECORD = "co_partner_track_record"  # §2.11: the education co-partner's Part Two section


PART_ONE: tuple[Criterion, ...] = (Criterion.VISION, Criterion.CAPACITY)
PART_TWO: tuple[Criterion, ...] = (
    Criterion.LEADERSHIP_MANAGEMENT,
    Criterion.PUPIL_ACHIEVEMENT,
    Criterion.PARTNERSHIP_WORKING,
)
NSS_EXEMPT: frozenset[Criterion] = frozenset({Criterion.LEADERSHIP_MANAGEMENT, Criterion.PUPIL_ACHIEVEMENT})


@dataclass(frozen=True)
class CoPartner:
    """An educational co-partner or consortium member (§2.11–2.12). Needs no accreditation, but must meet
    the track-record criteria: `track_record` is its evidence."""

    name: str
    is_educational: bool
    track_record: str = ""


@dataclass(frozen=True)
class Applicant:
    """What eligibility needs to know about one application."""

    org_type: OrgType
    accreditation_type: AccreditationType
    is_educational: bool = True
    national_support_school: bool = False
    schools_led_in_formal_partnership: int = 0
    primary_schools_governed: int = 0
    proposed_capacity: int = 1
    route: Route = Route.OWN_RIGHT
    education_strategy: str = ""
    co_partners: tuple[CoPartner, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a rule refuses something. `text` is what users read, a sentence with no section numbers; `section`
    is the paragraph of seed 000 the rule comes from ("2.2", "2.3–2.4", "1.3 and foreword"), for the code,
    its tests and docs."""

    section: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...]  # why not; empty when eligible
    required_evidence: tuple[Criterion, ...]


def _a(label: str) -> str:
    """An organisation type inside a sentence: "Academy trust" -> "an academy trust", "University" -> "a
    university"; proper names keep their capitals ("a Roman Catholic diocese")."""
    noun = label if label.split(" ")[0] in {"Church", "Roman"} else label[:1].lower() + label[1:]
    return f"{'an' if noun[:1] in 'aeio' else 'a'} {noun}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def required_evidence(applicant: Applicant) -> tuple[Criterion, ...]:
    """The proposal sections this applicant must complete (§2.8–2.11)."""
    sections: list[Criterion] = [*PART_ONE]
    for criterion in PART_TWO:
        # §2.9: a National Support School's leadership and achievement were assessed in the NLE application.
        if applicant.national_support_school and applicant.org_type in NSS_TYPES and criterion in NSS_EXEMPT:
            continue
        sections.append(criterion)
    if not applicant.is_educational:
        sections.append(Criterion.EDUCATION_STRATEGY)  # §2.10
        if applicant.route == Route.CONSORTIUM:
            sections.append(Criterion.CO_PARTNER_TRACK_RECORD)  # §2.11
    return tuple(sections)


def _type_reasons(a: Applicant, t: Thresholds) -> list[Reason]:
    org = _a(ORG_TYPE_LABELS[a.org_type])
    if a.accreditation_type == AccreditationType.ASP:
        if a.org_type not in ASP_ELIGIBLE_TYPES:
            return [
                Reason(
                    "2.2",
                    f"{_sentence(org)} is not among the organisations that may seek accreditation as an ASP.",
                )
            ]
        return []
    if a.org_type not in ASG_ELIGIBLE_TYPES:
        # The §2.2 types may still apply as an ASP: say so.
        also_asp = " (it may apply as an ASP)." if a.org_type in ASP_ELIGIBLE_TYPES else "."
        return [Reason("2.3–2.4", f"{_sentence(org)} may not seek accreditation as an ASG{also_asp}")]
    reasons = []
    if (
        a.org_type in ASG_GOVERNING_BODY_TYPES
        and a.primary_schools_governed < t.asg_min_primary_schools_governed
    ):
        reasons.append(
            Reason(
                "2.4",
                f"An ASG must be accountable for governance in {t.asg_min_primary_schools_governed} or more "
                f"primary schools; this proposal gives {a.primary_schools_governed}.",
            )
        )
    if a.schools_led_in_formal_partnership < t.asg_min_schools_led:
        reasons.append(
            Reason(
                "2.3",
                f"An ASG must already lead improvement in {t.asg_min_schools_led} or more schools through a "
                f"formal partnership; this proposal gives {a.schools_led_in_formal_partnership}.",
            )
        )
    return reasons


def _capacity_reasons(a: Applicant, t: Thresholds) -> list[Reason]:
    if a.accreditation_type == AccreditationType.ASP and not 1 <= a.proposed_capacity <= t.asp_max_capacity:
        return [
            Reason(
                "1.3",
                "An ASP leads improvement in one or two schools; the proposed capacity is "
                f"{a.proposed_capacity}.",
            )
        ]
    if a.accreditation_type == AccreditationType.ASG and a.proposed_capacity < t.asg_min_capacity:
        return [
            Reason(
                "1.3 and foreword",
                f"An ASG's lead organisation is accountable for {t.asg_min_capacity} or more other schools; the "
                f"proposed capacity is {a.proposed_capacity}.",
            )
        ]
    return []


def _partner_reasons(a: Applicant) -> list[Reason]:
    reasons = []
    if not a.is_educational:
        if not a.education_strategy.strip():
            reasons.append(
                Reason(
                    "2.10",
                    "A non-educational organisation must set out its education strategy and how it will access "
                    "primary expertise and school-improvement experience.",
                )
            )
        if a.route in (Route.WITH_CO_PARTNER, Route.CONSORTIUM) and not any(
            p.is_educational for p in a.co_partners
        ):
            reasons.append(
                Reason(
                    "2.10–2.11",
                    "A non-educational organisation applying with a co-partner or as a consortium must name an "
                    "educational co-partner.",
                )
            )
    elif a.route == Route.CONSORTIUM:
        reasons.append(Reason("2.11", "Consortia are the route for non-educational lead organisations."))
    if a.route == Route.OWN_RIGHT and a.co_partners:
        reasons.append(Reason("2.10", "An application in the organisation's own right names no co-partners."))
    for partner in a.co_partners:
        if not partner.track_record.strip():
            reasons.append(
                Reason(
                    "2.12",
                    f"Co-partner “{partner.name}” need not be accredited but must meet the track-record "
                    "criteria: describe its track record.",
                )
            )
    return reasons


def check_eligibility(applicant: Applicant, thresholds: Thresholds = THRESHOLDS) -> Eligibility:
    """Every reason `applicant` may not seek the accreditation it asks for (seed 000 §1.3, §2.2–2.4, §2.9–2.12).

    Returns all failing rules at once, so the applicant can fix them together."""
    reasons = [
        *_type_reasons(applicant, thresholds),
        *_capacity_reasons(applicant, thresholds),
        *_partner_reasons(applicant),
    ]
    return Eligibility(
        eligible=not reasons, reasons=tuple(reasons), required_evidence=required_evidence(applicant)
    )


def missing_evidence(applicant: Applicant, provided: Iterable[str]) -> tuple[Criterion, ...]:
    """Required sections with no evidence text yet."""
    have = set(provided)
    return tuple(c for c in required_evidence(applicant) if c.value not in have)


# --- Dioceses (§2.5–2.6) -----------------------------------------------------------------------------------

CHURCH_DENOMINATIONS: dict[str, str] = {
    # GIAS "Religious character" values -> the denomination whose diocese has first opportunity (§2.6).
    "church of england": "CofE",
    "church of england/methodist": "CofE",
    "church of england/christian": "CofE",
    "church of england/roman catholic": "CofE",
    "roman catholic": "RC",
    "catholic": "RC",
    "roman catholic/church of england": "RC",
}


def church_denomination(religious_character: str) -> str:
    """'CofE', 'RC' or '' for a GIAS religious character."""
    return CHURCH_DENOMINATIONS.get((religious_character or "").strip().lower(), "")


def _same_diocese(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        s = (s or "").strip().lower()
        for prefix in (
            "diocese of ",
            "archdiocese of ",
            "roman catholic diocese of ",
            "church of england diocese of ",
        ):
            if s.startswith(prefix):
                s = s[len(prefix) :]
        return s.replace("(ce)", "").replace("(rc)", "").strip()

    return bool(norm(a)) and norm(a) == norm(b)


@dataclass(frozen=True)
class Candidate:
    """A possible lead partner as brokerage sees it."""

    provider_id: int
    name: str
    accredited: bool
    is_diocese: bool = False
    denomination: str = ""  # "CofE", "RC" or ""
    diocese: str = ""


@dataclass(frozen=True)
class FirstOpportunity:
    """The order in which lead partners may be approached for one school (§2.5–2.6)."""

    applies: bool  # the school is a CofE or RC school, so its diocese is asked first
    diocese: str
    first: tuple[Candidate, ...]  # the responsible diocese (accredited), approached first
    then: tuple[Candidate, ...]  # other accredited providers, approached if the diocese has no package
    excluded: tuple[tuple[Candidate, Reason], ...] = field(default=())  # (candidate, why)
    note: Reason | None = None


def diocese_first_opportunity(
    school_religious_character: str, school_diocese: str, candidates: Sequence[Candidate]
) -> FirstOpportunity:
    """§2.6: for an existing CofE or RC school of serious concern, the responsible diocese has the first
    opportunity to put together a sponsor or lead-partner package, and that lead partner must meet the
    accreditation criteria (§2.5). If the diocese has no accredited lead partner, the LA and the diocese look
    at other accredited providers. Unaccredited candidates are excluded with their reason.
    """
    denomination = church_denomination(school_religious_character)
    excluded: list[tuple[Candidate, Reason]] = []
    accredited: list[Candidate] = []
    for c in candidates:
        if not c.accredited:
            reason = (
                Reason(
                    "2.5",
                    "A diocese needs accreditation to lead a majority trust or federation set up as an "
                    "intervention.",
                )
                if c.is_diocese
                else Reason(
                    "2.13–2.14",
                    "Not an accredited provider: only accredited providers lead intervention partnerships.",
                )
            )
            excluded.append((c, reason))
        else:
            accredited.append(c)
    if not denomination:
        return FirstOpportunity(
            applies=False,
            diocese="",
            first=(),
            then=tuple(accredited),
            excluded=tuple(excluded),
            note=Reason(
                "2.6", "Not a Church of England or Roman Catholic school: no diocese has first opportunity."
            ),
        )
    first = tuple(
        c
        for c in accredited
        if c.is_diocese and c.denomination == denomination and _same_diocese(c.diocese, school_diocese)
    )
    then = tuple(c for c in accredited if c not in first)
    diocese = school_diocese or "The responsible diocese"
    if first:
        note = Reason("2.6", f"{diocese} is approached first to protect the school's faith ethos.")
    else:
        note = Reason(
            "2.6",
            f"{diocese} has no accredited lead partner, so an Academy or majority trust or federation cannot be "
            "led by the diocese; the LA and the diocese look at other accredited providers.",
        )
    return FirstOpportunity(
        applies=True, diocese=school_diocese, first=first, then=then, excluded=tuple(excluded), note=note
    )


def diocese_lead_partner_reasons(
    *, is_diocese: bool, accredited: bool, new_faith_provision: bool
) -> tuple[Reason, ...]:
    """§2.5: why a diocese may not be proposed as lead partner (empty when it may)."""
    if is_diocese and new_faith_provision and not accredited:
        return (
            Reason(
                "2.5",
                "A diocese must be accredited to be considered for new faith provision through an Academy "
                "project or a majority trust or federation set up as an intervention.",
            ),
        )
    return ()


# --- The assessment clock -------------------------------------------------------------------------------------


def parse_holidays(values: Iterable[str | date]) -> frozenset[date]:
    """ISO date strings (as settings hold them) or dates -> the frozenset `working_days_elapsed` takes.
    A malformed string raises ValueError naming it, so a typo in settings fails loudly."""
    out = set()
    for value in values:
        if isinstance(value, date):
            out.add(value)
            continue
        try:
            out.add(date.fromisoformat(str(value).strip()))
        except ValueError:
            raise ValueError(f"Not an ISO date in the bank holiday list: {value!r}") from None
    return frozenset(out)


def working_days_elapsed(
    start: date,
    end: date,
    paused: Iterable[tuple[date, date | None]] = (),
    holidays: frozenset[date] = frozenset(),
) -> int:
    """Working days (Monday–Friday, not `holidays`) d with start < d <= end, less those in a pause.

    A pause (p, r) is a further-information request made on day p and answered on day r (None: still open):
    the clock stops after p and restarts the day after r, so days p < d <= r are not counted.
    """
    if end <= start:
        return 0
    windows = [(p, r or end) for p, r in paused]
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and day not in holidays and not any(p < day <= r for p, r in windows):
            count += 1
        day += timedelta(days=1)
    return count


# --- Scoring -----------------------------------------------------------------------------------------------


class Heading(StrEnum):
    """The five headings the decision is made on (foreword of seed 000)."""

    VISION = "vision"
    GOVERNANCE = "governance"
    TRACK_RECORD = "track_record"
    EXPERTISE = "expertise"
    CAPACITY = "capacity"


HEADING_LABELS: dict[Heading, str] = {
    Heading.VISION: "A strong vision for leading improvement in schools",
    Heading.GOVERNANCE: "Strong governance, leadership and management",
    Heading.TRACK_RECORD: "A successful track record of improving outcomes for children and young people",
    Heading.EXPERTISE: "Educational expertise and school improvement experience",
    Heading.CAPACITY: "The capacity to achieve transformational change in the schools they support",
}
SCORE_LABELS: dict[int, str] = {1: "Not met", 2: "Partly met", 3: "Met", 4: "Strongly met"}
MIN_SCORE_TO_ACCREDIT = 3  # a recommendation to accredit needs every heading at least "Met"


def recommendation_reasons(scores: dict[str, int]) -> tuple[str, ...]:
    """Why the scores do not support a recommendation to accredit (empty when they do)."""
    reasons = []
    for heading in Heading:
        score = scores.get(heading.value)
        if score is None:
            reasons.append(f"{HEADING_LABELS[heading]}: not scored.")
        elif score < MIN_SCORE_TO_ACCREDIT:
            reasons.append(f"{HEADING_LABELS[heading]}: scored {SCORE_LABELS.get(score, score)}.")
    return tuple(reasons)
