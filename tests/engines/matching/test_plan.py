from hypothesis import HealthCheck, given, settings

from schoolsystem.engines.matching import (
    PartnerCandidate,
    Problem,
    SchoolNeed,
    diff_plans,
    plan,
    plan_problem,
)
from schoolsystem.engines.matching.plan import flow_capacity
from tests.engines.matching.helpers import brute_force, feasible, instances, milp_optimum, objective_of


def s(i, e, **kw):
    return SchoolNeed(id=f"s{i}", name=f"School {i}", phase="Primary", easting=e, northing=0, **kw)


def p(j, e, cap, **kw):
    return PartnerCandidate(
        id=f"t{j}", name=f"Trust {j}", capacity=cap, phases=("Primary",), locations=((e, 0),), **kw
    )


def test_two_schools_competing_for_one_place_the_plan_places_both_when_possible():
    # s0 is nearest t0, but t0 can take one school; s1 can only go to t0, so s0 must go to t1.
    schools = [s(0, 0), s(1, 20_000)]
    partners = [p(0, 10_000, 1, max_distance_km=15), p(1, 30_000, 1, max_distance_km=35)]
    result = plan(schools, partners)
    assert result.partner_of() == {"s0": "t1", "s1": "t0"} or result.partner_of() == {"s0": "t0", "s1": "t1"}
    assert result.orphans == ()
    greedy = plan(schools, partners, solver="greedy")
    assert result.objective >= greedy.objective


def test_greedy_orphans_a_school_that_the_optimal_plan_places():
    schools = [s(0, 0), s(1, 12_000)]
    partners = [p(0, 1_000, 1, max_distance_km=20), p(1, -20_000, 1, max_distance_km=25)]
    # greedy gives t0 to s0 (nearest pair); s1 cannot reach t1 (32 km) and is orphaned.
    greedy = plan(schools, partners, solver="greedy")
    assert [o.school_id for o in greedy.orphans] == ["s1"]
    best = plan(schools, partners)
    assert best.partner_of() == {"s0": "t1", "s1": "t0"}
    assert best.orphans == ()


def test_orphan_with_no_eligible_partner_gets_aggregated_reasons():
    schools = [s(0, 0, religious_character="Roman Catholic"), s(1, 500_000)]
    partners = [p(0, 1000, 1), p(1, 2000, 0)]
    result = plan(schools, partners)
    orphans = {o.school_id: o for o in result.orphans}
    assert orphans["s0"].reason == "no_eligible_partner"
    assert dict(orphans["s0"].rule_counts) == {"faith": 2, "capacity": 1}
    assert dict(orphans["s1"].rule_counts) == {"distance": 2, "capacity": 1}
    assert "faith ethos (2)" in orphans["s0"].detail


def test_orphan_reasons_keep_the_rules_acronyms():
    result = plan([s(0, 0, estate_flag=True)], [p(0, 1000, 1, accepts_estate_risk=False)])
    detail = result.orphans[0].detail
    assert "PFI, land and buildings (1)" in detail and "pfi" not in detail


def test_orphan_when_eligible_partners_are_full():
    result = plan([s(0, 0), s(1, 100)], [p(0, 50, 1)])
    assert len(result.assignments) == 1
    assert result.orphans[0].reason == "capacity_exhausted"


def test_group_of_schools_goes_to_one_partner():
    schools = [s(0, 0, group_key="fed"), s(1, 30_000, group_key="fed")]
    partners = [p(0, 0, 2, max_distance_km=50), p(1, 30_000, 2, max_distance_km=50)]
    result = plan(schools, partners)
    assert result.solver == "cp_sat"
    assert len({a.partner_id for a in result.assignments}) == 1
    assert len(result.assignments) == 2


def test_group_that_no_partner_can_take_whole_is_orphaned_together():
    schools = [s(0, 0, group_key="fed"), s(1, 30_000, group_key="fed")]
    partners = [p(0, 0, 1, max_distance_km=5), p(1, 30_000, 1, max_distance_km=5)]
    result = plan(schools, partners)
    assert result.assignments == ()
    assert {o.reason for o in result.orphans} == {"group_conflict"}


def test_annual_limit_spreads_schools_over_years():
    schools = [s(0, 0, year=2026), s(1, 100, year=2026), s(2, 200, year=2027)]
    result = plan(schools, [p(0, 0, 3, max_new_per_year=1)])
    years = sorted(schools[int(a.school_id[1:])].year for a in result.assignments)
    assert years == [2026, 2027]


def test_performing_school_only_goes_to_a_partner_it_chose():
    schools = [s(0, 0, preferences=("t1",))]
    result = plan(schools, [p(0, 0, 1), p(1, 20_000, 1)])
    assert result.partner_of() == {"s0": "t1"}


def test_diff_plans_lists_changed_schools():
    schools = [s(0, 0), s(1, 1000)]
    before = plan(schools, [p(0, 0, 2), p(1, 40_000, 2)])
    after = plan(schools, [p(0, 0, 1), p(1, 40_000, 2)])
    changes = diff_plans(before, after)
    assert len(changes) == 1 and changes[0].before == "t0" and changes[0].after == "t1"


fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _capacities_and_rules_hold(problem, result, *, side_rules):
    ids = {sch.id: i for i, sch in enumerate(problem.schools)}
    pids = {pp.id: j for j, pp in enumerate(problem.partners)}
    choice = dict.fromkeys(range(len(problem.schools)))
    for a in result.assignments:
        choice[ids[a.school_id]] = pids[a.partner_id]
    assert feasible(problem, choice, side_rules=side_rules)
    assert len(result.assignments) + len(result.orphans) == len(problem.schools)
    return choice


@fast
@given(instances())
def test_flow_plan_is_optimal_feasible_and_never_worse_than_greedy(instance):
    schools, partners = instance
    problem = Problem(schools, partners)
    result = plan_problem(problem, solver="min_cost_flow")
    choice = _capacities_and_rules_hold(problem, result, side_rules=False)
    assert objective_of(problem, choice) == result.objective
    assert result.objective == milp_optimum(problem) == brute_force(problem)
    greedy = plan_problem(problem, solver="greedy")
    _capacities_and_rules_hold(problem, greedy, side_rules=False)
    assert result.objective >= greedy.objective
    assert len(result.assignments) >= len(greedy.assignments)


@fast
@given(instances(max_schools=5, max_partners=3, side_rules=True))
def test_cp_sat_respects_groups_and_annual_limits_and_equals_brute_force(instance):
    schools, partners = instance
    problem = Problem(schools, partners)
    result = plan_problem(problem, solver="cp_sat")
    choice = _capacities_and_rules_hold(problem, result, side_rules=True)
    assert objective_of(problem, choice) == result.objective == brute_force(problem, side_rules=True)


@fast
@given(instances())
def test_cp_sat_and_flow_agree_without_side_rules(instance):
    schools, partners = instance
    problem = Problem(schools, partners)
    assert (flow_capacity(problem) == problem.p_capacity).all()
    assert (
        plan_problem(problem, solver="cp_sat").objective
        == plan_problem(problem, solver="min_cost_flow").objective
    )


@fast
@given(instances())
def test_orphan_reasons_of_many_schools_equal_the_one_school_count(instance):
    """The vectorised orphan explanation (KD-tree, no dense distance matrix) counts exactly what the per-school
    exhaustive check counts, for every school."""
    schools, partners = instance
    problem = Problem(schools, partners)
    everyone = list(range(len(schools)))
    assert problem.rule_counts_for_many(everyone) == [problem.rule_counts_for(i) for i in everyone]


def test_orphan_explanations_built_later_equal_the_eager_ones():
    from schoolsystem.engines.matching import Problem, explain_orphans
    from schoolsystem.engines.matching.plan import plan_from_choice, solve_min_cost_flow

    schools = [
        SchoolNeed(id="far", name="Far", phase="Primary", easting=0.0, northing=0.0),
        SchoolNeed(id="near", name="Near", phase="Primary", easting=100_000.0, northing=100_000.0),
        SchoolNeed(id="special", name="Special", phase="Special", easting=100_000.0, northing=100_000.0),
    ]
    partners = [
        PartnerCandidate(
            id="T", name="T", capacity=2, phases=("Primary",), locations=((100_500.0, 100_000.0),)
        )
    ]
    problem = Problem(schools, partners)
    edges = problem.edges()
    chosen = solve_min_cost_flow(problem, edges)
    eager = plan_from_choice(problem, edges, chosen, "min_cost_flow")
    lazy = plan_from_choice(problem, edges, chosen, "min_cost_flow", explain_orphans=False)
    assert {o.school_id for o in lazy.orphans} == {"far", "special"}
    assert all(not o.rule_counts for o in lazy.orphans)
    assert explain_orphans(problem, lazy) == eager
    only_far = explain_orphans(problem, lazy, school_ids={"far"})
    assert {o.school_id: o.rule_counts for o in only_far.orphans} == {
        "far": (("distance", 1),),
        "special": (),
    }


def test_plan_lists_assignments_by_school_id_and_every_unplaced_school_once():
    # Schools given out of id order; t0 takes one, t1 two; s3 is out of everyone's reach.
    schools = [s(2, 0), s(0, 1_000), s(3, 900_000), s(1, 2_000), s(4, 1_500)]
    partners = [p(0, 0, 1, max_distance_km=10), p(1, 3_000, 2, max_distance_km=10)]
    result = plan(schools, partners)
    ids = [a.school_id for a in result.assignments]
    assert ids == sorted(ids) and len(ids) == 3
    assert all(
        a.fit == round(a.fit, 2) and a.distance_km == round(a.distance_km, 2) for a in result.assignments
    )
    reasons = {o.school_id: o.reason for o in result.orphans}
    assert reasons["s3"] == "no_eligible_partner"
    assert len(reasons) == 2 and set(reasons) | set(ids) == {f"s{i}" for i in range(5)}
    assert list(reasons.values()).count("capacity_exhausted") == 1
    assert dict(result.load) == {"t0": 1, "t1": 2}
