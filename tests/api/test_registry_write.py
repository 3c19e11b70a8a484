"""Write endpoints: a token or session and a role; scope by 404; bad input 400 with field names; audited."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from schoolsystem.core.audit import history_for
from schoolsystem.registry.models import Group, Membership, SystemLeader

pytestmark = pytest.mark.django_db


def test_la_officer_creates_a_partnership_in_their_la_and_it_is_audited(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    response = api(officer).post(
        "/api/v1/groups/",
        {"name": "Surrey Heath Local Partnership", "group_type": "local_strategic_partnership"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["la"] == "936"
    group = Group.objects.get(pk=response.json()["id"])
    event = history_for(group).get()
    assert (event.action, event.actor) == ("partnership.created", officer)
    assert event.changes["name"] == [None, "Surrey Heath Local Partnership"]


def test_an_la_code_holding_nul_is_a_400_not_a_500(world, api, make_user):
    """Found by fuzzing the API on PostgreSQL: the LA lookup raised DataError (text with NUL), a 500."""
    officer = make_user("la_officer", scope_la=world.la_a)
    response = api(officer).post(
        "/api/v1/groups/", {"name": "Heath", "group_type": "diocesan_network", "la": "9\x0036"}, format="json"
    )
    assert response.status_code == 400 and "la" in response.json()
    assert not Group.objects.filter(name="Heath").exists()


def test_write_with_a_token_needs_no_csrf(world, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    token = Token.objects.create(user=officer)
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/groups/",
        {"name": "Token Partnership", "group_type": "diocesan_network"},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201


def test_session_authenticated_write_without_csrf_token_is_refused(world, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    client = APIClient(enforce_csrf_checks=True)
    client.login(username=officer.username, password="correct-horse-battery")
    response = client.post(
        "/api/v1/groups/", {"name": "No CSRF", "group_type": "diocesan_network"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Group.objects.filter(name="No CSRF").exists()


@pytest.mark.parametrize("role", ["public", "assessor", "applicant"])
def test_write_refused_without_a_write_role(world, api, make_user, role):
    response = api(make_user(role)).post(
        "/api/v1/groups/", {"name": "Nope", "group_type": "diocesan_network"}, format="json"
    )
    assert response.status_code == 403
    assert not Group.objects.filter(name="Nope").exists()


def test_anonymous_write_refused(world, api):
    response = api().post(
        "/api/v1/groups/", {"name": "Nope", "group_type": "diocesan_network"}, format="json"
    )
    assert response.status_code in (401, 403)


def test_bad_input_is_a_400_naming_the_fields(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    response = api(officer).post(
        "/api/v1/groups/", {"group_type": "mat", "opened_on": "31/12/2020"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "group_type", "opened_on"}


def test_officer_cannot_create_a_partnership_in_another_la(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    response = api(officer).post(
        "/api/v1/groups/", {"name": "Camden X", "group_type": "diocesan_network", "la": "202"}, format="json"
    )
    assert response.status_code == 403


def test_partnership_edit_out_of_scope_is_404(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    client = api(officer)
    assert (
        client.patch(f"/api/v1/groups/{world.pb.pk}/", {"name": "Mine now"}, format="json").status_code == 404
    )
    assert client.post(f"/api/v1/groups/{world.pb.pk}/close/", {"closed_on": "2024-08-31"}).status_code == 404
    # Formal groups are never editable here.
    assert client.patch(f"/api/v1/groups/{world.mat.pk}/", {"name": "x"}, format="json").status_code == 404
    world.pb.refresh_from_db()
    assert world.pb.name == "Camden Schools Partnership"


def test_head_of_the_lead_school_renames_and_closes_their_partnership(world, api, make_user):
    head = make_user("school_leader", scope_establishment=world.a1)
    client = api(head)
    response = client.patch(f"/api/v1/groups/{world.tsa.pk}/", {"name": "Ashford TSA"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Ashford TSA"
    response = client.post(
        f"/api/v1/groups/{world.tsa.pk}/close/", {"closed_on": "2024-08-31"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    world.tsa_lead.refresh_from_db()
    assert str(world.tsa_lead.left_on) == "2024-08-31"


def test_closing_twice_is_a_409(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    url = f"/api/v1/groups/{world.tsa.pk}/close/"
    assert client.post(url, {"closed_on": "2024-08-31"}, format="json").status_code == 200
    response = client.post(url, {"closed_on": "2024-09-30"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "InvalidTransition"


def test_add_and_end_a_membership(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    client = api(officer)
    response = client.post(
        "/api/v1/memberships/",
        {"group": world.tsa.pk, "urn": 125002, "role": "strategic_partner", "joined_on": "2023-09-01"},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.post(f"/api/v1/memberships/{pk}/end/", {"left_on": "2024-07-31"}, format="json")
    assert response.status_code == 200
    membership = Membership.objects.get(pk=pk)
    assert str(membership.left_on) == "2024-07-31"
    assert [e.action for e in history_for(membership)] == ["membership.ended", "membership.added"]


def test_duplicate_current_membership_is_a_400_naming_the_field(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        "/api/v1/memberships/",
        {"group": world.tsa.pk, "urn": 125001, "role": "member", "joined_on": "2023-09-01"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "already a current member" in body["detail"]
    assert list(body["errors"]) == ["establishment"]


def test_unknown_urn_is_a_400_on_urn(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        "/api/v1/memberships/",
        {"group": world.tsa.pk, "urn": 999999, "role": "member", "joined_on": "2023-09-01"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["urn"]


def test_leaving_before_joining_is_a_400(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        f"/api/v1/memberships/{world.tsa_lead.pk}/end/", {"left_on": "2000-01-01"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["left_on"]


def test_la_officer_cannot_edit_memberships_of_another_la(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        f"/api/v1/memberships/{world.pb_b1.pk}/end/", {"left_on": "2024-01-01"}, format="json"
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/memberships/",
        {"group": world.pb.pk, "urn": 125001, "role": "member", "joined_on": "2023-09-01"},
        format="json",
    )
    assert response.status_code == 404
    world.pb_b1.refresh_from_db()
    assert world.pb_b1.left_on is None
    assert world.pb.memberships.count() == 1


def test_superuser_may_edit_any_partnership(world, api, make_user):
    admin = make_user("public", is_superuser=True, is_staff=True)
    response = api(admin).post(
        f"/api/v1/memberships/{world.pb_b1.pk}/end/", {"left_on": "2024-01-01"}, format="json"
    )
    assert response.status_code == 200


def test_officer_records_changes_and_ends_a_system_leader(world, api, make_user):
    officer = make_user("la_officer", scope_la=world.la_a)
    client = api(officer)
    response = client.post(
        "/api/v1/system-leaders/",
        {
            "name": "Cara Example",
            "designation": "LLE",
            "urn": 125002,
            "days_per_term": 6,
            "phase": "Secondary",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.patch(f"/api/v1/system-leaders/{pk}/", {"days_per_term": 8}, format="json")
    assert response.status_code == 200 and response.json()["days_per_term"] == 8
    response = client.post(f"/api/v1/system-leaders/{pk}/end/", {"ended_on": "2020-08-31"}, format="json")
    assert response.status_code == 200 and response.json()["is_current"] is False
    leader = SystemLeader.objects.get(pk=pk)
    assert [e.action for e in history_for(leader)] == [
        "system_leader.ended",
        "system_leader.updated",
        "system_leader.created",
    ]
    assert history_for(leader)[1].changes == {"days_per_term": [6, 8]}


def test_system_leader_rules_give_400_with_fields(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        "/api/v1/system-leaders/",
        {
            "name": "Dan",
            "designation": "SLE",
            "urn": 125002,
            "national_support_school": True,
            "days_per_term": 99,
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"national_support_school", "days_per_term"}


def test_system_leader_outside_the_officers_la_is_403_to_create_and_404_to_edit(world, api, make_user):
    client = api(make_user("la_officer", scope_la=world.la_a))
    response = client.post(
        "/api/v1/system-leaders/", {"name": "Eve", "designation": "LLE", "urn": 100002}, format="json"
    )
    assert response.status_code == 403
    assert (
        client.patch(
            f"/api/v1/system-leaders/{world.sle.pk}/", {"days_per_term": 1}, format="json"
        ).status_code
        == 404
    )


def test_school_leader_may_not_record_system_leaders(world, api, make_user):
    head = make_user("school_leader", scope_establishment=world.a1)
    response = api(head).post(
        "/api/v1/system-leaders/", {"name": "Fay", "designation": "LLE", "urn": 125001}, format="json"
    )
    assert response.status_code == 403
