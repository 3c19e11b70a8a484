"""The school search box: a number that cannot be a URN (20 digits: beyond a 64-bit integer; 7 digits; 0) finds
nothing and is not an error, on the page and in the API, on both databases; a real URN still finds its school;
postcodes by district, area or in full."""

import pytest
from django.urls import reverse

from tests.api.world import build_world, school

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["99999999999999999999", "1000000", "0"])
def test_a_number_that_cannot_be_a_urn_finds_nothing_and_is_not_an_error(client, make_user, text):
    world = build_world()
    client.force_login(make_user("la_officer", scope_la=world.la_a))
    page = client.get(reverse("registry:school-search"), {"q": text})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    api = client.get("/api/v1/establishments/", {"q": text})
    assert api.status_code == 200 and api.json()["count"] == 0


def test_a_urn_still_finds_its_school(client, make_user):
    world = build_world()
    client.force_login(make_user("la_officer", scope_la=world.la_a))
    school = world.a1
    page = client.get(reverse("registry:school-search"), {"q": str(school.urn)})
    assert [e.urn for e in page.context["page"].object_list] == [school.urn]


@pytest.mark.parametrize(
    "text, found",
    [
        ("KT1", {"KT1 1AA"}),  # a whole outward code is one district: not KT10 or KT19 too
        ("kt10", {"KT10 9ZZ"}),
        ("KT", {"KT1 1AA", "KT10 9ZZ", "KT19 2BB"}),  # a postcode area: every district in it
        ("KT1 1", {"KT1 1AA"}),
        ("kt11aa", {"KT1 1AA"}),
        ("KT19 2BB", {"KT19 2BB"}),
        ("W1", {"W1A 1AA", "W1B 2CD"}),  # a London district's lettered sub-districts, not W10
        ("w1a", {"W1A 1AA"}),
    ],
)
def test_postcode_search_by_district_area_or_whole_postcode(client, make_user, text, found):
    """Found in review: "KT1" listed the 111 Surrey schools in KT10 to KT19 and none in KT1."""
    world = build_world()
    postcodes = ("KT1 1AA", "KT10 9ZZ", "KT19 2BB", "W1A 1AA", "W1B 2CD", "W10 5AB")
    for urn, postcode in enumerate(postcodes, start=125101):
        school(world.la_a, urn, f"School {urn}", postcode=postcode)
    client.force_login(make_user("la_officer", scope_la=world.la_a))
    page = client.get(reverse("registry:school-search"), {"q": text})
    assert {e.postcode for e in page.context["page"].object_list} == found
