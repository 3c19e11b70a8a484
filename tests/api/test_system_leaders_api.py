"""The system leaders API uses the system leaders page's search (registry.selectors.system_leader_search): the
same filters give the same leaders; the API keeps its own area default and its `current` default (both)."""

from datetime import date

import pytest
import yaml

from schoolsystem.registry.models import SystemLeader
from schoolsystem.registry.selectors import LEADERS_ANY, Area, LeaderFilters, area_for, system_leader_search

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def leaders(world):
    world.nlg = SystemLeader.objects.create(name="Cal Governor", designation="NLG", establishment=None)
    world.ended = SystemLeader.objects.create(
        name="Dee Former",
        designation="LLE",
        establishment=world.a1,
        phase="Primary",
        designation_ends_on=date(2020, 8, 31),
    )
    return world


@pytest.mark.parametrize(
    "query, expected",
    [
        ("la=936", ["Dee Former", "Ann Example", "Cal Governor"]),
        ("la=202", ["Cal Governor", "Ben Example"]),
        ("la=all", ["Dee Former", "Ann Example", "Cal Governor", "Ben Example"]),
        ("la=all&current=true", ["Ann Example", "Cal Governor", "Ben Example"]),
        ("la=all&current=false", ["Dee Former"]),
        ("la=all&designation=SLE", ["Ben Example"]),
        ("la=all&q=maths", ["Ben Example"]),
        ("la=all&phase=primary", ["Dee Former"]),
        ("urn=125001", ["Dee Former", "Ann Example"]),
        ("urn=125001&current=true", ["Ann Example"]),
    ],
)
def test_documented_filters(leaders, api, make_user, query, expected):
    assert names(api(make_user("public")).get(f"/api/v1/system-leaders/?{query}")) == expected


def test_an_la_gives_what_the_page_search_gives(leaders, api, make_user):
    """The API and the system leaders page agree: leaders with no school are in every LA (the API's own filter
    left them out of `la=CODE`)."""
    user = make_user("public")
    page = system_leader_search(area_for(user, "936"), LeaderFilters(status=LEADERS_ANY))
    assert names(api(user).get("/api/v1/system-leaders/?la=936")) == [leader.name for leader in page]
    assert "Cal Governor" in [leader.name for leader in page]


def test_the_default_area_is_the_users_own(leaders, api, make_user):
    officer = make_user("la_officer", scope_la=leaders.la_b)
    assert names(api(officer).get("/api/v1/system-leaders/")) == ["Cal Governor", "Ben Example"]
    # A school leader's default is their school's LA (as the API's other lists), not only their school.
    head = make_user("school_leader", scope_establishment=leaders.a4)
    assert names(api(head).get("/api/v1/system-leaders/")) == ["Dee Former", "Ann Example", "Cal Governor"]
    everyone = system_leader_search(Area("england", "England"), LeaderFilters(status=LEADERS_ANY))
    assert names(api(make_user("public")).get("/api/v1/system-leaders/")) == [x.name for x in everyone]


def test_an_unknown_la_code_is_a_404_naming_it(leaders, api, make_user):
    response = api(make_user("public")).get("/api/v1/system-leaders/?la=999")
    assert response.status_code == 404
    assert "999" in response.content.decode()


def test_openapi_describes_the_change(api, make_user, world):
    schema = yaml.safe_load(api(make_user("public")).get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/system-leaders/"]["get"]
    assert "Leaders with no school are listed in every area" in operation["description"]
    la = next(p for p in operation["parameters"] if p["name"] == "la")
    assert "An unknown LA code is a 404" in la["description"]
