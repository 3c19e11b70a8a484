"""Ranking support offers for a school's needs (seed 001 lesson 2: signposting). Pure Python, no Django.

An offer is *eligible* when it addresses at least one need, serves the school's phase, covers the school's location
and has spare capacity (days this term and a free place among the schools it supports at once). Eligible offers are
scored 0..1 as a weighted sum of need fit, phase fit, nearness, spare capacity and peer rating; every part of the score
and every exclusion is explained in words.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from schoolsystem.engines.support.terms import TERM_STARTS, Term, term_for


@dataclass(frozen=True)
class SupportNeed:
    needs: frozenset[str]
    phase: str = ""
    easting: float | None = None
    northing: float | None = None
    days_needed: int = 1


@dataclass(frozen=True)
class OfferFacts:
    offer_id: int
    title: str
    needs: frozenset[str]
    phases: frozenset[str] = frozenset()  # empty: every phase
    easting: float | None = None
    northing: float | None = None
    radius_m: float | None = None  # None: nationwide
    days_per_term: int = 0
    days_committed: int = 0
    schools_at_once: int = 1
    schools_active: int = 0
    rating_mean: float | None = None
    rating_count: int = 0


@dataclass(frozen=True)
class Weights:
    need: float = 0.40
    phase: float = 0.15
    distance: float = 0.20
    capacity: float = 0.15
    rating: float = 0.10
    # Distances beyond this score zero for nearness (they may still be eligible if the offer covers them).
    distance_horizon_m: float = 40_000.0


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class RankedOffer:
    offer_id: int
    title: str
    eligible: bool
    score: float
    distance_m: float | None
    spare_days: int
    reasons: tuple[str, ...] = field(default_factory=tuple)


# The reason an offer is excluded when it addresses none of the school's needs (pages count those apart).
NO_NEED_MET = "does not address any of the needs"


def distance_m(e1: float | None, n1: float | None, e2: float | None, n2: float | None) -> float | None:
    """Straight-line distance in metres between two British National Grid points (Easting/Northing)."""
    if None in (e1, n1, e2, n2):
        return None
    return math.hypot(float(e1) - float(e2), float(n1) - float(n2))  # type: ignore[arg-type]


def _phase_fits(need_phase: str, phases: frozenset[str]) -> bool:
    if not phases or not need_phase:
        return True
    lowered = {p.lower() for p in phases}
    return need_phase.lower() in lowered or bool(lowered & {"all-through", "all through"})  # GIAS before 2019


def assess(need: SupportNeed, offer: OfferFacts, weights: Weights = DEFAULT_WEIGHTS) -> RankedOffer:
    """Score one offer for one need, with the reasons."""
    reasons: list[str] = []
    spare = max(0, offer.days_per_term - offer.days_committed)
    places = max(0, offer.schools_at_once - offer.schools_active)
    d = distance_m(need.easting, need.northing, offer.easting, offer.northing)
    matched = need.needs & offer.needs
    excluded: list[str] = []
    if not matched:
        excluded.append(NO_NEED_MET)
    if not _phase_fits(need.phase, offer.phases):
        excluded.append(f"does not serve {need.phase.lower()} schools")
    if offer.radius_m is not None and d is not None and d > offer.radius_m:
        excluded.append(
            f"the school is {d / 1000:.1f} km away, outside the {offer.radius_m / 1000:.0f} km area covered"
        )
    if spare < need.days_needed:
        excluded.append(f"only {spare} spare days this term for {need.days_needed} needed")
    if places == 0:
        excluded.append("already supporting as many schools as it can at once")
    if excluded:
        return RankedOffer(
            offer.offer_id, offer.title, False, 0.0, d, spare, tuple(f"Excluded: {e}." for e in excluded)
        )

    need_fit = len(matched) / len(need.needs) if need.needs else 0.0
    reasons.append(f"Addresses {len(matched)} of {len(need.needs)} needs ({', '.join(sorted(matched))}).")
    phase_fit = 1.0 if offer.phases and need.phase else 0.5
    reasons.append("Serves this phase." if phase_fit == 1.0 else "Open to every phase.")
    if d is None:
        near = 0.5
        reasons.append("Distance unknown (no location recorded).")
    else:
        near = max(0.0, 1.0 - d / weights.distance_horizon_m)
        reasons.append(f"{d / 1000:.1f} km from the school.")
    capacity = min(1.0, spare / (2 * need.days_needed)) if need.days_needed else 1.0
    reasons.append(f"{spare} spare days this term, {places} place{'s' if places != 1 else ''} free.")
    if offer.rating_count and offer.rating_mean is not None:
        rating = (offer.rating_mean - 1.0) / 4.0
        reasons.append(
            f"Rated {offer.rating_mean:.1f}/5 by {offer.rating_count} school{'s' if offer.rating_count != 1 else ''}."
        )
    else:
        rating = 0.5
        reasons.append("Not yet rated.")
    total = (
        weights.need * need_fit
        + weights.phase * phase_fit
        + weights.distance * near
        + weights.capacity * capacity
        + weights.rating * rating
    )
    weight_sum = weights.need + weights.phase + weights.distance + weights.capacity + weights.rating
    score = round(total / weight_sum, 4) if weight_sum else 0.0
    return RankedOffer(offer.offer_id, offer.title, True, score, d, spare, tuple(reasons))


def rank_offers(
    need: SupportNeed,
    offers: Iterable[OfferFacts],
    weights: Weights = DEFAULT_WEIGHTS,
    include_excluded: bool = False,
) -> list[RankedOffer]:
    """Eligible offers best first (score, then nearer, then id); excluded ones after them when asked for."""
    assessed = [assess(need, o, weights) for o in offers]
    eligible = sorted(
        (a for a in assessed if a.eligible),
        key=lambda a: (-a.score, a.distance_m if a.distance_m is not None else math.inf, a.offer_id),
    )
    if not include_excluded:
        return eligible
    return eligible + sorted((a for a in assessed if not a.eligible), key=lambda a: a.offer_id)


__all__ = [
    "DEFAULT_WEIGHTS",
    "NO_NEED_MET",
    "TERM_STARTS",
    "OfferFacts",
    "RankedOffer",
    "SupportNeed",
    "Term",
    "Weights",
    "assess",
    "distance_m",
    "rank_offers",
    "term_for",
]
