"""Audit history through the API: officers only, within their area; out of scope is 404; superusers see all."""

import pytest

from schoolsystem.registry import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(world, make_user):
    """Audited edits in both LAs."""
    admin = make_user("public", is_superuser=True, is_staff=True, username="admin")
    services.partnership_update(by=admin, group=world.pb, description="Camden heads meet termly")
    services.membership_end(by=admin, membership=world.pb_b1, left_on=world.pb_b1.joined_on)
    services.partnership_update(by=admin, group=world.tsa, description="Ashford TSA")
    services.system_leader_update(by=admin, leader=world.sle, days_per_term=6)
    return world


def test_officer_of_la_a_cannot_read_history_of_la_b(edited, api, make_user):
    w = edited
    client = api(make_user("la_officer", scope_la=w.la_a))
    assert client.get("/api/v1/establishments/100001/history/").status_code == 404
    assert client.get(f"/api/v1/groups/{w.pb.pk}/history/").status_code == 404
    assert client.get(f"/api/v1/memberships/{w.pb_b1.pk}/history/").status_code == 404
    assert client.get(f"/api/v1/system-leaders/{w.sle.pk}/history/").status_code == 404
    own = client.get(f"/api/v1/groups/{w.tsa.pk}/history/")
    assert own.status_code == 200
    assert [e["action"] for e in own.json()["results"]] == ["partnership.updated"]


def test_officer_of_la_b_reads_their_membership_history(edited, api, make_user):
    w = edited
    body = (
        api(make_user("la_officer", scope_la=w.la_b)).get(f"/api/v1/memberships/{w.pb_b1.pk}/history/").json()
    )
    assert [(e["action"], e["who"]) for e in body["results"]] == [("membership.ended", "admin")]
    assert body["results"][0]["changes"] == {"left_on": [None, "2019-01-01"]}


def test_regional_officer_sees_their_region_only(edited, api, make_user):
    w = edited
    client = api(make_user("regional_officer", scope_region="London"))
    assert client.get(f"/api/v1/groups/{w.pb.pk}/history/").status_code == 200
    assert client.get(f"/api/v1/groups/{w.tsa.pk}/history/").status_code == 404


def test_superuser_sees_all_history(edited, api, make_user):
    w = edited
    client = api(make_user("public", is_superuser=True, is_staff=True))
    for url in [
        f"/api/v1/groups/{w.pb.pk}/history/",
        f"/api/v1/groups/{w.tsa.pk}/history/",
        f"/api/v1/memberships/{w.pb_b1.pk}/history/",
        f"/api/v1/system-leaders/{w.sle.pk}/history/",
        "/api/v1/establishments/100001/history/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role, scope", [("public", {}), ("school_leader", {"scope_establishment": "b1"})])
def test_history_is_for_officers_only(edited, api, make_user, role, scope):
    w = edited
    user = make_user(role, **{k: getattr(w, v) for k, v in scope.items()})
    assert api(user).get(f"/api/v1/groups/{w.pb.pk}/history/").status_code == 403
