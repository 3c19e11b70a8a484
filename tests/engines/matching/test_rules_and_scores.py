import math

import pytest

from schoolsystem.engines.matching import PartnerCandidate, Problem, RuleSet, SchoolNeed, Weights


def school(**kw):
    base = {
        "id": "s",
        "name": "St Mary's",
        "phase": "Primary",
        "easting": 100_000,
        "northing": 100_000,
        "pupils": 210,
    }
    return SchoolNeed(**{**base, **kw})


def partner(pid="t", **kw):
    base = {
        "id": pid,
        "name": f"Trust {pid}",
        "capacity": 2,
        "phases": ("Primary",),
        "locations": ((100_000, 103_000),),
    }
    return PartnerCandidate(**{**base, **kw})


def reasons(shortlist, pid):
    return [r.code for e in shortlist.excluded if e.partner_id == pid for r in e.reasons]


def test_church_school_needs_same_denomination_or_diocesan_consent():
    s = school(religious_character="Church of England", diocese="Guildford")
    partners = [
        partner("same", denomination="Church of England"),
        partner("consent", diocesan_consent=("Guildford",)),
        partner("other_diocese", diocesan_consent=("Oxford",)),
        partner("rc", denomination="Roman Catholic"),
    ]
    sl = Problem([s], partners).shortlist(0)
    assert {c.partner_id for c in sl.ranked} == {"same", "consent"}
    assert reasons(sl, "other_diocese") == ["faith"]
    assert reasons(sl, "rc") == ["faith"]


def test_joint_denomination_school_matches_either_church():
    s = school(religious_character="Church of England/Methodist")
    sl = Problem([s], [partner("m", denomination="Methodist")]).shortlist(0)
    assert [c.partner_id for c in sl.ranked] == ["m"]


def test_school_without_faith_may_join_a_church_trust():
    sl = Problem(
        [school(religious_character="Does not apply")], [partner(denomination="Roman Catholic")]
    ).shortlist(0)
    assert len(sl.ranked) == 1


def test_every_failed_rule_is_listed_for_an_excluded_partner():
    s = school(religious_character="Roman Catholic", estate_flag=True, current_partner_id="bad")
    bad = partner(
        "bad",
        capacity=0,
        phases=("Secondary",),
        open_serious_concern=True,
        locations=((200_000, 200_000),),
        accepts_estate_risk=False,
    )
    sl = Problem([s], [bad]).shortlist(0)
    assert sl.ranked == ()
    assert reasons(sl, "bad") == ["concern", "current", "faith", "phase", "capacity", "distance", "estate"]


def test_asp_may_lead_at_most_two_schools_in_total():
    full = partner("full", accreditation="ASP", current_schools=2, capacity=3)
    room = partner("room", accreditation="ASP", current_schools=1, capacity=3)
    asg = partner("asg", accreditation="ASG", current_schools=5, capacity=3)
    problem = Problem([school()], [full, room, asg])
    sl = problem.shortlist(0)
    assert reasons(sl, "full") == ["asp_limit"]
    assert list(problem.p_capacity) == [0, 1, 3]


def test_all_through_school_needs_all_through_or_both_phases():
    s = school(phase="All-through")
    partners = [
        partner("both", phases=("Primary", "Secondary")),
        partner("at", phases=("All-through",)),
        partner("prim", phases=("Primary",)),
    ]
    sl = Problem([s], partners).shortlist(0)
    assert {c.partner_id for c in sl.ranked} == {"both", "at"}


def test_distance_beyond_partner_maximum_excludes_and_unknown_location_excludes():
    partners = [
        partner("near", max_distance_km=5.0),
        partner("far", max_distance_km=2.0),
        partner("nowhere", locations=()),
    ]
    sl = Problem([school()], partners).shortlist(0)
    assert [c.partner_id for c in sl.ranked] == ["near"]
    assert reasons(sl, "far") == ["distance"]
    assert reasons(sl, "nowhere") == ["distance"]


def test_distance_is_to_the_partners_nearest_school():
    p = partner(locations=((100_000, 110_000), (103_000, 104_000)))
    sl = Problem([school()], [p]).shortlist(0)
    assert sl.ranked[0].distance_km == 5.0


def test_fit_components_exact_numbers():
    s = school(pupils=400, needs=("finance", "send"))
    p = partner(
        track_record=0.8, typical_pupils=200, capacity=5, expertise=("finance",), max_distance_km=10.0
    )
    cand = Problem([s], [p]).shortlist(0).ranked[0]
    values = {c.name: c.value for c in cand.components}
    assert values["distance"] == pytest.approx(0.7)  # 3 km of 10
    assert values["track_record"] == 0.8
    assert values["phase"] == 1.0  # primary-only trust
    assert values["size"] == pytest.approx(0.5)  # twice the typical size, zero at 4x
    assert values["needs"] == 0.5  # one of two needs
    assert values["headroom"] == 1.0
    assert values["preference"] == 0.0
    # The school lists no preferences: the preference weight (0.1) is left out, so the fit is out of 100 (0.9).
    expected = 100 * (0.3 * 0.7 + 0.25 * 0.8 + 0.1 * 1 + 0.1 * 0.5 + 0.1 * 0.5 + 0.05 * 1) / 0.9
    assert cand.fit == pytest.approx(expected, abs=0.01)
    assert {c.name: c.weight for c in cand.components}["preference"] == 0.0
    assert sum(c.points for c in cand.components) == pytest.approx(cand.fit, abs=0.05)


