"""The engine's fast paths give exactly what the plain Python they replace would (seed 003 performance work)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolsystem.engines.matching import RULES, PartnerCandidate, Problem, RuleSet, SchoolNeed
from schoolsystem.engines.matching.evaluate import _min_per_pair, round_2dp


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0, 1e5)), min_size=1, max_size=200),
    st.sampled_from([np.int16, np.int32, np.int64]),
)
def test_min_per_pair_is_the_smallest_value_of_each_pair(triples, index_type):
    school = np.array([i for i, _, _ in triples], dtype=index_type)
    partner = np.array([j for _, j, _ in triples], dtype=index_type)
    value = np.array([v for _, _, v in triples], dtype=np.float64)
    want = {}
    for i, j, v in triples:
        want[(i, j)] = min(v, want.get((i, j), math.inf))
    schools, partners, best = _min_per_pair(school, partner, value)
    assert list(zip(schools.tolist(), partners.tolist(), strict=True)) == sorted(want)
    assert best.tolist() == [want[pair] for pair in sorted(want)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False) | st.integers(0, 20_000).map(lambda k: k / 200), max_size=50))
def test_round_2dp_is_round_to_two_places(values):
    # Halves such as 2.675 and 0.125 included: round() rounds the exact binary value, half to even.
    got = round_2dp(np.array(values + [2.675, 1.005, 0.125, math.inf], dtype=np.float64))
    assert got == [round(v, 2) for v in values + [2.675, 1.005, 0.125, math.inf]]


def test_church_schools_only_meet_partners_that_could_pass_the_faith_rule():
    # The spatial query leaves out partners with no denomination and no consent for church schools; the edges
    # must be those the faith rule allows, as before.
    school = SchoolNeed(
        id="c",
        name="C",
        phase="Primary",
        easting=0,
        northing=0,
        religious_character="Roman Catholic",
        diocese="D1",
    )
    plain = SchoolNeed(id="n", name="N", phase="Primary", easting=0, northing=0)

    def partner(j, **kw):
        return PartnerCandidate(
            id=f"t{j}", name=f"T{j}", capacity=1, phases=("Primary",), locations=((1_000.0 * j, 0.0),), **kw
        )

    partners = [
        partner(1),
        partner(2, denomination="Roman Catholic"),
        partner(3, denomination="Church of England"),
        partner(4, denomination="Church of England", diocesan_consent=("D1",)),
        partner(5, diocesan_consent=("d1 ",)),
    ]
    problem = Problem([school, plain], partners)
    edges = problem.edges()
    pairs = {
        (problem.schools[i].id, partners[j].id) for i, j in zip(edges.school, edges.partner, strict=True)
    }
    assert {p for s, p in pairs if s == "c"} == {"t2", "t4", "t5"}
    assert {p for s, p in pairs if s == "n"} == {f"t{j}" for j in range(1, 6)}
    failed = problem.shortlist(0).excluded
    assert {e.partner_id for e in failed} == {"t1", "t3"}


GROUP_PHASES = ["Primary", "Secondary", "All-through", "Special", "Nursery", "16 plus", "Not applicable", ""]
FAITHS = ["", "", "Church of England", "Roman Catholic", "Church of England/Methodist"]


@st.composite
def spatial_instances(draw):
    """Schools and partners on a 60 km square: partners with up to six locations (some missing a coordinate),
    up to ten distinct maximum distances (more than the eight radii the query rounds them to), every phase
    family, church schools and partners with or without a denomination or a diocese's consent."""
    coord = st.integers(0, 60_000)
    partners = []
    for j in range(draw(st.integers(1, 8))):
        n_locs = draw(st.integers(0, 6))
        locs = tuple((draw(coord), draw(coord)) for _ in range(n_locs))
        if n_locs and draw(st.integers(0, 9)) == 0:
            locs += ((None, draw(coord)),)
        partners.append(
            PartnerCandidate(
                id=f"p{j}",
                name=f"P{j}",
                capacity=draw(st.integers(0, 2)),
                phases=tuple(draw(st.lists(st.sampled_from(GROUP_PHASES), max_size=3, unique=True))),
                locations=locs,
                accreditation=draw(st.sampled_from(["", "ASP"])),
                current_schools=draw(st.integers(0, 2)),
                denomination=draw(st.sampled_from(FAITHS)),
                diocesan_consent=tuple(draw(st.lists(st.sampled_from(["D1", "D2"]), max_size=1))),
                open_serious_concern=draw(st.integers(0, 5)) == 0,
                max_distance_km=draw(
                    st.sampled_from([None, 0.0, 3.0, 5.0, 8.0, 10.0, 12.5, 15.0, 20.0, 30.0, 45.0])
                ),
                accepts_estate_risk=draw(st.booleans()),
            )
        )
    ids = [p.id for p in partners]
    schools = [
        SchoolNeed(
            id=f"s{i}",
            name=f"S{i}",
            phase=draw(st.sampled_from(GROUP_PHASES)),
            easting=None if draw(st.integers(0, 9)) == 0 else draw(coord),
            northing=draw(coord),
            religious_character=draw(st.sampled_from(FAITHS)),
            diocese=draw(st.sampled_from(["", "D1", "D2"])),
            estate_flag=draw(st.booleans()),
            current_partner_id=draw(st.sampled_from(["", "", *ids])),
            preferences=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)))
            if draw(st.integers(0, 4)) == 0
            else (),
        )
        for i in range(draw(st.integers(1, 12)))
    ]
    # A school just inside (or on) the reach of some partner's location: the radius a query uses must not cut it.
    located = [p for p in partners if p.locations and p.locations[0][0] is not None]
    if located:
        p = draw(st.sampled_from(located))
        x, y = p.locations[0]
        reach = 1000.0 * (50.0 if p.max_distance_km is None else p.max_distance_km)
        edge = SchoolNeed(
            id="edge",
            name="Edge",
            phase=draw(st.sampled_from(GROUP_PHASES)),
            easting=x + reach * draw(st.sampled_from([1.0, 0.999, 0.99, 0.6])),
            northing=y,
        )
        schools.insert(draw(st.integers(0, len(schools))), edge)
    rules = RuleSet(enabled=tuple(code for code in RULES if code == "distance" or draw(st.integers(0, 5))))
    return schools, partners, rules


