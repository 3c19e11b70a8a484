"""/performance/, the address the README gives the area: a landing page linked from the header, offering each
role what it may open (the risk screen to casework roles only), scorecards in the user's area and the data the
pages are built from. Signed out it goes straight to the public report cards."""

import pytest
from django.urls import reverse

from schoolsystem.core.models import ImportRecord
from schoolsystem.registry.models import Establishment, Group, LocalAuthority, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(db):
    surrey = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    kent = LocalAuthority.objects.create(code="886", name="Kent", region_name="South East")
    far = LocalAuthority.objects.create(code="999", name="Farshire", region_name="North West")
    school = Establishment.objects.create(urn=100001, la=surrey, name="Oak Primary", status="open")
    Establishment.objects.create(urn=100002, la=kent, name="Elm Primary", status="open")
    Establishment.objects.create(urn=100003, la=far, name="Ash Primary", status="open")
    trust = Group.objects.create(uid="9001", name="Oak Trust", group_type="mat")
    Membership.objects.create(group=trust, establishment=school, joined_on="2019-09-01")
    Group.objects.create(uid="9002", name="Empty Trust", group_type="mat")
    return {"surrey": surrey, "school": school, "trust": trust}


def test_signed_out_goes_to_the_public_report_cards(client):
    response = client.get("/performance/")
    assert response.status_code == 302 and response["Location"] == reverse("performance:find-school")


def test_an_officer_gets_the_risk_screen_and_the_scorecards_of_their_area(client, make_user, area):
    client.force_login(make_user("la_officer", scope_la=area["surrey"]))
    response = client.get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("performance:at-risk")}"' in html
    assert f'href="{reverse("performance:find-school")}"' in html
    assert f'href="{reverse("performance:la-scorecard", args=["936"])}"' in html
    assert f'href="{reverse("performance:scorecard", args=[area["trust"].pk])}"' in html
    # Only the officer's area: not Kent's scorecard, nor a trust with no school there.
    assert "Kent" not in html and "Empty Trust" not in html
    # The header links the area and marks it as the current one.
    nav = {i["label"]: i for i in response.context["nav_items"]}
    assert nav["Performance"]["url"] == "/performance/" and nav["Performance"]["active"]


def test_a_regional_officer_gets_every_authority_of_the_region(client, make_user, area):
    client.force_login(make_user("regional_officer", scope_region="South East"))
    scorecards = client.get("/performance/").context["scorecards"]
    assert [la.name for la in scorecards["las"]] == ["Kent", "Surrey"]


def test_a_role_without_casework_is_not_offered_the_risk_screen(client, make_user, area):
    client.force_login(make_user("assessor"))
    response = client.get("/performance/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("performance:at-risk") not in html
    assert f'href="{reverse("performance:find-school")}"' in html
    # No area of their own: every local authority's scorecard.
    assert [la.name for la in response.context["scorecards"]["las"]] == ["Farshire", "Kent", "Surrey"]


def test_a_trust_leader_gets_their_trust_scorecard(client, make_user, area):
    client.force_login(make_user("trust_leader", scope_group=area["trust"]))
    scorecards = client.get("/performance/").context["scorecards"]
    assert scorecards["trusts"] == [area["trust"]]
    assert [la.name for la in scorecards["las"]] == ["Surrey"]


def test_the_data_table_shows_the_latest_import_of_each_kind(client, make_user, area):
    ImportRecord.objects.create(
        kind="ks2", file_name="2017-2018_936_ks2final.csv", sha256="a", year="2017-2018", rows=10
    )
    ImportRecord.objects.create(
        kind="ks2", file_name="2018-2019_936_ks2final.csv", sha256="b", year="2018-2019", rows=1234
    )
    ImportRecord.objects.create(kind="gias", file_name="edubase.csv", sha256="c", rows=5)
    client.force_login(make_user("la_officer", scope_la=area["surrey"]))
    html = client.get("/performance/").content.decode()
    assert "2018-2019_936_ks2final.csv" in html and "1,234" in html
    assert "2017-2018_936_ks2final.csv" not in html and "edubase.csv" not in html
    assert html.count("None imported yet") == 5  # KS4, census, absence, exclusions, Ofsted


def test_the_page_queries_do_not_grow_with_the_area(client, make_user, area, django_assert_max_num_queries):
    user = make_user("la_officer", scope_la=area["surrey"])
    client.force_login(user)
    for i in range(20):
        school = Establishment.objects.create(
            urn=200000 + i, la=area["surrey"], name=f"School {i}", status="open"
        )
        trust = Group.objects.create(uid=f"8{i:03}", name=f"Trust {i}", group_type="mat")
        Membership.objects.create(group=trust, establishment=school, joined_on="2019-09-01")
    with django_assert_max_num_queries(8):
        response = client.get("/performance/")
    assert len(response.context["scorecards"]["trusts"]) == 21
