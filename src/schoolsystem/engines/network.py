"""Network analysis of a local school system: schools and groups as a bipartite graph.

Pure Python (networkx), no Django. A selector turns database rows into the plain tuples below; this module answers:

- which schools are *isolated*: open, state-funded, with no current membership of a formal group (trust, federation,
  ...) and no current membership of a live informal partnership (Foundation issue, "Registry": network analysis;
  DOMAIN.md "Organisations and ties");
- how well each LA district is *covered*: the share of its open state-funded schools with at least one live tie;
- the connected components (schools joined through shared groups) and the degree of every node.

A tie counts ("is live") when the membership is current (`left_on` empty) and the group is live (not closed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import networkx as nx

# The formal group types, as the registry stores them (registry.constants.FORMAL_GROUP_TYPES values). Copied so this
# module stays free of Django; tests/engines/test_network.py checks the two sets agree.
FORMAL_GROUP_TYPES: frozenset[str] = frozenset(
    {"mat", "sat", "federation", "trust", "umbrella_trust", "sponsor", "statutory_collaboration"}
)

NO_DISTRICT = "District not recorded"


@dataclass(frozen=True)
class SchoolNode:
    urn: int
    district: str = ""
    is_open: bool = True
    state_funded: bool = True

    @property
    def eligible(self) -> bool:
        """Counts for isolation and coverage: open and state-funded."""
        return self.is_open and self.state_funded


@dataclass(frozen=True)
class GroupNode:
    key: int
    group_type: str
    live: bool = True

    def is_formal(self, formal_types: Collection[str]) -> bool:
        return self.group_type in formal_types


@dataclass(frozen=True)
class Tie:
    """One membership: school `urn` in group `group_key`. `current` is False once the school has left."""

    urn: int
    group_key: int
    current: bool = True


@dataclass(frozen=True)
class DistrictCoverage:
    district: str
    schools: int  # open state-funded schools in the district
    covered: int  # ... with at least one live tie (formal or informal)
    formal: int  # ... with a live formal membership
    informal_only: int  # ... covered only by informal partnerships

    @property
    def uncovered(self) -> int:
        return self.schools - self.covered

    @property
    def share(self) -> float:
        """Covered share, 0..1 (0 for a district with no eligible schools)."""
        return self.covered / self.schools if self.schools else 0.0


@dataclass(frozen=True)
class NetworkAnalysis:
    isolated: tuple[int, ...]  # URNs, ascending
    coverage: tuple[DistrictCoverage, ...]  # by district name
    components: tuple[tuple[int, ...], ...]  # URNs of each network (>= 1 live group), largest first
    school_degree: dict[int, int] = field(default_factory=dict)  # URN -> number of live ties
    group_degree: dict[int, int] = field(
        default_factory=dict
    )  # group key -> number of current member schools

    @property
    def uncovered_districts(self) -> tuple[str, ...]:
        """Districts with eligible schools none of which has a live tie."""
        return tuple(c.district for c in self.coverage if c.schools and not c.covered)

    @property
    def eligible_schools(self) -> int:
        return sum(c.schools for c in self.coverage)

    @property
    def covered_schools(self) -> int:
        return sum(c.covered for c in self.coverage)

    @property
    def coverage_share(self) -> float:
        return self.covered_schools / self.eligible_schools if self.eligible_schools else 0.0


def build_graph(schools: Iterable[SchoolNode], groups: Iterable[GroupNode], ties: Iterable[Tie]) -> nx.Graph:
    """Bipartite graph: nodes ("school", urn) and ("group", key); an edge per live tie. Ties naming a school or a
    group that is not in the input are ignored (a national trust has members outside the area analysed)."""
    graph = nx.Graph()
    for school in schools:
        graph.add_node(("school", school.urn), kind="school", node=school)
    live_groups = {}
    for group in groups:
        graph.add_node(("group", group.key), kind="group", node=group)
        if group.live:
            live_groups[group.key] = group
    for tie in ties:
        if tie.current and tie.group_key in live_groups and graph.has_node(("school", tie.urn)):
            graph.add_edge(("school", tie.urn), ("group", tie.group_key))
    return graph


def analyse(
    schools: Iterable[SchoolNode],
    groups: Iterable[GroupNode],
    ties: Iterable[Tie],
    *,
    formal_types: Collection[str] = FORMAL_GROUP_TYPES,
) -> NetworkAnalysis:
    """Isolation, district coverage, components and degrees of one system. See the module docstring for the rules."""
    schools = list(schools)
    graph = build_graph(schools, groups, ties)

    formal_urns: set[int] = set()
    tied_urns: set[int] = set()
    school_degree: dict[int, int] = {}
    group_degree: dict[int, int] = {}
    for node in graph.nodes:
        kind, key = node
        degree = graph.degree(node)
        if kind == "school":
            school_degree[key] = degree
            if degree:
                tied_urns.add(key)
            if any(graph.nodes[g]["node"].is_formal(formal_types) for g in graph.neighbors(node)):
                formal_urns.add(key)
        else:
            group_degree[key] = degree

    isolated = tuple(sorted(s.urn for s in schools if s.eligible and s.urn not in tied_urns))

    tallies: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for school in schools:
        if not school.eligible:
            continue
        tally = tallies[school.district or NO_DISTRICT]
        tally[0] += 1
        if school.urn in tied_urns:
            tally[1] += 1
        if school.urn in formal_urns:
            tally[2] += 1
    coverage = tuple(
        DistrictCoverage(district=d, schools=n, covered=c, formal=f, informal_only=c - f)
        for d, (n, c, f) in sorted(tallies.items())
    )

    networks = []
    for component in nx.connected_components(graph):
        urns = sorted(key for kind, key in component if kind == "school")
        if urns and len(component) > len(urns):  # schools joined by at least one group
            networks.append(tuple(urns))
    networks.sort(key=lambda urns: (-len(urns), urns[0]))

    return NetworkAnalysis(
        isolated=isolated,
        coverage=coverage,
        components=tuple(networks),
        school_degree=school_degree,
        group_degree=group_degree,
    )
