"""Read endpoints: signed-in users read the register; lists filter, paginate and default to the user's area."""

from datetime import date

import pytest

from schoolsystem.registry.models import EstablishmentLink, Membership
from tests.api.world import school

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/api/v1/local-authorities/",
    "/api/v1/establishments/",
    "/api/v1/establishments/125001/",
    "/api/v1/groups/",
    "/api/v1/memberships/",
    "/api/v1/links/?urn=125001",
    "/api/v1/system-leaders/",
    "/api/v1/me/",
]


@pytest.mark.parametrize("url", READ_URLS)
def test_anonymous_requests_are_refused(world, api, url):
    response = api().get(url)
    assert response.status_code in (401, 403)
    assert "results" not in response.json()


@pytest.mark.parametrize("url", READ_URLS)
def test_any_signed_in_user_can_read(world, api, make_user, url):
    response = api(make_user("public")).get(url)
    assert response.status_code == 200, response.content


def urns(response):
    return [row["urn"] for row in response.json()["results"]]


def test_establishment_list_defaults_to_the_la_officers_own_la(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_b)
    assert urns(api(officer).get("/api/v1/establishments/")) == [100001, 100002]
    assert len(urns(api(officer).get("/api/v1/establishments/?la=all"))) == 6
    assert urns(api(officer).get("/api/v1/establishments/?la=936&status=closed")) == [125003]


def test_establishment_list_for_the_public_covers_england(world, api, make_user):
    assert api(make_user("public")).get("/api/v1/establishments/").json()["count"] == 6


@pytest.mark.parametrize(
    "query, expected",
    [
        ("la=936&type=Academy converter", [125002]),
        ("la=936&phase=secondary", [125002]),
        ("la=all&state_funded=false", [125004]),
        ("la=all&ofsted_rating=Outstanding", [125002]),
        ("la=all&q=camden", [100001]),
        ("la=all&q=100002", [100002]),
        ("la=all&q=TW15", [125001]),
        ("la=all&q=tw15 1aa", [125001]),
        ("la=202&type_group=Academies", []),
    ],
)
def test_establishment_filters(world, api, make_user, query, expected):
    response = api(make_user("public")).get(f"/api/v1/establishments/?{query}")
    assert urns(response) == expected


def test_bad_filter_value_is_a_400_naming_the_parameter(world, api, make_user):
    response = api(make_user("public")).get("/api/v1/establishments/?state_funded=perhaps&status=shut")
    assert response.status_code == 400
    assert set(response.json()) == {"state_funded", "status"}


def test_establishment_list_paginates(world, api, make_user):
    body = api(make_user("public")).get("/api/v1/establishments/?la=all&page_size=4&page=2").json()
    assert body["count"] == 6
    assert len(body["results"]) == 2
    assert body["previous"] is not None and body["next"] is None


def test_establishment_detail_has_memberships_links_and_system_leaders(world, api, make_user):
    EstablishmentLink.objects.create(
        urn=125001, linked_urn=111111, linked_name="Ashford County Primary", link_type="Predecessor"
    )
    body = api(make_user("public")).get("/api/v1/establishments/125001/").json()
    assert body["name"] == "Ashford Primary School"
    assert body["la"] == "936"
    assert [(m["group"]["name"], m["role"], m["is_current"]) for m in body["memberships"]] == [
        ("Ashford Teaching School Alliance", "lead", True)
    ]
    assert [link["linked_urn"] for link in body["links"]] == [111111]
    assert [leader["name"] for leader in body["system_leaders"]] == ["Ann Example"]


def test_unknown_urn_is_404(world, api, make_user):
    assert api(make_user("public")).get("/api/v1/establishments/999999/").status_code == 404


def test_group_detail_lists_members_over_time(world, api, make_user):
    Membership.objects.create(
        group=world.tsa,
        establishment=world.a3,
        role="member",
        joined_on=date(2012, 1, 1),
        left_on=date(2015, 8, 31),
    )
    body = api(make_user("public")).get(f"/api/v1/groups/{world.tsa.pk}/").json()
    assert body["current_members"] == 1
    assert [(m["establishment"]["urn"], m["left_on"]) for m in body["members"]] == [
        (125001, None),
        (125003, "2015-08-31"),
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("formal=true", ["Surrey Learning Trust"]),
        ("formal=false", ["Ashford Teaching School Alliance", "Camden Schools Partnership"]),
        ("la=202", ["Camden Schools Partnership"]),
        # 'all' is England here as on every list (it was read as an LA code and found nothing).
        (
            "la=all",
            ["Ashford Teaching School Alliance", "Camden Schools Partnership", "Surrey Learning Trust"],
        ),
        ("type=mat", ["Surrey Learning Trust"]),
        ("q=5001", ["Surrey Learning Trust"]),
        ("urn=100001", ["Camden Schools Partnership"]),
    ],
)
def test_group_filters(world, api, make_user, query, expected):
    body = api(make_user("public")).get(f"/api/v1/groups/?{query}").json()
    assert [g["name"] for g in body["results"]] == expected


def test_membership_list_filters_by_group_and_current(world, api, make_user):
    Membership.objects.create(
        group=world.tsa,
        establishment=world.a3,
        role="member",
        joined_on=date(2012, 1, 1),
        left_on=date(2015, 8, 31),
    )
    client = api(make_user("public"))
    assert client.get(f"/api/v1/memberships/?group={world.tsa.pk}").json()["count"] == 2
    current = client.get(f"/api/v1/memberships/?group={world.tsa.pk}&current=true").json()["results"]
    assert [m["establishment"]["urn"] for m in current] == [125001]


def test_membership_list_defaults_to_the_officers_la(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_b)
    body = api(officer).get("/api/v1/memberships/").json()
    assert [m["establishment"]["urn"] for m in body["results"]] == [100001]


def test_links_need_a_urn_and_find_both_directions(world, api, make_user):
    EstablishmentLink.objects.create(urn=125002, linked_urn=125003, link_type="Predecessor")
    EstablishmentLink.objects.create(urn=125003, linked_urn=125002, link_type="Successor")
    client = api(make_user("public"))
    assert client.get("/api/v1/links/").status_code == 400
    body = client.get("/api/v1/links/?urn=125003").json()
    assert sorted(link["link_type"] for link in body["results"]) == ["Predecessor", "Successor"]


def test_system_leaders_filter_by_designation_and_la(world, api, make_user):
    client = api(make_user("public"))
    assert [x["name"] for x in client.get("/api/v1/system-leaders/?designation=SLE").json()["results"]] == [
        "Ben Example"
    ]
    assert [x["urn"] for x in client.get("/api/v1/system-leaders/?la=936").json()["results"]] == [125001]


def test_local_authorities_filter_by_region(world, api, make_user):
    body = api(make_user("public")).get("/api/v1/local-authorities/?region=London").json()
    assert [la["code"] for la in body["results"]] == ["202"]


def _grow(world, n):
    for i in range(n):
        est = school(world.la_a, 130000 + i, f"Extra School {i:03d}")
        Membership.objects.create(
            group=world.tsa, establishment=est, role="member", joined_on=date(2020, 1, 1)
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/establishments/?la=all",
        "/api/v1/groups/",
        "/api/v1/memberships/?la=all",
        "/api/v1/system-leaders/?la=all",
        "/api/v1/establishments/125001/",
        "/api/v1/groups/{tsa}/",
    ],
)
def test_query_count_does_not_grow_with_rows(world, api, make_user, django_assert_max_num_queries, url):
    client = api(make_user("public"))
    url = url.format(tsa=world.tsa.pk)
    _grow(world, 30)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