def test_a_school_with_preferences_is_scored_on_them_out_of_every_weight():
    s = school(pupils=400, needs=("finance", "send"), preferences=("t",))
    p = partner(
        track_record=0.8, typical_pupils=200, capacity=5, expertise=("finance",), max_distance_km=10.0
    )
    cand = Problem([s], [p]).shortlist(0).ranked[0]
    expected = 100 * (0.3 * 0.7 + 0.25 * 0.8 + 0.1 * 1 + 0.1 * 0.5 + 0.1 * 0.5 + 0.05 * 1 + 0.1 * 1) / 1.0
    assert cand.fit == pytest.approx(expected, abs=0.01)
    assert {c.name: c.weight for c in cand.components}["preference"] == 0.1


@pytest.mark.parametrize("preferences", [(), ("t",)])
def test_the_best_partner_scores_100_whether_or_not_the_school_lists_preferences(preferences):
    """Found in review: with no preferences listed, a fit 'out of 100' could reach only 90."""
    here = (100_000, 100_000)
    s = school(pupils=400, needs=("finance", "send"), preferences=preferences)
    p = partner(
        locations=(here,), capacity=5, track_record=1.0, typical_pupils=400, expertise=("finance", "send")
    )
    assert Problem([s], [p]).shortlist(0).ranked[0].fit == pytest.approx(100.0, abs=0.01)
    assert Problem([s], [p]).edges().fit.tolist() == pytest.approx([100.0], abs=0.01)


def test_unknown_track_record_is_neutral():
    cand = Problem([school()], [partner(track_record=None)]).shortlist(0).ranked[0]
    assert {c.name: c.value for c in cand.components}["track_record"] == 0.5


def test_weights_and_rules_load_from_data():
    w = Weights.from_dict(
        {
            "distance": 1.0,
            "track_record": 0,
            "phase": 0,
            "size": 0,
            "needs": 0,
            "headroom": 0,
            "preference": 0,
        }
    )
    cand = Problem([school()], [partner(max_distance_km=10.0)], weights=w).shortlist(0).ranked[0]
    assert cand.fit == pytest.approx(70.0)
    rules = RuleSet.from_dict({"enabled": ["capacity"]})
    sl = Problem(
        [school()], [partner(phases=("Secondary",), open_serious_concern=True)], rules=rules
    ).shortlist(0)
    assert len(sl.ranked) == 1


@pytest.mark.parametrize(
    "data", [{"distanc": 1}, {"enabled": ["nope"]}, {"distance": -1}, dict.fromkeys(Weights.COMPONENTS, 0)]
)
def test_bad_weights_or_rules_are_refused(data):
    with pytest.raises(ValueError):
        if "enabled" in data:
            RuleSet.from_dict(data)
        else:
            Weights.from_dict(data)


def test_ranking_prefers_nearer_partner_when_all_else_equal():
    near = partner("near", locations=((100_000, 101_000),))
    far = partner("far", locations=((100_000, 120_000),))
    sl = Problem([school()], [far, near]).shortlist(0)
    assert [c.partner_id for c in sl.ranked] == ["near", "far"]
    assert sl.ranked[0].rank == 1


def test_edges_match_shortlists():
    schools = [school(id=f"s{i}", easting=100_000 + 4000 * i) for i in range(4)]
    partners = [
        partner(f"t{j}", locations=((100_000 + 9000 * j, 100_000),), max_distance_km=8.0) for j in range(3)
    ]
    problem = Problem(schools, partners)
    edges = problem.edges()
    from_edges = {
        (problem.schools[s].id, problem.partners[p].id): f
        for s, p, f in zip(edges.school, edges.partner, edges.fit, strict=True)
    }
    from_lists = {
        (sch.id, c.partner_id): c.fit for i, sch in enumerate(schools) for c in problem.shortlist(i).ranked
    }
    assert set(from_edges) == set(from_lists)
    assert all(math.isclose(from_edges[k], from_lists[k], abs_tol=0.01) for k in from_lists)


def test_other_records_of_the_current_trust_are_excluded_like_the_trust_itself():
    """GIAS holds a trust's sponsor record beside the trust: moving a school to it would move it nowhere."""
    s = school(current_partner_id="trust", also_current_ids=("trust-sponsor",))
    partners = [partner("trust"), partner("trust-sponsor", kind="sponsor"), partner("other")]
    problem = Problem([s], partners)
    edges = problem.edges()
    assert [problem.partners[j].id for j in edges.partner.tolist()] == ["other"]
    excluded = {e.partner_id: [r.code for r in e.reasons] for e in problem.shortlist(0).excluded}
    assert excluded == {"trust": ["current"], "trust-sponsor": ["current"]}
    # An id that names no candidate is ignored; without the list the sponsor record is a candidate again.
    assert (
        len(
            Problem([school(current_partner_id="trust", also_current_ids=("gone",))], partners).edges().school
        )
        == 2
    )
    assert len(Problem([school(current_partner_id="trust")], partners).edges().school) == 2


def test_only_a_preference_weight_scores_a_school_without_preferences_zero_not_nan():
    w = Weights.from_dict(dict.fromkeys(Weights.COMPONENTS, 0) | {"preference": 1.0})
    mixed = [school(id="a"), school(id="b", preferences=("t",))]
    problem = Problem(mixed, [partner(capacity=5)], weights=w)
    edges = problem.edges()
    assert dict(zip(edges.school.tolist(), edges.fit.tolist(), strict=True)) == {0: 0.0, 1: 100.0}
    assert Problem([school()], [partner()], weights=w).edges().fit.tolist() == [0.0]
