"""Eligibility and fit, vectorised with numpy (and a KD-tree for distances), plus per-school explanations.

`Problem(schools, partners, rules, weights)` turns the dataclasses into arrays once. `edges()` returns every
eligible (school, partner) pair with its fit - the graph the planners solve. `shortlist(i)` explains one school:
the ranked eligible partners with each fit component, and every failed rule of each excluded partner.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from schoolsystem.engines.matching.types import (
    RULES,
    Component,
    Exclusion,
    PartnerCandidate,
    PartnerKind,
    Reason,
    RuleSet,
    SchoolNeed,
    ScoredCandidate,
    Shortlist,
    Weights,
)

FIT_SCALE = 100  # fit 0..100 -> integer 0..10,000 for the solvers

# Phase families as bits. A partner running all-through schools runs both primary and secondary.
PRIMARY, SECONDARY, ALL_THROUGH, SPECIAL, NURSERY, POST16 = 1, 2, 4, 8, 16, 32
_PHASE_BITS = {
    "primary": PRIMARY,
    "infant": PRIMARY,
    "junior": PRIMARY,
    "middle deemed primary": PRIMARY,
    "secondary": SECONDARY,
    "middle deemed secondary": SECONDARY,
    "all-through": ALL_THROUGH,
    "all through": ALL_THROUGH,
    "special": SPECIAL,
    "alternative provision": SPECIAL,
    "nursery": NURSERY,
    "16 plus": POST16,
    "post-16": POST16,
}


def phase_bits(phase: str) -> int:
    """The family bit of a GIAS phase name; 0 (no requirement) for blank or 'Not applicable'."""
    return _PHASE_BITS.get(phase.strip().lower(), 0)


def partner_phase_mask(phases: Sequence[str]) -> int:
    mask = 0
    for phase in phases:
        mask |= phase_bits(phase)
    if mask & ALL_THROUGH:
        mask |= PRIMARY | SECONDARY
    return mask


def school_phase_requirement(phase: str) -> int:
    bits = phase_bits(phase)
    # An all-through school needs all-through experience, or both primary and secondary.
    return PRIMARY | SECONDARY if bits == ALL_THROUGH else bits


def denominations(value: str, rules: RuleSet) -> tuple[str, ...]:
    """'Church of England/Methodist' -> ('church of england', 'methodist'); no faith -> ()."""
    value = value.strip().lower()
    if value in rules.no_faith_values:
        return ()
    return tuple(part.strip() for part in value.replace(" and ", "/").split("/") if part.strip())


def _popcount(a: np.ndarray) -> np.ndarray:
    return np.bitwise_count(a.astype(np.uint64)).astype(np.float64)


@dataclass(frozen=True)
class EdgeSet:
    """Eligible (school, partner) pairs: indices into the school and partner lists, fit and distance."""

    school: np.ndarray  # int64
    partner: np.ndarray  # int64
    fit: np.ndarray  # float64, 0..100
    fit_int: np.ndarray  # int64, fit * FIT_SCALE rounded
    distance_km: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.school)


class Problem:
    """Schools and partners as arrays, with the rules and weights that judge them."""

    def __init__(
        self,
        schools: Sequence[SchoolNeed],
        partners: Sequence[PartnerCandidate],
        rules: RuleSet | None = None,
        weights: Weights | None = None,
    ):
        self.schools = list(schools)
        self.partners = list(partners)
        self.rules = rules or RuleSet()
        self.weights = weights or Weights()
        # dict(zip(...)) rather than a comprehension over enumerate(): about twice as fast for thousands of ids.
        self.school_ids: list[str] = [s.id for s in self.schools]
        self.partner_ids: list[str] = [p.id for p in self.partners]
        self.partner_index = dict(zip(self.partner_ids, range(len(self.partners)), strict=True))
        self.school_index = dict(zip(self.school_ids, range(len(self.schools)), strict=True))
        if len(self.partner_index) != len(self.partners):
            raise ValueError("partner ids must be unique")
        if len(self.school_index) != len(self.schools):
            raise ValueError("school ids must be unique")
        self._build_school_arrays()
        self._build_partner_arrays()
        # Each school's sum of weights, the divisor of its fits: without the preference weight when it lists no
        # preferences (`fit`, `weights_for`). Once per school, not once per pair.
        self.s_weight_total = self.weights.total - self.weights.preference * ~self.s_has_prefs

    # ----- arrays -------------------------------------------------------------------------------------------
    # Each column is read from the dataclasses with one plain list comprehension. Values that need a Python
    # function (phase names, dioceses, denominations, tag sets) go through `_map_unique`, which calls it once per
    # distinct value: a national problem repeats a few dozen of them thousands of times, and those per-row calls
    # were most of the cost of building the arrays.
    def _build_school_arrays(self) -> None:
        schools = self.schools
        self.s_xy = _points([s.easting for s in schools], [s.northing for s in schools])
        self.s_phase = np.array(
            _map_unique(school_phase_requirement, [s.phase for s in schools]), dtype=np.int64
        )
        self.s_pupils = np.array([s.pupils if s.pupils else np.nan for s in schools], dtype=np.float64)
        self.s_estate = np.array([s.estate_flag for s in schools], dtype=bool)
        # The partners each school may not go to under the "current" rule (the trust it is leaving and other records
        # of that trust), as sorted (school * n_partners + partner) keys: few, only in re-brokerage.
        get_partner, n_p = self.partner_index.get, max(len(self.partners), 1)
        self.current_keys = np.unique(
            np.array(
                [
                    i * n_p + j
                    for i, s in enumerate(schools)
                    if s.current_partner_id or s.also_current_ids
                    for pid in (s.current_partner_id, *s.also_current_ids)
                    if (j := get_partner(pid)) is not None
                ],
                dtype=np.int64,
            )
        )
        # Faith: up to two denominations per school, as codes shared with partners.
        self._denom_codes: dict[str, int] = {}
        self._denom_cache: dict[str, tuple[str, ...]] = {}
        self.s_denoms = _map_unique(self._denoms, [s.religious_character for s in schools])
        first_two = _map_unique(
            lambda d: (self._code(d[0]) if d else -2, self._code(d[1]) if len(d) > 1 else -2), self.s_denoms
        )
        self.s_church = np.array([bool(d) for d in self.s_denoms], dtype=bool)
        self.s_den1 = np.array([c[0] for c in first_two], dtype=np.int64)
        self.s_den2 = np.array([c[1] for c in first_two], dtype=np.int64)
        self._diocese_codes: dict[str, int] = {}
        self.s_diocese = np.array(
            _map_unique(lambda d: self._dio(d) if d.strip() else -1, [s.diocese for s in schools]),
            dtype=np.int64,
        )
        # Needs as bit masks over a shared vocabulary (expertise uses the same one).
        self._tags: dict[str, int] = {}
        self.s_needs = np.array(_map_unique(self._mask, [s.needs for s in schools]), dtype=np.int64)
        self.s_has_prefs = np.array([bool(s.preferences) for s in schools], dtype=bool)

    def _build_partner_arrays(self) -> None:
        rules, partners = self.rules, self.partners
        n = len(partners)
        self.p_concern = np.array([p.open_serious_concern for p in partners], dtype=bool)
        self.p_phase = np.array(_map_unique(partner_phase_mask, [p.phases for p in partners]), dtype=np.int64)
        self.p_families = _popcount(self.p_phase & (PRIMARY | SECONDARY | SPECIAL | NURSERY | POST16))
        self.p_den = np.array(
            _map_unique(
                lambda v: self._code(d[0]) if (d := self._denoms(v)) else -1,
                [p.denomination for p in partners],
            ),
            dtype=np.int64,
        )
        default_km = rules.default_max_distance_km
        self.p_maxkm = np.array(
            [default_km if (km := p.max_distance_km) is None else km for p in partners], dtype=np.float64
        )
        self.p_track = np.array(
            [p.track_record if p.track_record is not None else np.nan for p in partners], dtype=np.float64
        )
        self.p_typical = np.array([p.typical_pupils or np.nan for p in partners], dtype=np.float64)
        self.p_expertise = np.array(_map_unique(self._mask, [p.expertise for p in partners]), dtype=np.int64)
        self.p_estate_ok = np.array([p.accepts_estate_risk for p in partners], dtype=bool)
        self.p_asp = np.array(
            _map_unique(lambda a: a.upper() == "ASP", [p.accreditation for p in partners]), dtype=bool
        )
        self.p_current = np.array([p.current_schools for p in partners], dtype=np.int64)
        cap = np.maximum(np.array([p.capacity for p in partners], dtype=np.int64), 0)
        self.p_raw_capacity = cap.copy()
        self.asp_room = np.where(self.p_asp, np.maximum(rules.asp_max_schools - self.p_current, 0), cap)
        if rules.on("asp_limit"):
            cap = np.minimum(cap, self.asp_room)
        self.p_capacity = cap  # what the planners may fill
        # Per partner: the divisor of the distance component (its maximum distance, 1 when not positive) and the
        # components that depend on the partner alone (see `components`).
        self.p_components = {
            "maxkm": np.where(self.p_maxkm > 0, self.p_maxkm, 1.0),
            "track_record": np.where(np.isnan(self.p_track), 0.5, np.clip(self.p_track, 0.0, 1.0)),
            "phase": np.where(self.p_families <= 1, 1.0, 0.5),
            "headroom": np.minimum(cap / max(self.weights.headroom_full, 1), 1.0),
        }
        no_limit = rules.default_max_new_per_year or -1
        self.p_annual = np.array(
            [no_limit if (k := p.max_new_per_year) is None else k for p in partners], dtype=np.int64
        )  # -1: no annual limit
        # Consent as (diocese code * n + partner) keys; blank diocese names are ignored.
        consents = [p.diocesan_consent for p in partners]
        per = np.fromiter(map(len, consents), dtype=np.int64, count=n)
        dio = np.array(
            _map_unique(
                lambda d: self._dio(d) if d.strip() else -1, list(itertools.chain.from_iterable(consents))
            ),
            dtype=np.int64,
        )
        consent = dio * max(n, 1) + np.repeat(np.arange(n, dtype=np.int64), per)
        self.consent_keys = np.unique(consent[dio >= 0])
        # Locations, grouped by partner, for the nearest-school distance.
        locations = [p.locations for p in partners]
        per = np.fromiter(map(len, locations), dtype=np.int64, count=n)
        flat = _flat_points(locations)
        owner = np.repeat(np.arange(n, dtype=np.int64), per)
        keep = ~(np.isnan(flat[:, 0]) | np.isnan(flat[:, 1]))
        self.loc_owner, self.loc_xy = (owner, flat) if keep.all() else (owner[keep], flat[keep])
        counts = np.bincount(self.loc_owner, minlength=n) if n else np.zeros(0, dtype=np.int64)
        self.p_has_loc = counts > 0
        self.loc_start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if n else counts
        # Preferences as (school * n + partner) keys with a 0..1 score by rank.
        keys, vals = [], []
        for i in np.flatnonzero(self.s_has_prefs).tolist():  # few schools list preferences
            ranked = self.schools[i].preferences
            k = len(ranked)
            for rank, pid in enumerate(ranked):
                j = self.partner_index.get(pid)
                if j is not None:
                    keys.append(i * n + j)
                    vals.append((k - rank) / k)
        order = np.argsort(np.array(keys, dtype=np.int64))
        self.pref_keys = np.array(keys, dtype=np.int64)[order]
        self.pref_vals = np.array(vals, dtype=np.float64)[order]

    def _denoms(self, value: str) -> tuple[str, ...]:
        cached = self._denom_cache.get(value)
        if cached is None:
            cached = self._denom_cache[value] = denominations(value, self.rules)
        return cached

    def _code(self, name: str) -> int:
        return self._denom_codes.setdefault(name, len(self._denom_codes))

    def _dio(self, name: str) -> int:
        return self._diocese_codes.setdefault(name.strip().lower(), len(self._diocese_codes))

    def _mask(self, tags: Sequence[str]) -> int:
        """Bit mask of need/expertise tags over the shared vocabulary (case and spaces ignored)."""
        mask = 0
        for tag in tags:
            code = self._tags.setdefault(tag.strip().lower(), len(self._tags))
            if code >= 63:
                raise ValueError("at most 63 distinct needs/expertise tags are supported")
            mask |= 1 << code
        return mask

    # ----- rules and scores over arbitrary (school, partner) pairs ----------------------------------------
    def failures(
        self, s: np.ndarray, p: np.ndarray, dist_km: np.ndarray, codes: Iterable[str] | None = None
    ) -> dict[str, np.ndarray]:
        """rule code -> boolean array, True where the pair FAILS that rule (enabled rules only; only `codes` when
        given)."""
        rules, n = self.rules, len(self.partners)
        check = set(rules.enabled if codes is None else (c for c in codes if rules.on(c)))
        out: dict[str, np.ndarray] = {}
        if "concern" in check:
            out["concern"] = self.p_concern[p]
        if "current" in check:
            out["current"] = _member(s * max(n, 1) + p, self.current_keys)
        if "faith" in check:
            p_den = self.p_den[p]
            fail = self.s_church[s] & (p_den != self.s_den1[s]) & (p_den != self.s_den2[s])
            # The diocese's consent can only save a church school with a partner of another denomination: look
            # it up (a binary search) for those pairs alone.
            maybe = np.flatnonzero(fail)
            dio = self.s_diocese[s[maybe]]
            consent = (dio >= 0) & _member(dio * max(n, 1) + p[maybe], self.consent_keys)
            fail[maybe[consent]] = False
            out["faith"] = fail
        if "phase" in check:
            req = self.s_phase[s]
            out["phase"] = (self.p_phase[p] & req) != req
        if "capacity" in check:
            out["capacity"] = self.p_raw_capacity[p] <= 0
        if "asp_limit" in check:
            out["asp_limit"] = self.p_asp[p] & (self.asp_room[p] <= 0)
        if "distance" in check:
            out["distance"] = ~(dist_km <= self.p_maxkm[p])  # NaN (unknown location) fails
        if "estate" in check:
            out["estate"] = self.s_estate[s] & ~self.p_estate_ok[p]
        if "preference" in check:
            listed = self._pref_lookup(s, p) > 0
            out["preference"] = self.s_has_prefs[s] & ~listed
        return out

    def _pref_lookup(self, s: np.ndarray, p: np.ndarray) -> np.ndarray:
        if not len(self.pref_keys):
            return np.zeros(len(s), dtype=np.float64)
        keys = s * len(self.partners) + p
        pos = np.searchsorted(self.pref_keys, keys)
        pos = np.minimum(pos, len(self.pref_keys) - 1)
        return np.where(self.pref_keys[pos] == keys, self.pref_vals[pos], 0.0)

    def components(self, s: np.ndarray, p: np.ndarray, dist_km: np.ndarray) -> dict[str, np.ndarray]:
        """Each fit component (0..1) for the pairs."""
        w = self.weights
        # Components that depend on the partner alone are computed once per partner and then looked up per pair
        # (the same element-wise arithmetic, so the same values, on thousands of partners instead of ~10^5 pairs).
        per_partner = self.p_components
        # In place where it can be: tens of thousands of pairs, and each temporary array is another allocation.
        distance = dist_km / per_partner["maxkm"][p]
        np.subtract(1.0, distance, out=distance)
        np.clip(distance, 0.0, 1.0, out=distance)
        track = per_partner["track_record"][p]
        phase = per_partner["phase"][p]
        phase[self.s_phase[s] == 0] = 0.5
        size = (
            self.s_pupils[s] / self.p_typical[p]
        )  # the size ratio, then 1 - |log ratio| / log(ratio at zero)
        np.log(size, out=size)
        np.abs(size, out=size)
        size /= math.log(w.size_ratio_zero)
        np.subtract(1.0, size, out=size)
        unknown = np.isnan(size)
        np.clip(size, 0.0, 1.0, out=size)
        size[unknown] = 0.5
        n_need = _popcount(self.s_needs)[s]  # per school, then per pair
        met = np.bitwise_count(self.s_needs[s] & self.p_expertise[p])
        needs = np.where(n_need > 0, met / np.maximum(n_need, 1), 0.5)
        headroom = per_partner["headroom"][p]
        preference = self._pref_lookup(s, p)
        return {
            "distance": distance,
            "track_record": track,
            "phase": phase,
            "size": size,
            "needs": needs,
            "headroom": headroom,
            "preference": preference,
        }

    def fit(self, comps: dict[str, np.ndarray], s: np.ndarray) -> np.ndarray:
        """100 * sum(weight * component) / sum(weights), summed in the order of `Weights.COMPONENTS`, for the pairs
        of schools `s`. A school that lists no preferences has no preference to score: that weight is left out of
        its sum (`weights_for`), so its fits are out of 100 like everyone's, not out of 100 less that weight."""
        w = self.weights
        first, *rest = w.COMPONENTS
        total = getattr(w, first) * np.asarray(comps[first], dtype=np.float64)
        term = np.empty_like(total)
        for c in rest:
            total += np.multiply(getattr(w, c), comps[c], out=term)
        total *= 100.0
        denominator = self.s_weight_total[s]
        scored = denominator > 0  # not: only the preference weight, and no preference to score
        np.divide(total, denominator, out=total, where=scored)
        total[~scored] = 0.0
        return total

    def weights_for(self, i: int) -> dict[str, float]:
        """The weight of each fit component for school i: the round's, without the preference weight when the
        school lists no preferences (`fit`)."""
        weights = self.weights.as_dict()
        if not self.s_has_prefs[i]:
            weights["preference"] = 0.0
        return weights

    # ----- distances ----------------------------------------------------------------------------------------
    def _distances_within(self, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(school, partner, km) for every pair of a located school and a usable partner whose nearest location
        is within the partner's maximum distance and whose phases fit the school, sorted by (school, partner).

        Pairs are only enumerated where they could pass. Schools are grouped by what they ask: their phase
        requirement and, when the faith rule is on, whether they are church schools. Partners' locations are
        grouped by what their partner offers: its maximum distance (rounded up to one of at most 8 radii) and the
        asked-for phases it runs. A church school only meets the partners of a group that could pass the faith rule
        for a church school at all (they have a denomination or some diocese's consent; any other partner fails the
        rule for every church school, and those pairs were over a quarter of all pairs found). One KD-tree per
        school group, one or two per location group (all of it; its partners that could pass the faith rule), and
        one query per school group and location group that fit each other.

        All locations of a partner are in one location group, and a school is in one school group, so each query
        reduces its own (school, location) pairs to the nearest location per (school, partner) at once: small
        arrays, which numpy sorts quickly and the allocator reuses from query to query."""
        n_s, n_p = len(self.schools), len(self.partners)
        located = ~np.isnan(self.s_xy[:, 0])
        radii = np.unique(self.p_maxkm[usable]) if usable.any() else np.zeros(0)
        if len(radii) > 8:  # many distinct maxima: query with the largest of each of 8 quantile buckets
            radii = np.unique(np.quantile(self.p_maxkm[usable], np.linspace(0.125, 1, 8), method="higher"))
        requirement = self.s_phase if self.rules.on("phase") else np.zeros(n_s, dtype=np.int64)
        church = self.s_church if self.rules.on("faith") else np.zeros(n_s, dtype=bool)
        faith_capable = self.p_den >= 0
        faith_capable[self.consent_keys % max(n_p, 1)] = True
        # Location groups: (radius index, asked-for phases run) as one code.
        asked = int(np.bitwise_or.reduce(requirement[located])) if located.any() else 0
        locs = np.flatnonzero(usable[self.loc_owner])
        owner = self.loc_owner[locs]
        radius_index = np.searchsorted(radii, self.p_maxkm[owner])
        locs, owner, radius_index = (a[radius_index < len(radii)] for a in (locs, owner, radius_index))
        loc_group = radius_index * 64 + (self.p_phase[owner] & asked)
        loc_capable = faith_capable[owner]
        # Indices in the narrowest integer type that holds them: numpy sorts 16-bit integers by radix (see
        # `_min_per_pair`).
        school_type, partner_type = _index_type(n_s), _index_type(n_p)
        owner = owner.astype(partner_type)
        school_group = requirement * 2 + church
        school_trees = []
        for g in np.unique(school_group[located]).tolist():
            members = np.flatnonzero(located & (school_group == g))
            school_trees.append((*divmod(g, 2), members.astype(school_type), _tree(self.s_xy[members])))
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for g in np.unique(loc_group).tolist():
            radius, offered = divmod(g, 64)
            in_group = loc_group == g
            loc_trees: dict[bool, tuple[cKDTree, np.ndarray] | None] = {}  # church school? -> tree, owners
            for req, for_church, members, school_tree in school_trees:
                if (offered & req) != req:
                    continue
                if for_church not in loc_trees:
                    chosen = np.flatnonzero(in_group & loc_capable if for_church else in_group)
                    loc_trees[for_church] = (
                        (_tree(self.loc_xy[locs[chosen]]), owner[chosen]) if len(chosen) else None
                    )
                if (tree_and_owner := loc_trees[for_church]) is None:
                    continue
                loc_tree, loc_owner = tree_and_owner
                pairs = school_tree.sparse_distance_matrix(
                    loc_tree, radii[radius] * 1000.0, output_type="ndarray"
                )
                i, p, best = _min_per_pair(pairs["i"].astype(school_type), loc_owner[pairs["j"]], pairs["v"])
                found.append((members[i], p, best))
        if not found:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0)
        school, partner, best = (np.concatenate(column) for column in zip(*found, strict=True))
        order = np.lexsort((partner, school))
        return school[order].astype(np.int64), partner[order].astype(np.int64), best[order] / 1000.0

    def distances_from(self, i: int) -> np.ndarray:
        """km from school i to each partner's nearest location (NaN when either has no location)."""
        n = len(self.partners)
        out = np.full(n, np.nan)
        if np.isnan(self.s_xy[i, 0]) or not len(self.loc_xy):
            return out
        d = np.hypot(*(self.loc_xy - self.s_xy[i]).T) / 1000.0
        # Locations are stored grouped by owner in partner order, so one reduceat gives each partner's nearest.
        owners = np.flatnonzero(self.p_has_loc)
        out[owners] = np.minimum.reduceat(d, self.loc_start[owners])
        return out

    # ----- the graph ---------------------------------------------------------------------------------------
    def edges(self) -> EdgeSet:
        """Every eligible pair with its fit. Pairs beyond every partner's reach are never built (KD-tree)."""
        n = len(self.partners)
        if not n or not self.schools:
            e = np.zeros(0, dtype=np.int64)
            return EdgeSet(e, e, np.zeros(0), e, np.zeros(0))
        usable = self.p_capacity > 0
        if self.rules.on("concern"):
            usable &= ~self.p_concern
        if self.rules.on("distance"):
            s, p, d = self._distances_within(usable)
        else:  # every pair: only sensible for small problems
            s = np.repeat(np.arange(len(self.schools)), n)
            p = np.tile(np.arange(n), len(self.schools))
            d = np.concatenate([self.distances_from(i) for i in range(len(self.schools))])
            keep = usable[p]
            s, p, d = s[keep], p[keep], d[keep]
        # Usable partners pass the concern, capacity and ASP limit rules (their capacity is capped by the ASP room),
        # and the spatial query pairs schools only with partners that run their phase: check the other rules.
        settled = {"concern", "capacity", "asp_limit"} | ({"phase"} if self.rules.on("distance") else set())
        failed = self.failures(s, p, d, codes=[code for code in RULES if code not in settled])
        ok = np.ones(len(s), dtype=bool)
        for mask in failed.values():
            ok &= ~mask
        s, p, d = s[ok], p[ok], d[ok]
        fit = self.fit(self.components(s, p, d), s)
        return EdgeSet(
            s.astype(np.int64, copy=False),
            p.astype(np.int64, copy=False),
            fit,
            np.rint(fit * FIT_SCALE).astype(np.int64),
            d,
        )

    # ----- explanations -------------------------------------------------------------------------------------
    def rule_failures_for(self, i: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
        n = len(self.partners)
        p = np.arange(n)
        s = np.full(n, i)
        dist = self.distances_from(i)
        return self.failures(s, p, dist), dist

    def shortlist(self, i: int, limit: int | None = None) -> Shortlist:
        """School i's eligible partners ranked by fit with each component, and every excluded partner with every
        rule it failed."""
        failed, dist = self.rule_failures_for(i)
        n = len(self.partners)
        bad = np.zeros(n, dtype=bool)
        for mask in failed.values():
            bad |= mask
        ok = np.flatnonzero(~bad)
        schools = np.full(len(ok), i)
        comps = self.components(schools, ok, dist[ok])
        fit = self.fit(comps, schools)
        order = np.lexsort((ok, -fit))
        weights = self.weights_for(i)
        total = sum(weights.values()) or 1.0
        ranked = []
        for rank, k in enumerate(order[: limit if limit else None], start=1):
            j = int(ok[k])
            parts = tuple(
                Component(
                    name=c,
                    value=round(float(comps[c][k]), 4),
                    weight=weights[c],
                    points=round(100.0 * weights[c] * float(comps[c][k]) / total, 2),
                )
                for c in self.weights.COMPONENTS
            )
            ranked.append(
                ScoredCandidate(
                    partner_id=self.partners[j].id,
                    partner_name=self.partners[j].name,
                    fit=round(float(fit[k]), 2),
                    distance_km=round(float(dist[j]), 2),
                    components=parts,
                    rank=rank,
                )
            )
        excluded = []
        for j in np.flatnonzero(bad):
            reasons = tuple(
                Reason(code=code, label=RULES[code][0], message=self.rules.message(code))
                for code, mask in failed.items()
                if mask[j]
            )
            d = float(dist[j])
            excluded.append(
                Exclusion(
                    partner_id=self.partners[j].id,
                    partner_name=self.partners[j].name,
                    distance_km=None if math.isnan(d) else round(d, 2),
                    reasons=reasons,
                )
            )
        excluded.sort(key=lambda e: (len(e.reasons), e.distance_km if e.distance_km is not None else 1e9))
        return Shortlist(school_id=self.schools[i].id, ranked=tuple(ranked), excluded=tuple(excluded))

    def rule_counts_for_many(self, indices: Sequence[int]) -> list[tuple[tuple[str, int], ...]]:
        """rule_counts_for over several schools at once (vectorised: orphans of a national plan)."""
        idx = np.asarray(indices, dtype=np.int64)
        n = len(self.partners)
        if not len(idx) or not n:
            return [() for _ in idx]
        dist = self._nearest_within(idx)
        s = np.repeat(idx, n)
        p = np.tile(np.arange(n), len(idx))
        failed = self.failures(s, p, dist.ravel())
        counts = {code: mask.reshape(len(idx), n).sum(axis=1) for code, mask in failed.items()}
        return [tuple((code, int(c[r])) for code, c in counts.items() if c[r]) for r in range(len(idx))]

    def _nearest_within(self, idx: np.ndarray) -> np.ndarray:
        """(len(idx), partners) km to each partner's nearest location, for distances up to the largest maximum
        distance of any partner; inf beyond it (every partner's distance rule fails there), NaN where the school
        or the partner has no location. A KD-tree finds the pairs in range: no dense distance matrix."""
        n = len(self.partners)
        dist = np.full((len(idx), n), np.inf)
        dist[:, ~self.p_has_loc] = np.nan
        xy = self.s_xy[idx]
        located = np.flatnonzero(~np.isnan(xy[:, 0]))
        dist[np.setdiff1d(np.arange(len(idx)), located)] = np.nan
        if not len(located) or not len(self.loc_xy):
            return dist
        reach = float(np.nanmax(self.p_maxkm)) if len(self.p_maxkm) else 0.0
        pairs = cKDTree(xy[located]).sparse_distance_matrix(
            cKDTree(self.loc_xy), reach * 1000.0, output_type="ndarray"
        )
        rows, owners = located[pairs["i"]], self.loc_owner[pairs["j"]]
        np.minimum.at(dist, (rows, owners), pairs["v"] / 1000.0)
        return dist

    def rule_counts_for(self, i: int) -> tuple[tuple[str, int], ...]:
        """How many partners fail each rule for school i (for orphan reasons)."""
        failed, _ = self.rule_failures_for(i)
        return tuple((code, int(mask.sum())) for code, mask in failed.items() if mask.any())


def _tree(points: np.ndarray) -> cKDTree:
    """A KD-tree built for one query: sliding-midpoint splits and unshrunk nodes build faster (about 30% here),
    and find exactly the same pairs as the default balanced, compact tree."""
    return cKDTree(points, balanced_tree=False, compact_nodes=False)


def _index_type(n: int) -> type[np.signedinteger]:
    """The narrowest signed integer type that holds 0..n-1."""
    return np.int16 if n <= np.iinfo(np.int16).max else np.int32 if n <= np.iinfo(np.int32).max else np.int64


def _min_per_pair(
    school: np.ndarray, partner: np.ndarray, value: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (school, partner) pairs, sorted by school then partner, and the smallest value of each.

    Sorting is most of the cost. np.lexsort sorts key by key with a stable sort, which numpy does by radix for
    16-bit integers: given int16 indices (a problem of under 32,768 schools and partners) it is about 3x faster
    than sorting one int64 key per pair."""
    order = np.lexsort((partner, school))
    school, partner = school[order], partner[order]
    first = np.empty(len(order), dtype=bool)
    first[:1] = True
    np.not_equal(school[1:], school[:-1], out=first[1:])
    first[1:] |= partner[1:] != partner[:-1]
    starts = np.flatnonzero(first)
    return school[starts], partner[starts], np.minimum.reduceat(value[order], starts)


def round_2dp(values: np.ndarray) -> list[float]:
    """[round(v, 2) for v in values] without a Python call per value (a plan reads thousands of fits and
    distances).

    round() rounds the exact binary value half to even; rint(v * 100) / 100 gives the same float unless v * 100 lands
    within its rounding error (under 1e-7 below 1e9) of a half, so those few values, and huge or non-finite ones, go
    through round() itself."""
    with np.errstate(over="ignore", invalid="ignore"):  # huge values overflow, inf - inf is NaN: both unsure
        scaled = np.asarray(values, dtype=np.float64) * 100.0
        out = (np.rint(scaled) / 100.0).tolist()
        unsure = ~((np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) & (np.abs(scaled) < 1e9))
    for k in np.flatnonzero(unsure).tolist():
        out[k] = round(float(values[k]), 2)
    return out


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """np.isin for a sorted, unique key array (binary search instead of sorting `values`)."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[pos] == values


def is_accredited(partner: PartnerCandidate) -> bool:
    return partner.kind == PartnerKind.ACCREDITED_PROVIDER or partner.accreditation.upper() in {"ASP", "ASG"}


def _map_unique(fn, values: Sequence) -> list:
    """[fn(v) for v in values], calling fn once per distinct value (in first-seen order, so codes handed out by fn
    come out as a per-row loop would hand them out). Falls back to one call per row for unhashable values."""
    try:
        memo = {v: fn(v) for v in dict.fromkeys(values)}
    except TypeError:  # e.g. needs given as a list rather than a tuple
        return [fn(v) for v in values]
    return list(map(memo.__getitem__, values))


def _points(xs: Sequence, ys: Sequence) -> np.ndarray:
    """(n, 2) float array of (x, y); a row with either coordinate None is (NaN, NaN), as 'no location'."""
    xy = np.empty((len(xs), 2), dtype=np.float64)
    xy[:, 0] = np.array(xs, dtype=np.float64)  # numpy turns None into NaN
    xy[:, 1] = np.array(ys, dtype=np.float64)
    for i in np.flatnonzero(np.isnan(xy).any(axis=1)).tolist():  # few rows: only these need the None test
        if xs[i] is None or ys[i] is None:
            xy[i] = np.nan
    return xy


def _flat_points(groups: Sequence) -> np.ndarray:
    """The points of every group, concatenated, as an (n, 2) float array; None coordinates become NaN."""
    points = list(itertools.chain.from_iterable(groups))
    if not points:
        return np.zeros((0, 2), dtype=np.float64)
    try:
        # Fast path: every point is a pair of numbers, so numpy reads the flat stream without a list per point.
        flat = np.fromiter(itertools.chain.from_iterable(points), dtype=np.float64)
    except TypeError:  # a None coordinate
        flat = np.array([np.nan if v is None else v for xy in points for v in xy], dtype=np.float64)
    return flat.reshape(-1, 2)
