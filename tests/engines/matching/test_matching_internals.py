"""The engine's fast paths give exactly what the plain Python they replace would (seed 003 performance work)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolsystem.engines.matching import PartnerCandidate, Problem, SchoolNeed
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
