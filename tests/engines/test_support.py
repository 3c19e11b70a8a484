"""engines.support: ranking offers by need, phase, distance and spare capacity, with reasons."""

from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.engines.support import OfferFacts, SupportNeed, assess, distance_m, rank_offers

NEED = SupportNeed(
    needs=frozenset({"leadership", "send"}), phase="Primary", easting=400000, northing=300000, days_needed=5
)


def offer(i, **kw):
    base = {
        "offer_id": i,
        "title": f"Offer {i}",
        "needs": frozenset({"leadership"}),
        "phases": frozenset({"Primary"}),
        "easting": 400000,
        "northing": 300000,
        "days_per_term": 20,
    }
    base.update(kw)
    return OfferFacts(**base)


def test_distance_is_euclidean_metres():
    assert distance_m(0, 0, 3000, 4000) == 5000
    assert distance_m(None, 0, 1, 1) is None


def test_exact_score_of_a_nearby_unrated_offer():
    r = assess(NEED, offer(1, easting=404000, northing=303000))  # 5 km away
    # need 1/2 *0.40 + phase 1*0.15 + near (1-5/40)*0.20 + capacity min(1, 20/10)*0.15 + rating 0.5*0.10
    assert r.eligible and r.score == round(0.2 + 0.15 + 0.175 + 0.15 + 0.05, 4)
    assert r.distance_m == 5000
    assert "Addresses 1 of 2 needs (leadership)." in r.reasons and "5.0 km from the school." in r.reasons


def test_exclusions_are_explained():
    cases = {
        "does not address": offer(1, needs=frozenset({"finance"})),
        "does not serve primary": offer(2, phases=frozenset({"Secondary"})),
        "outside the 10 km": offer(3, easting=420000, radius_m=10_000),
        "only 2 spare days": offer(4, days_per_term=10, days_committed=8),
        "as many schools as it can": offer(5, schools_at_once=1, schools_active=1),
    }
    for words, o in cases.items():
        r = assess(NEED, o)
        assert not r.eligible and r.score == 0
        assert any(words in reason for reason in r.reasons), (words, r.reasons)


def test_ranking_prefers_better_fit_then_nearer():
    near_full_fit = offer(1, needs=frozenset({"leadership", "send"}), easting=401000)
    far_full_fit = offer(2, needs=frozenset({"leadership", "send"}), easting=430000)
    partial = offer(3, easting=400000)
    excluded = offer(4, needs=frozenset({"finance"}))
    ranked = rank_offers(NEED, [partial, far_full_fit, excluded, near_full_fit])
    assert [r.offer_id for r in ranked] == [1, 2, 3]
    assert [r.offer_id for r in rank_offers(NEED, [excluded, partial], include_excluded=True)] == [3, 4]


def test_rating_raises_the_score():
    plain = assess(NEED, offer(1))
    rated = assess(NEED, offer(1, rating_mean=5.0, rating_count=3))
    assert rated.score > plain.score and "Rated 5.0/5 by 3 schools." in rated.reasons


offers_st = st.builds(
    OfferFacts,
    offer_id=st.integers(1, 10_000),
    title=st.just("o"),
    needs=st.frozensets(st.sampled_from(["leadership", "send", "subject", "finance"]), max_size=3),
    phases=st.frozensets(st.sampled_from(["Primary", "Secondary"]), max_size=2),
    easting=st.one_of(st.none(), st.integers(350000, 450000)),
    northing=st.one_of(st.none(), st.integers(250000, 350000)),
    radius_m=st.one_of(st.none(), st.integers(1000, 80000)),
    days_per_term=st.integers(0, 40),
    days_committed=st.integers(0, 40),
    schools_at_once=st.integers(1, 4),
    schools_active=st.integers(0, 4),
    rating_mean=st.one_of(st.none(), st.floats(1, 5)),
    rating_count=st.integers(0, 5),
)


@given(st.lists(offers_st, max_size=15), st.integers(1, 20))
def test_ranked_offers_always_have_capacity_and_are_sorted(offers, days):
    need = SupportNeed(
        needs=frozenset({"leadership", "send"}),
        phase="Primary",
        easting=400000,
        northing=300000,
        days_needed=days,
    )
    ranked = rank_offers(need, offers)
    for r in ranked:
        assert r.eligible and 0 <= r.score <= 1 and r.spare_days >= days
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)


def test_an_all_through_offer_serves_any_phase_in_either_gias_spelling():
    for spelling in ("All-through", "All through"):  # GIAS wrote "All through" before 2019
        assert assess(NEED, offer(1, phases=frozenset({spelling}))).eligible, spelling
