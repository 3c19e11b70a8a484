"""Global plans: assign many schools at once so that total fit is best while no partner exceeds its capacity.

The objective is lexicographic: first place as many schools as possible, then maximise total fit. It is solved as
one integer program: each placed school earns its scaled fit, each orphan school costs `orphan_penalty`, which is
larger than any total fit could be, so leaving a school unplaced never pays (docs/decisions/0070).

- `min_cost_flow`: schools -> eligible partners -> sink, partner arcs capped by capacity, one "orphan" arc per school.
  Exact and fast (OR-Tools SimpleMinCostFlow); used when only capacities bind.
- `cp_sat`: the same model in CP-SAT with side rules the flow cannot express: schools that must go together (same
  `group_key`), and at most N new schools per partner per year across several years.
- `greedy`: best pair first; only a baseline for tests and the benchmark.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model

from schoolsystem.engines.matching.evaluate import FIT_SCALE, EdgeSet, Problem, round_2dp
from schoolsystem.engines.matching.types import (
    RULES,
    Assignment,
    Orphan,
    PartnerCandidate,
    Plan,
    RuleSet,
    SchoolNeed,
    Weights,
)
from schoolsystem.engines.text import in_sentence


def orphan_penalty(n_schools: int) -> int:
    """Larger than any achievable total fit, so one more placed school always beats any fit gain."""
    return (100 * FIT_SCALE + 1) * max(n_schools, 1)


def needs_cp_sat(problem: Problem) -> bool:
    """Side rules apply: a group of two or more schools, or annual limits over more than one year."""
    keys = [s.group_key for s in problem.schools if s.group_key]
    if len(keys) != len(set(keys)):
        return True
    years = {s.year for s in problem.schools}
    return bool((problem.p_annual >= 0).any() and len(years) > 1)


def flow_capacity(problem: Problem) -> np.ndarray:
    """Capacity per partner for a single-year plan: its room, also capped by its annual limit."""
    cap = problem.p_capacity.copy()
    limited = problem.p_annual >= 0
    cap[limited] = np.minimum(cap[limited], problem.p_annual[limited])
    return cap


@dataclass(frozen=True)
class FlowGraph:
    """The arrays handed to OR-Tools, so the benchmark can time a bare solve of exactly this graph."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    n_edges: int  # the first n_edges arcs are the school -> partner edges


def build_flow_graph(problem: Problem, edges: EdgeSet) -> FlowGraph:
    n_s, n_p = len(problem.schools), len(problem.partners)
    sink = n_s + n_p
    schools = np.arange(n_s, dtype=np.int64)
    # The partners with at least one edge, ascending (np.unique would sort all the edges to find them).
    partners = np.flatnonzero(np.bincount(edges.partner, minlength=n_p))
    penalty = orphan_penalty(n_s)
    tails = np.concatenate([edges.school, schools, n_s + partners])
    heads = np.concatenate([n_s + edges.partner, np.full(n_s, sink), np.full(len(partners), sink)])
    capacities = np.concatenate(
        [np.ones(len(edges), dtype=np.int64), np.ones(n_s, dtype=np.int64), flow_capacity(problem)[partners]]
    )
    costs = np.concatenate(
        [-edges.fit_int, np.full(n_s, penalty, dtype=np.int64), np.zeros(len(partners), dtype=np.int64)]
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_s] = 1
    supplies[sink] = -n_s
    return FlowGraph(tails, heads, capacities, costs, supplies, len(edges))


