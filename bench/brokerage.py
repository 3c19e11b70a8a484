"""Brokerage at national scale: 2,000 schools x 2,500 trusts (synthetic, deterministic).

Times the engine to an optimal plan (eligibility + scoring + graph + OR-Tools min-cost flow + reading the plan)
against a bare OR-Tools min-cost-flow solve of exactly the same graph, and compares the plan with a greedy one.
The last line is `ratio=<engine median wall seconds / bare solve median wall seconds>` (target <= 1.5).
Both sides: one warm-up, then N runs interleaved; medians of wall and CPU time are printed.

    python bench/brokerage.py [--quick]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schoolsystem.settings.dev")
    db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def synthetic(n_schools: int, n_trusts: int, seed: int = 2026):
    """Schools and trusts clustered around towns across England's grid (easting 140-655 km, northing 10-660 km)."""
    from schoolsystem.engines.matching import PartnerCandidate, SchoolNeed

    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(140e3, 655e3, 300), rng.uniform(10e3, 660e3, 300)])
    phases = np.array(["Primary", "Secondary", "All-through", "Special"])
    faiths = np.array(["", "", "", "", "Church of England", "Roman Catholic"])
    dioceses = np.array([f"Diocese {k}" for k in range(40)])
    tags = np.array(["leadership", "finance", "send", "estate", "governance", "attendance"])

    def around(n, sd):
        centre = towns[rng.integers(0, len(towns), n)]
        return np.clip(centre + rng.normal(0, sd, (n, 2)), 0, None)

    trust_centre = around(n_trusts, 12e3)
    sizes = np.minimum(rng.geometric(0.25, n_trusts), 40)
    partners = []
    for j in range(n_trusts):
        pts = trust_centre[j] + rng.normal(0, 8e3, (int(sizes[j]), 2))
        pts = np.clip(pts, 0, None)
        denom = str(rng.choice(faiths))
        partners.append(
            PartnerCandidate(
                id=f"T{j:05d}",
                name=f"Trust {j}",
                capacity=int(rng.integers(0, 4)),
                phases=tuple(rng.choice(phases[:3], size=int(rng.integers(1, 3)), replace=False).tolist()),
                locations=tuple((float(x), float(y)) for x, y in pts),
                track_record=float(rng.uniform()) if rng.uniform() < 0.8 else None,
                accreditation=str(rng.choice(["", "", "", "ASP", "ASG"])),
                current_schools=int(sizes[j]),
                denomination=denom,
                diocesan_consent=tuple(rng.choice(dioceses, size=2).tolist()) if denom else (),
                open_serious_concern=bool(rng.uniform() < 0.05),
                max_distance_km=float(rng.choice([25.0, 40.0, 60.0])),
                typical_pupils=int(rng.integers(150, 1200)),
                expertise=tuple(rng.choice(tags, size=2, replace=False).tolist()),
                accepts_estate_risk=bool(rng.uniform() < 0.7),
            )
        )
    xy = around(n_schools, 10e3)
    schools = [
        SchoolNeed(
            id=f"S{i:05d}",
            name=f"School {i}",
            urn=100000 + i,
            phase=str(rng.choice(phases, p=[0.6, 0.3, 0.05, 0.05])),
            easting=float(xy[i, 0]),
            northing=float(xy[i, 1]),
            pupils=int(rng.integers(40, 1800)),
            religious_character=str(rng.choice(faiths)),
            diocese=str(rng.choice(dioceses)),
            estate_flag=bool(rng.uniform() < 0.1),
            finance_flag=bool(rng.uniform() < 0.15),
            needs=tuple(rng.choice(tags, size=int(rng.integers(0, 3)), replace=False).tolist()),
        )
        for i in range(n_schools)
    ]
    return schools, partners


