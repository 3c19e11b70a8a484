"""GIAS keeps an academy sponsor and its trust as two groups of one name: one match (selectors.same_named_groups)
for the school's own sponsor record, the trust a sponsor's school joins, and the labels that say which is which."""

import pytest

from schoolsystem.brokerage import selectors
from tests.brokerage.conftest import make_school, make_trust

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(area):
    """The trust as the groups file spells it, the sponsor record as the establishment file does."""
    school = make_school(area["la"], "Tenacity Primary", 505_000, 150_300)
    trust = make_trust("Tenacity Academy Trust", [school])
    sponsor = make_trust("TENACITY  ACADEMY TRUST", [], group_type="sponsor")
    make_trust("Tenacity Academy Trust", [], group_type="sponsor", status="closed")
    return trust, sponsor


def test_the_same_name_is_matched_case_and_spacing_aside(pair):
    trust, sponsor = pair
    assert selectors.trust_for_sponsor(sponsor) == trust
    assert selectors.same_named_sponsors({f"group:{trust.pk}"}) == {
        f"group:{trust.pk}": {f"group:{sponsor.pk}"}
    }


def test_labels_of_recorded_preferences_match_the_shortlist(pair, django_assert_num_queries):
    trust, sponsor = pair
    with django_assert_num_queries(2):
        labels = selectors.preference_labels({f"group:{trust.pk}"})
    # The sponsor record is folded into its trust on the shortlist: the trust is one partner, named plainly.
    assert labels == {f"group:{trust.pk}": "Tenacity Academy Trust"}
    # A preference recorded for the sponsor record itself (before the records were folded) says which is which.
    labels = selectors.preference_labels({f"group:{sponsor.pk}"})
    assert labels[f"group:{sponsor.pk}"] == "TENACITY  ACADEMY TRUST (sponsor)"
    assert labels[f"group:{trust.pk}"] == "Tenacity Academy Trust (trust)"


def test_a_sponsor_with_no_open_trust_of_its_name_has_none(area):
    sponsor = make_trust("Lonely Learning Trust", [], group_type="sponsor")
    make_trust("Lonely Learning Trust", [], status="closed")
    assert selectors.trust_for_sponsor(sponsor) is None
    assert selectors.same_named_groups(["", "  "], ["mat"]) == {}


def test_a_trust_named_name_comma_the_matches_its_sponsor_the_name(area):
    """Found in review: group_key matched "Kemnal Academies Trust, The" with "THE KEMNAL ACADEMIES TRUST", but the
    database pre-filter only looked for names starting "the"."""
    school = make_school(area["la"], "Kemnal Primary", 505_100, 150_400)
    trust = make_trust("Kemnal Academies Trust, The", [school])
    sponsor = make_trust("THE KEMNAL ACADEMIES TRUST", [], group_type="sponsor")
    assert selectors.trust_for_sponsor(sponsor) == trust
    found = selectors.same_named_groups([sponsor.name], ["mat", "sponsor"])
    assert {g.pk for g in found["the kemnal academies trust"]} == {trust.pk, sponsor.pk}
