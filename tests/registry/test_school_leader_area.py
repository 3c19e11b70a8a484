"""A school leader's registry lists (school search, its CSV, isolated schools) default to their school's LA, as the
API does (ADR 0040): registry data is public (ADR 0003), and a search of one school finds nothing else. Casework
stays scoped to their school."""

import re

import pytest
from django.urls import reverse

from schoolsystem.accounts.constants import Role
from tests.registry.test_role_homes import casework, officer, system  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_school_search_defaults_to_the_schools_la(client, make_user, system):  # noqa: F811
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    response = client.get(reverse("registry:school-search"))
    assert response.status_code == 200
    assert (response.context["area"].kind, response.context["area"].label) == ("la", "Surrey")
    urns = {s.urn for s in response.context["page"].object_list}
    assert {125005, 140001, 140002, 125003} <= urns  # their own school and the others of Surrey
    assert 117001 not in urns  # Hertfordshire's school: only on request
    assert "Your area: Surrey" in response.content.decode()
    # A name search finds another school of the LA.
    found = client.get(reverse("registry:school-search"), {"q": "Birch"}).context["page"].object_list
    assert [s.urn for s in found] == [125003]
    csv = client.get(reverse("registry:school-search"), {"format": "csv"})
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Birch Primary School" in body and "Hertford Primary School" not in body


def test_another_la_and_england_are_still_on_request(client, make_user, system):  # noqa: F811
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    herts = client.get(reverse("registry:school-search"), {"la": "919"}).context["page"].object_list
    assert [s.urn for s in herts] == [117001]


def test_casework_stays_scoped_to_their_school(client, make_user, system, casework):  # noqa: F811
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    cases = re.sub(r"\s+", " ", client.get(reverse("improvement:case-list")).content.decode())
    assert "Lone Pine School" in cases and "Elm Academy" not in cases
    elm_case = casework["cases"][140002]
    assert client.get(reverse("improvement:case-detail", args=[elm_case.pk])).status_code == 404


def test_the_area_list_names_a_trust_as_a_trust_and_the_own_la_once(client, make_user, system):  # noqa: F811
    """Found in review: a trust leader's "Local authority" list offered "Your area: <the trust>", and an officer's
    listed their own LA twice ("Your area: Surrey" and "Surrey (936)")."""
    client.force_login(make_user(Role.TRUST_LEADER, scope_group=system["mat"]))
    page = client.get(reverse("registry:school-search")).content.decode()
    assert f">Your trust: {system['mat'].name}</option>" in page and ">Area</label>" in page
    client.force_login(make_user(Role.LA_OFFICER, scope_la=system["surrey"]))
    for url in (reverse("registry:school-search"), reverse("registry:isolated")):
        page = client.get(url).content.decode()
        assert ">Your area: Surrey</option>" in page and ">Surrey (936)</option>" not in page
        assert ">Hertfordshire (919)</option>" in page