@settings(max_examples=300, deadline=None)
@given(spatial_instances())
def test_edges_are_the_pairs_a_check_of_every_pair_finds(instance):
    # The engine enumerates pairs only where they could pass (KD-tree queries by school and location group, the
    # nearest location per pair found query by query) and checks only the rules those queries leave open. Checking
    # every school against every partner, with the nearest location found by plain Python, must give the same
    # eligible pairs, distances and fits.
    schools, partners, rules = instance
    problem = Problem(schools, partners, rules)
    edges = problem.edges()
    n_s, n_p = len(schools), len(partners)
    nearest = np.full((n_s, n_p), np.nan)
    for i, s in enumerate(schools):
        for j, p in enumerate(partners):
            metres = [
                math.sqrt((s.easting - x) ** 2 + (s.northing - y) ** 2)
                for x, y in p.locations
                if s.easting is not None and x is not None
            ]
            if metres:
                nearest[i, j] = min(metres) / 1000.0
    s_all, p_all = np.repeat(np.arange(n_s), n_p), np.tile(np.arange(n_p), n_s)
    failed = problem.failures(s_all, p_all, nearest.ravel())
    ok = np.ones(n_s * n_p, dtype=bool)
    for mask in failed.values():
        ok &= ~mask
    ok &= problem.p_capacity[p_all] > 0  # a partner with no room left is never a candidate
    assert list(zip(edges.school.tolist(), edges.partner.tolist(), strict=True)) == list(
        zip(s_all[ok].tolist(), p_all[ok].tolist(), strict=True)
    )
    assert edges.distance_km.tolist() == nearest.ravel()[ok].tolist()
    assert (
        edges.fit.tolist()
        == problem.fit(problem.components(s_all[ok], p_all[ok], nearest.ravel()[ok]), s_all[ok]).tolist()
    )
