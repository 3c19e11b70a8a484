"""Independent optimisers for checking the planners: brute force and an exact MILP (scipy)."""

import itertools
from collections import Counter

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from schoolsystem.engines.matching import PartnerCandidate, Problem, SchoolNeed, orphan_penalty
from schoolsystem.engines.matching.plan import flow_capacity


def objective_of(problem: Problem, choice: dict[int, int | None]) -> int:
    """Integer objective of a full choice school index -> partner index (None = orphan)."""
    edges = problem.edges()
    fit = {
        (int(s), int(p)): int(f) for s, p, f in zip(edges.school, edges.partner, edges.fit_int, strict=True)
    }
    orphans = sum(1 for j in choice.values() if j is None)
    return (
        sum(fit[(i, j)] for i, j in choice.items() if j is not None)
        - orphan_penalty(len(problem.schools)) * orphans
    )


def feasible(problem: Problem, choice: dict[int, int | None], *, side_rules: bool) -> bool:
    edges = problem.edges()
    eligible = {(int(s), int(p)) for s, p in zip(edges.school, edges.partner, strict=True)}
    if any(j is not None and (i, j) not in eligible for i, j in choice.items()):
        return False
    load = Counter(j for j in choice.values() if j is not None)
    cap = problem.p_capacity if side_rules else flow_capacity(problem)
    if any(n > cap[j] for j, n in load.items()):
        return False
    if side_rules:
        per_year = Counter((j, problem.schools[i].year) for i, j in choice.items() if j is not None)
        if any(problem.p_annual[j] >= 0 and n > problem.p_annual[j] for (j, _), n in per_year.items()):
            return False
        groups: dict[str, set] = {}
        for i, s in enumerate(problem.schools):
            if s.group_key:
                groups.setdefault(s.group_key, set()).add(choice[i])
        if any(len(v) > 1 for v in groups.values()):
            return False
    return True


def brute_force(problem: Problem, *, side_rules: bool = False) -> int:
    n_s = len(problem.schools)
    edges = problem.edges()
    options = [
        [None] + sorted(int(p) for s, p in zip(edges.school, edges.partner, strict=True) if s == i)
        for i in range(n_s)
    ]
    best = None
    for combo in itertools.product(*options):
        choice = dict(enumerate(combo))
        if feasible(problem, choice, side_rules=side_rules):
            value = objective_of(problem, choice)
            best = value if best is None else max(best, value)
    return best


def milp_optimum(problem: Problem) -> int:
    """Exact optimum of the single-year model with scipy's MILP (HiGHS)."""
    edges = problem.edges()
    n_s, n_e = len(problem.schools), len(edges)
    penalty = orphan_penalty(n_s)
    c = np.concatenate([-edges.fit_int.astype(float), np.full(n_s, float(penalty))])
    rows = []
    a_school = np.zeros((n_s, n_e + n_s))
    for k in range(n_e):
        a_school[edges.school[k], k] = 1
    a_school[np.arange(n_s), n_e + np.arange(n_s)] = 1
    rows.append(LinearConstraint(a_school, 1, 1))
    cap = flow_capacity(problem)
    partners = np.unique(edges.partner)
    if len(partners):
        a_cap = np.zeros((len(partners), n_e + n_s))
        for r, j in enumerate(partners):
            a_cap[r, np.flatnonzero(edges.partner == j)] = 1
        rows.append(LinearConstraint(a_cap, -np.inf, cap[partners].astype(float)))
    res = milp(c, constraints=rows, integrality=np.ones(n_e + n_s), bounds=Bounds(0, 1))
    assert res.success
    return int(round(-res.fun))


PHASES = ["Primary", "Primary", "Secondary", "All-through"]
FAITHS = ["", "", "", "Church of England", "Roman Catholic"]
DIOCESES = ["", "Guildford", "Arundel and Brighton"]


@st.composite
def instances(draw, max_schools=5, max_partners=4, side_rules=False):
    n_s = draw(st.integers(1, max_schools))
    n_p = draw(st.integers(1, max_partners))
    coord = st.integers(0, 25_000)
    partners = []
    for j in range(n_p):
        locs = tuple((draw(coord), draw(coord)) for _ in range(draw(st.integers(0, 3)) or 1))
        partners.append(
            PartnerCandidate(
                id=f"p{j}",
                name=f"Partner {j}",
                capacity=draw(st.integers(0, 2)),
                phases=tuple(draw(st.lists(st.sampled_from(PHASES), min_size=1, max_size=3, unique=True))),
                locations=locs,
                track_record=draw(st.one_of(st.none(), st.floats(0, 1))),
                accreditation=draw(st.sampled_from(["", "", "ASP", "ASG"])),
                current_schools=draw(st.integers(0, 3)),
                denomination=draw(st.sampled_from(FAITHS)),
                diocesan_consent=tuple(draw(st.lists(st.sampled_from(DIOCESES[1:]), max_size=1))),
                open_serious_concern=draw(st.booleans()) and draw(st.booleans()),
                max_distance_km=draw(st.sampled_from([None, 15.0, 30.0])),
                max_new_per_year=draw(st.sampled_from([None, None, 1, 2])) if side_rules else None,
                typical_pupils=draw(st.sampled_from([None, 200, 900])),
                expertise=tuple(
                    draw(st.lists(st.sampled_from(["finance", "send", "leadership"]), max_size=2))
                ),
                accepts_estate_risk=draw(st.booleans()) or draw(st.booleans()),
            )
        )
    schools = []
    for i in range(n_s):
        prefs = ()
        if draw(st.integers(0, 4)) == 0:
            prefs = tuple(draw(st.lists(st.sampled_from([p.id for p in partners]), max_size=2, unique=True)))
        schools.append(
            SchoolNeed(
                id=f"s{i}",
                name=f"School {i}",
                phase=draw(st.sampled_from(PHASES)),
                easting=draw(coord),
                northing=draw(coord),
                pupils=draw(st.sampled_from([None, 90, 300, 1200])),
                religious_character=draw(st.sampled_from(FAITHS)),
                diocese=draw(st.sampled_from(DIOCESES)),
                estate_flag=draw(st.booleans()) and draw(st.booleans()),
                needs=tuple(draw(st.lists(st.sampled_from(["finance", "send", "leadership"]), max_size=2))),
                preferences=prefs,
                group_key=draw(st.sampled_from(["", "", "g1", "g2"])) if side_rules else "",
                year=draw(st.sampled_from([2026, 2027])) if side_rules else None,
            )
        )
    return schools, partners
