"""Inputs, rules, weights and outputs of the matching engine (seed 003: brokerage and re-brokerage).

Pure Python: no Django. Everything is a frozen dataclass; rules and weights are data (`RuleSet.from_dict`,
`Weights.from_dict`) so an analyst can change them without touching code (see docs/decisions/0070).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

Point = tuple[float, float]  # (easting, northing) in metres, British National Grid


class PartnerKind:
    TRUST = "trust"
    SPONSOR = "sponsor"
    ACCREDITED_PROVIDER = "accredited_provider"
    LEAD_SCHOOL = "lead_school"


@dataclass(frozen=True)
class SchoolNeed:
    """A school that needs a partner (an academy order, a lead partner, re-brokerage, a closing MAT)."""

    id: str
    name: str
    phase: str = ""
    easting: float | None = None
    northing: float | None = None
    pupils: int | None = None
    urn: int | None = None
    religious_character: str = ""
    diocese: str = ""
    ofsted_outcome: str = ""
    finance_flag: bool = False
    estate_flag: bool = False  # PFI contract, land or buildings issues
    needs: tuple[str, ...] = ()  # e.g. ("leadership", "finance", "send")
    group_key: str = ""  # schools with the same key must go to the same partner (or all stay unassigned)
    preferences: tuple[str, ...] = ()  # ranked partner ids, for performing schools (seed 003 scenario 4)
    current_partner_id: str = ""  # re-brokerage: the trust the school is leaving is never a candidate
    # Other records of that same organisation (GIAS holds a trust's sponsor record beside the trust): never a
    # candidate either, under the same "current trust" rule.
    also_current_ids: tuple[str, ...] = ()
    year: int | None = None  # the year the school would join (for "at most N new schools a year")


@dataclass(frozen=True)
class PartnerCandidate:
    """A trust, sponsor, accredited provider (ASP/ASG) or lead school that could take schools."""

    id: str
    name: str
    kind: str = PartnerKind.TRUST
    capacity: int = 0  # new schools it can take now
    phases: tuple[str, ...] = ()
    locations: tuple[Point, ...] = ()  # head office and member schools
    track_record: float | None = None  # 0..1 from scorecards; None = unknown (neutral)
    accreditation: str = ""  # "ASP", "ASG" or ""
    current_schools: int = 0  # schools it already leads (an ASP may lead at most two in total)
    denomination: str = ""
    diocesan_consent: tuple[str, ...] = ()  # dioceses that consent to it taking their church schools
    open_serious_concern: bool = False
    max_distance_km: float | None = None  # None: the rule set's default
    max_new_per_year: int | None = None  # None: the rule set's default (None there: no limit)
    typical_pupils: int | None = None  # median size of its schools
    expertise: tuple[str, ...] = ()  # needs it is strong at meeting
    accepts_estate_risk: bool = True  # willing to take PFI / land / buildings risk


# Hard rules, in the order explanations list them. code -> (short label, message template).
RULES: dict[str, tuple[str, str]] = {
    "concern": ("Open serious concern", "the partner has an open serious concern"),
    "current": ("Current trust", "the school is leaving this trust"),
    "faith": (
        "Faith ethos",
        "a church school needs a partner of the same denomination or the diocese's consent",
    ),
    "phase": ("Phase experience", "the partner does not run schools of this phase"),
    "capacity": ("Capacity", "the partner has no capacity for new schools"),
    "asp_limit": ("ASP limit", "an accredited school provider may lead at most {asp_max_schools} schools"),
    "distance": ("Distance", "further than the partner's maximum travel distance"),
    "estate": (
        "PFI, land and buildings",
        "the partner does not take schools with PFI, land or buildings risk",
    ),
    "preference": ("School's preference", "not among the school's preferred partners"),
}


@dataclass(frozen=True)
class RuleSet:
    """Which hard rules apply and their parameters. Defaults: every rule on; an ASP leads at most 2 schools
    (seed 000 §1.3); partners travel at most 50 km unless their profile says otherwise."""

    enabled: tuple[str, ...] = tuple(RULES)
    asp_max_schools: int = 2
    default_max_distance_km: float = 50.0
    default_max_new_per_year: int | None = None
    no_faith_values: tuple[str, ...] = (
        "",
        "none",
        "does not apply",
        "no religious character",
        "not applicable",
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> RuleSet:
        return _from_dict(cls, data)

    def on(self, code: str) -> bool:
        return code in self.enabled

    def message(self, code: str) -> str:
        return RULES[code][1].format(asp_max_schools=self.asp_max_schools)


@dataclass(frozen=True)
class Weights:
    """Weights of the fit score's components; fit = 100 * sum(w * c) / sum(w), each component c in 0..1.

    distance: 1 at the partner's nearest school, 0 at its maximum travel distance.
    track_record: the partner's scorecard score (0.5 when unknown).
    phase: 1 when the partner runs only this phase, 0.5 when it runs several.
    size: 1 when the school is the partner's typical size, 0 at `size_ratio_zero` times larger or smaller.
    needs: share of the school's needs the partner has expertise in (0.5 when the school lists none).
    headroom: the partner's spare capacity, 1 at `headroom_full` schools or more.
    preference: 1 for the school's first choice, falling by rank; 0 when not listed. A school that lists no
    preferences is scored without this weight (its fit is out of the other weights), so every fit is out of 100.
    """

    distance: float = 0.30
    track_record: float = 0.25
    phase: float = 0.10
    size: float = 0.10
    needs: float = 0.10
    headroom: float = 0.05
    preference: float = 0.10
    size_ratio_zero: float = 4.0
    headroom_full: int = 5

    COMPONENTS = ("distance", "track_record", "phase", "size", "needs", "headroom", "preference")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Weights:
        weights = _from_dict(cls, data)
        if any(getattr(weights, c) < 0 for c in cls.COMPONENTS):
            raise ValueError("weights must not be negative")
        if weights.total <= 0:
            raise ValueError("at least one weight must be positive")
        return weights

    @property
    def total(self) -> float:
        return float(sum(getattr(self, c) for c in self.COMPONENTS))

    def as_dict(self) -> dict[str, float]:
        return {c: float(getattr(self, c)) for c in self.COMPONENTS}


def _from_dict(cls, data):
    data = dict(data or {})
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown {cls.__name__} keys: {', '.join(unknown)}")
    if "enabled" in data:
        bad = sorted(set(data["enabled"]) - set(RULES))
        if bad:
            raise ValueError(f"unknown rules: {', '.join(bad)}")
        data["enabled"] = tuple(data["enabled"])
    if "no_faith_values" in data:
        data["no_faith_values"] = tuple(data["no_faith_values"])
    return replace(cls(), **data)


@dataclass(frozen=True)
class Component:
    name: str
    value: float  # 0..1
    weight: float
    points: float  # contribution to the 0..100 fit


@dataclass(frozen=True)
class ScoredCandidate:
    partner_id: str
    partner_name: str
    fit: float  # 0..100
    distance_km: float
    components: tuple[Component, ...]
    rank: int = 0


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    message: str


@dataclass(frozen=True)
class Exclusion:
    partner_id: str
    partner_name: str
    distance_km: float | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Shortlist:
    school_id: str
    ranked: tuple[ScoredCandidate, ...]
    excluded: tuple[Exclusion, ...]


@dataclass(frozen=True)
class Assignment:
    school_id: str
    partner_id: str
    fit: float
    distance_km: float


@dataclass(frozen=True)
class Orphan:
    school_id: str
    reason: str  # "no_eligible_partner" | "capacity_exhausted" | "group_conflict"
    detail: str
    rule_counts: tuple[
        tuple[str, int], ...
    ] = ()  # for no_eligible_partner: how many partners failed each rule


@dataclass(frozen=True)
class Plan:
    assignments: tuple[Assignment, ...]
    orphans: tuple[Orphan, ...]
    total_fit: float
    objective: int  # the integer objective solved: sum of scaled fits minus the orphan penalty
    solver: str  # "min_cost_flow" | "cp_sat" | "greedy"
    load: tuple[tuple[str, int], ...] = field(default=())  # partner id -> schools assigned

    def partner_of(self) -> dict[str, str]:
        return {a.school_id: a.partner_id for a in self.assignments}
