"""The search box given a number that cannot be a URN (20 digits: beyond a 64-bit integer; 7 digits; 0) finds
nothing and is not an error, on the page and in the API, on both databases; a real URN still finds its school."""

import pytest
from django.urls import reverse

from tests.api.world import build_world

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