def solve_flow_graph(graph: FlowGraph) -> np.ndarray:
    """Solve with OR-Tools; returns the flow on every arc."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(graph.tails, graph.heads, graph.capacities, graph.costs)
    smcf.set_nodes_supplies(np.arange(len(graph.supplies)), graph.supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:  # cannot happen: every school has an orphan arc to the sink
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    return smcf.flows(np.arange(smcf.num_arcs()))


def solve_min_cost_flow(problem: Problem, edges: EdgeSet) -> np.ndarray:
    """Chosen edge indices of an optimal single-year plan."""
    if not len(edges):
        return np.zeros(0, dtype=np.int64)
    flows = solve_flow_graph(build_flow_graph(problem, edges))
    return np.flatnonzero(flows[: len(edges)] > 0)


def solve_cp_sat(problem: Problem, edges: EdgeSet, *, time_limit_s: float = 30.0) -> tuple[np.ndarray, bool]:
    """Chosen edge indices under group and annual-limit rules, and whether CP-SAT proved optimality."""
    model = cp_model.CpModel()
    n_s = len(problem.schools)
    usable = np.ones(len(edges), dtype=bool)
    # Groups: members go to the same partner, so only partners eligible for every member stay usable.
    groups: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(problem.schools):
        if s.group_key:
            groups[s.group_key].append(i)
    by_school: dict[int, set[int]] = defaultdict(set)
    for k in range(len(edges)):
        by_school[int(edges.school[k])].add(int(edges.partner[k]))
    for members in groups.values():
        common = set.intersection(*(by_school[i] for i in members))
        member_set = set(members)
        for k in range(len(edges)):
            if int(edges.school[k]) in member_set and int(edges.partner[k]) not in common:
                usable[k] = False
    idx = np.flatnonzero(usable)
    x = {int(k): model.new_bool_var(f"x{k}") for k in idx}
    orphan = [model.new_bool_var(f"o{i}") for i in range(n_s)]
    per_school: dict[int, list] = defaultdict(list)
    per_partner: dict[int, list] = defaultdict(list)
    per_partner_year: dict[tuple[int, int | None], list] = defaultdict(list)
    pair_var: dict[tuple[int, int], object] = {}
    for k, var in x.items():
        i, j = int(edges.school[k]), int(edges.partner[k])
        per_school[i].append(var)
        per_partner[j].append(var)
        per_partner_year[(j, problem.schools[i].year)].append(var)
        pair_var[(i, j)] = var
    for i in range(n_s):
        model.add(sum(per_school[i]) + orphan[i] == 1)
    for j, vars_ in per_partner.items():
        model.add(sum(vars_) <= int(problem.p_capacity[j]))
    for (j, _year), vars_ in per_partner_year.items():
        if problem.p_annual[j] >= 0:
            model.add(sum(vars_) <= int(problem.p_annual[j]))
    for members in groups.values():
        first = members[0]
        for i in members[1:]:
            model.add(orphan[i] == orphan[first])
            for j in by_school[first]:
                if (first, j) in pair_var and (i, j) in pair_var:
                    model.add(pair_var[(i, j)] == pair_var[(first, j)])
    penalty = orphan_penalty(n_s)
    model.maximize(sum(int(edges.fit_int[k]) * var for k, var in x.items()) - penalty * sum(orphan))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no plan: {solver.status_name(status)}")
    chosen = np.array([k for k, var in x.items() if solver.value(var)], dtype=np.int64)
    return chosen, status == cp_model.OPTIMAL


def solve_greedy(problem: Problem, edges: EdgeSet) -> np.ndarray:
    """Best-fitting pair first while the school is free and the partner has room (the baseline)."""
    cap = flow_capacity(problem).copy()
    taken = np.zeros(len(problem.schools), dtype=bool)
    chosen = []
    for k in np.lexsort((edges.partner, edges.school, -edges.fit_int)):
        i, j = edges.school[k], edges.partner[k]
        if not taken[i] and cap[j] > 0:
            taken[i] = True
            cap[j] -= 1
            chosen.append(k)
    return np.array(chosen, dtype=np.int64)


def plan_from_choice(
    problem: Problem, edges: EdgeSet, chosen: np.ndarray, solver: str, *, explain_orphans: bool = True
) -> Plan:
    """Turn chosen edges into a Plan, with a reason for every orphan school. With `explain_orphans=False` a
    school no partner may take gets its reason code only; `explain_orphans(problem, plan)` adds how many
    partners failed each rule later, for the orphans that are shown (a national plan need not explain them all)."""
    chosen = np.asarray(chosen, dtype=np.int64)
    schools, partners = problem.schools, problem.partners
    placed = np.zeros(len(schools), dtype=bool)
    placed[edges.school[chosen]] = True
    # Columns as Python lists first (one conversion each), then one Assignment per placed school, by school id
    # (the order is found on the ids alone; no row tuples are built to be sorted).
    school_ids, partner_ids = problem.school_ids, problem.partner_ids
    school = [school_ids[i] for i in edges.school[chosen].tolist()]
    partner = [partner_ids[j] for j in edges.partner[chosen].tolist()]
    fit, distance = round_2dp(edges.fit[chosen]), round_2dp(edges.distance_km[chosen])
    by_id = sorted(range(len(school)), key=school.__getitem__)
    assignments = tuple(
        map(Assignment, *(map(column.__getitem__, by_id) for column in (school, partner, fit, distance)))
    )
    n_eligible = np.bincount(edges.school, minlength=len(schools)).tolist()
    unplaced = np.flatnonzero(~placed).tolist()
    orphans = []
    hopeless = [i for i in unplaced if n_eligible[i] == 0]
    hopeless_counts = (
        dict(zip(hopeless, problem.rule_counts_for_many(hopeless), strict=True))
        if explain_orphans
        else dict.fromkeys(hopeless)
    )
    for i in unplaced:
        school = schools[i]
        if n_eligible[i] == 0 and hopeless_counts[i] is None:
            orphans.append(
                Orphan(school.id, "no_eligible_partner", f"No eligible partner among {len(partners)}.")
            )
        elif n_eligible[i] == 0:
            counts = hopeless_counts[i]
            parts = [
                f"{in_sentence(RULES[code][0])} ({n})" for code, n in sorted(counts, key=lambda c: -c[1])
            ]
            detail = f"No eligible partner among {len(partners)}. Partners failing each rule: " + (
                ", ".join(parts) or "none known"
            )
            orphans.append(Orphan(school.id, "no_eligible_partner", detail, counts))
        elif school.group_key and solver.startswith("cp_sat"):
            orphans.append(
                Orphan(
                    school.id,
                    "group_conflict",
                    f"{n_eligible[i]} eligible partner(s), but none can take every school of group "
                    f"{school.group_key!r} within its limits",
                )
            )
        else:
            orphans.append(
                Orphan(
                    school.id,
                    "capacity_exhausted",
                    f"{n_eligible[i]} eligible partner(s), all at capacity with schools they fit better",
                )
            )
    load = np.bincount(edges.partner[chosen], minlength=len(problem.partners))
    loaded = np.flatnonzero(load)
    fit_int = int(edges.fit_int[chosen].sum()) if len(chosen) else 0
    return Plan(
        assignments=assignments,
        orphans=tuple(orphans),
        total_fit=round(float(edges.fit[chosen].sum()) if len(chosen) else 0.0, 2),
        objective=fit_int - orphan_penalty(len(problem.schools)) * len(orphans),
        solver=solver,
        load=tuple(zip([partner_ids[j] for j in loaded.tolist()], load[loaded].tolist(), strict=True)),
    )


def explain_orphans(problem: Problem, result: Plan, school_ids: Sequence[str] | None = None) -> Plan:
    """`result` with the rule counts of its unexplained 'no eligible partner' orphans (only `school_ids` when
    given): the explanation a page or file shows, built when it is shown."""
    todo = [
        o
        for o in result.orphans
        if o.reason == "no_eligible_partner"
        and not o.rule_counts
        and (school_ids is None or o.school_id in school_ids)
    ]
    if not todo:
        return result
    counts = problem.rule_counts_for_many([problem.school_index[o.school_id] for o in todo])
    explained = {}
    for o, c in zip(todo, counts, strict=True):
        parts = [f"{in_sentence(RULES[code][0])} ({n})" for code, n in sorted(c, key=lambda x: -x[1])]
        detail = f"No eligible partner among {len(problem.partners)}. Partners failing each rule: " + (
            ", ".join(parts) or "none known"
        )
        explained[o.school_id] = Orphan(o.school_id, o.reason, detail, c)
    return replace(result, orphans=tuple(explained.get(o.school_id, o) for o in result.orphans))


def plan_problem(
    problem: Problem, *, solver: str = "auto", edges: EdgeSet | None = None, time_limit_s: float = 30.0
) -> Plan:
    """The optimal plan for `problem`. solver: "auto" (flow unless side rules apply), "min_cost_flow",
    "cp_sat" or "greedy"."""
    edges = problem.edges() if edges is None else edges
    if solver == "auto":
        solver = "cp_sat" if needs_cp_sat(problem) else "min_cost_flow"
    if solver == "min_cost_flow":
        if needs_cp_sat(problem):
            raise ValueError("groups or multi-year annual limits need the cp_sat solver")
        chosen = solve_min_cost_flow(problem, edges)
    elif solver == "cp_sat":
        chosen, optimal = solve_cp_sat(problem, edges, time_limit_s=time_limit_s)
        solver = "cp_sat" if optimal else "cp_sat_time_limited"
    elif solver == "greedy":
        chosen = solve_greedy(problem, edges)
    else:
        raise ValueError(f"unknown solver {solver!r}")
    return plan_from_choice(problem, edges, chosen, solver)


def plan(
    schools: Sequence[SchoolNeed],
    partners: Sequence[PartnerCandidate],
    rules: RuleSet | None = None,
    weights: Weights | None = None,
    *,
    solver: str = "auto",
    time_limit_s: float = 30.0,
) -> Plan:
    """Assign `schools` to `partners`: every school either placed (at most one partner, capacities and rules
    respected, total fit maximal) or reported as an orphan with the reasons."""
    return plan_problem(Problem(schools, partners, rules, weights), solver=solver, time_limit_s=time_limit_s)


@dataclass(frozen=True)
class PlanChange:
    school_id: str
    before: str | None  # partner id, None = orphan
    after: str | None


def diff_plans(before: Plan, after: Plan) -> tuple[PlanChange, ...]:
    """Schools whose partner differs between two plans (what-if)."""
    a, b = before.partner_of(), after.partner_of()
    ids = sorted({*a, *b, *(o.school_id for o in before.orphans), *(o.school_id for o in after.orphans)})
    return tuple(PlanChange(i, a.get(i), b.get(i)) for i in ids if a.get(i) != b.get(i))