def timed(fn, runs: int) -> tuple[list[float], list[float], object]:
    """Wall and CPU seconds of `runs` calls (after one warm-up call), and the last result."""
    result = fn()  # warm-up: imports, caches, allocator
    wall, cpu = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return wall, cpu, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="200 schools x 250 trusts")
    parser.add_argument("--runs", type=int, default=0, help="timed runs per side (default 9, quick 5)")
    args = parser.parse_args()
    setup_django()
    from schoolsystem.engines.matching import Problem, explain_orphans
    from schoolsystem.engines.matching.plan import (
        build_flow_graph,
        plan_from_choice,
        plan_problem,
        solve_flow_graph,
    )

    n_schools, n_trusts = (200, 250) if args.quick else (2000, 2500)
    runs = args.runs or (5 if args.quick else 9)
    schools, partners = synthetic(n_schools, n_trusts)
    print(
        f"instance: {n_schools} schools x {n_trusts} trusts, {sum(len(p.locations) for p in partners)} trust schools"
    )

    def engine():
        """Inputs (dataclasses) -> arrays -> eligible pairs and fits -> flow graph -> OR-Tools -> Plan. Orphan
        explanations (rule counts) are built when shown, timed separately below."""
        problem = Problem(schools, partners)
        edges = problem.edges()
        graph = build_flow_graph(problem, edges)
        flows = solve_flow_graph(graph)
        chosen = np.flatnonzero(flows[: graph.n_edges] > 0)
        plan = plan_from_choice(problem, edges, chosen, "min_cost_flow", explain_orphans=False)
        return problem, edges, graph, plan

    # Interleave the two sides run by run so both see the same machine load (2 shared cores).
    e_wall, e_cpu, b_wall, b_cpu = [], [], [], []
    problem, edges, graph, optimal = engine()
    solve_flow_graph(graph)
    for _ in range(runs):
        w, c, (problem, edges, graph, optimal) = timed(engine, 1)
        e_wall += w
        e_cpu += c
        w, c, _ = timed(lambda g=graph: solve_flow_graph(g), 1)
        b_wall += w
        b_cpu += c
    med = statistics.median
    explain_wall, _, explained = timed(lambda: explain_orphans(problem, optimal), 3)
    greedy_wall, _, greedy = timed(lambda: plan_problem(problem, solver="greedy", edges=edges), 3)
    eager = plan_problem(problem, solver="min_cost_flow", edges=edges)
    assert eager.objective == optimal.objective and eager.orphans == explained.orphans

    print(f"eligible pairs (arcs): {len(edges):,}; graph arcs {len(graph.tails):,}")
    print(
        f"engine to optimal plan: median {med(e_wall):.4f} s wall, {med(e_cpu):.4f} s CPU "
        f"(best {min(e_wall):.4f} s; {runs} runs after a warm-up)"
    )
    print(
        f"bare OR-Tools min-cost flow, same graph: median {med(b_wall):.4f} s wall, {med(b_cpu):.4f} s CPU "
        f"(best {min(b_wall):.4f} s)"
    )
    print(f"engine overhead over the bare solve: {med(e_wall) - med(b_wall):.4f} s")
    print(
        f"explaining all {len(optimal.orphans)} orphans (rule counts, built when shown): {med(explain_wall):.4f} s"
    )
    print(
        f"optimal plan: {len(optimal.assignments)} placed, {len(optimal.orphans)} orphans, "
        f"total fit {optimal.total_fit:,.1f}, cost {-optimal.objective:,}"
    )
    print(
        f"greedy plan:  {len(greedy.assignments)} placed, {len(greedy.orphans)} orphans, "
        f"total fit {greedy.total_fit:,.1f}, cost {-greedy.objective:,} ({med(greedy_wall):.4f} s)"
    )
    print(
        f"greedy leaves {len(greedy.orphans) - len(optimal.orphans)} more school(s) orphaned; "
        f"greedy cost / optimal cost = {greedy.objective / optimal.objective:.3f}"
    )
    stage_wall = engine_stages(schools, partners, runs)
    print(
        "engine stages, median ms: "
        + ", ".join(f"{name} {1000 * med(times):.1f}" for name, times in stage_wall.items())
    )
    print(f"ratio={med(e_wall) / med(b_wall):.3f}")


def engine_stages(schools, partners, runs: int) -> dict[str, list[float]]:
    """Wall seconds of each step of the engine (as timed above), over `runs` runs after a warm-up: where the
    overhead over the bare solve goes. Not part of the ratio."""
    from schoolsystem.engines.matching import Problem
    from schoolsystem.engines.matching.plan import build_flow_graph, plan_from_choice, solve_flow_graph

    stages: dict[str, list[float]] = {}
    for run in range(runs + 1):
        t = [time.perf_counter()]
        problem = Problem(schools, partners)  # arrays from the dataclasses
        t.append(time.perf_counter())
        edges = problem.edges()  # spatial pairs, rules, fit
        t.append(time.perf_counter())
        graph = build_flow_graph(problem, edges)
        t.append(time.perf_counter())
        flows = solve_flow_graph(graph)
        t.append(time.perf_counter())
        chosen = np.flatnonzero(flows[: graph.n_edges] > 0)
        plan_from_choice(problem, edges, chosen, "min_cost_flow", explain_orphans=False)
        t.append(time.perf_counter())
        if run:  # the first run is the warm-up
            for name, start, end in zip(
                ("arrays", "edges", "graph", "solve", "plan"), t, t[1:], strict=False
            ):
                stages.setdefault(name, []).append(end - start)
    return stages


if __name__ == "__main__":
    main()
