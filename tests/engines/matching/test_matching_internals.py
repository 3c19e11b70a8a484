"""The engine's fast paths give exactly what the plain Python they replace would (seed 003 performance work)."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolsystem.engines.matching import PartnerCandidate, Problem, SchoolNeed
from schoolsystem.engines.matching.evaluate import _min_per_key


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.floats(0, 1e5)), min_size=1, max_size=200))
def test_min_per_key_is_the_smallest_value_of_each_key(pairs):
    key = np.array([k for k, _ in pairs], dtype=np.int64)
    value = np.array([v for _, v in pairs], dtype=np.float64)
    want = {}
    for k, v in pairs:
        want[k] = min(v, want.get(k, math.inf))
    for bound in (31, 1 << 62):  # packed sort, and the argsort fallback when keys are too wide to pack
        keys, best = _min_per_key(key.copy(), value, bound)
        assert keys.tolist() == sorted(want)
        assert best.tolist() == [want[k] for k in sorted(want)]


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
