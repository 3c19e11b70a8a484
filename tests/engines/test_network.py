from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines.network import (
    FORMAL_GROUP_TYPES,
    NO_DISTRICT,
    GroupNode,
    SchoolNode,
    Tie,
    analyse,
    build_graph,
)

MAT, FED, TSA, LSP = 1, 2, 3, 4
GROUPS = [
    GroupNode(MAT, "mat"),
    GroupNode(FED, "federation"),
    GroupNode(TSA, "teaching_school_alliance"),
    GroupNode(LSP, "local_strategic_partnership", live=False),  # closed partnership
]
SCHOOLS = [
    SchoolNode(100, "Waverley"),  # in the MAT
    SchoolNode(101, "Waverley"),  # in the MAT and the TSA
    SchoolNode(102, "Waverley"),  # TSA only
    SchoolNode(103, "Waverley"),  # left the MAT: isolated
    SchoolNode(200, "Woking"),  # only in the closed partnership: isolated
    SchoolNode(201, "Woking"),  # nothing: isolated
    SchoolNode(202, "Woking", state_funded=False),  # independent, not counted
    SchoolNode(203, "Woking", is_open=False),  # closed, not counted
    SchoolNode(300, "Guildford"),  # federation
    SchoolNode(301, "Guildford"),  # federation
    SchoolNode(400, ""),  # no district, nothing
]
TIES = [
    Tie(100, MAT),
    Tie(101, MAT),
    Tie(101, TSA),
    Tie(102, TSA),
    Tie(103, MAT, current=False),
    Tie(200, LSP),
    Tie(300, FED),
    Tie(301, FED),
    Tie(999, MAT),  # a member outside the area analysed
]


def test_formal_types_match_the_registry_constants():
    from schoolsystem.registry.constants import FORMAL_GROUP_TYPES as REGISTRY_FORMAL

    assert {str(t) for t in REGISTRY_FORMAL} == FORMAL_GROUP_TYPES


def test_isolated_schools_are_open_state_funded_and_without_a_live_tie():
    result = analyse(SCHOOLS, GROUPS, TIES)
    assert result.isolated == (103, 200, 201, 400)


def test_coverage_by_district_counts_eligible_schools_with_a_live_tie():
    result = analyse(SCHOOLS, GROUPS, TIES)
    by_district = {c.district: c for c in result.coverage}
    assert list(by_district) == [NO_DISTRICT, "Guildford", "Waverley", "Woking"]
    waverley = by_district["Waverley"]
    assert (waverley.schools, waverley.covered, waverley.formal, waverley.informal_only) == (4, 3, 2, 1)
    assert waverley.share == 0.75
    woking = by_district["Woking"]
    assert (woking.schools, woking.covered, woking.uncovered) == (2, 0, 2)
    assert by_district["Guildford"].share == 1.0
    assert result.uncovered_districts == (NO_DISTRICT, "Woking")
    assert (result.eligible_schools, result.covered_schools) == (9, 5)
    assert result.coverage_share == 5 / 9


def test_components_join_schools_through_shared_groups_largest_first():
    result = analyse(SCHOOLS, GROUPS, TIES)
    # 100-MAT-101-TSA-102 is one network; the federation another; closed LSP makes no network.
    assert result.components == ((100, 101, 102), (300, 301))


def test_degrees_count_live_ties_only():
    result = analyse(SCHOOLS, GROUPS, TIES)
    assert result.school_degree[101] == 2
    assert result.school_degree[103] == 0
    assert result.school_degree[200] == 0
    assert result.group_degree == {MAT: 2, FED: 2, TSA: 2, LSP: 0}


def test_formal_types_can_be_passed_in():
    # Treat nothing as formal: the MAT schools are then covered only informally.
    result = analyse(SCHOOLS, GROUPS, TIES, formal_types=frozenset())
    waverley = next(c for c in result.coverage if c.district == "Waverley")
    assert (waverley.formal, waverley.informal_only) == (0, 3)


def test_graph_ignores_ties_to_unknown_schools_and_closed_groups():
    graph = build_graph(SCHOOLS, GROUPS, TIES)
    assert not graph.has_node(("school", 999))
    assert graph.degree(("group", LSP)) == 0
    assert graph.number_of_edges() == 6


def test_empty_system():
    result = analyse([], [], [])
    assert result.isolated == () and result.coverage == () and result.coverage_share == 0.0


schools_st = st.lists(
    st.builds(
        SchoolNode,
        urn=st.integers(1, 60),
        district=st.sampled_from(["A", "B", ""]),
        is_open=st.booleans(),
        state_funded=st.booleans(),
    ),
    max_size=40,
    unique_by=lambda s: s.urn,
)
groups_st = st.lists(
    st.builds(
        GroupNode,
        key=st.integers(1, 10),
        group_type=st.sampled_from(sorted(FORMAL_GROUP_TYPES) + ["teaching_school_alliance", "send_network"]),
        live=st.booleans(),
    ),
    max_size=10,
    unique_by=lambda g: g.key,
)
ties_st = st.lists(
    st.builds(Tie, urn=st.integers(1, 60), group_key=st.integers(1, 10), current=st.booleans())
)


@given(schools_st, groups_st, ties_st)
def test_a_school_with_any_current_membership_of_a_live_group_is_never_isolated(schools, groups, ties):
    result = analyse(schools, groups, ties)
    live = {g.key for g in groups if g.live}
    urns = {s.urn for s in schools}
    members = {t.urn for t in ties if t.current and t.group_key in live and t.urn in urns}
    assert not members & set(result.isolated)
    # ... and every eligible school is either isolated or covered, never both.
    assert len(result.isolated) + result.covered_schools == result.eligible_schools
    for coverage in result.coverage:
        assert 0 <= coverage.formal <= coverage.covered <= coverage.schools
