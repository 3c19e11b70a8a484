"""How a person is named: on pages and in the API (display_name); what the service publishes names their role or
body instead (public_body)."""

import pytest
from rest_framework.test import APIClient

from schoolsystem.accounts.models import User
from schoolsystem.registry.models import Establishment, Group, LocalAuthority


@pytest.mark.parametrize(
    "first,last,expected",
    [("Ada", "Lovelace", "Ada Lovelace"), ("", "", "ada"), (" ", " ", "ada"), ("Ada", "", "Ada")],
)
def test_display_name_is_the_full_name_else_the_username(first, last, expected):
    assert User(username="ada", first_name=first, last_name=last).display_name == expected


@pytest.mark.parametrize(
    "role,scope,expected",
    [
        ("la_officer", {"scope_la": LocalAuthority(code="936", name="Surrey")}, "Surrey local authority"),
        ("regional_officer", {"scope_region": "South East"}, "Regional Director, South East"),
        ("trust_leader", {"scope_group": Group(uid="1", name="Oak Trust")}, "Board of Oak Trust"),
        (
            "school_leader",
            {"scope_establishment": Establishment(urn=1, name="Wyke")},
            "Governing board of Wyke",
        ),
        ("advisory_group", {}, "Advisory board"),
        ("decision_maker", {}, "Secretary of State for Education"),
        ("la_officer", {}, "Local authority"),
    ],
)
def test_public_body_names_the_deciding_role_or_body_never_the_person(role, scope, expected):
    """What the public decision register says decided: the role or body, never the person's name or username."""
    for obj in scope.values():
        if hasattr(obj, "pk") and obj.pk is None:
            obj.pk = 1
    user = User(username="ada", role=role, first_name="Ada", last_name="Lovelace", **scope)
    assert user.public_body == expected
    assert "Ada" not in user.public_body and "ada" not in user.public_body
    assert (
        User(username="root", first_name="Ada", is_superuser=True).public_body == "Department for Education"
    )


@pytest.mark.django_db
def test_me_endpoint_names_the_user_as_pages_do(make_user):
    client = APIClient()
    for user, name in [
        (make_user(first_name="Ada", last_name="Lovelace"), "Ada Lovelace"),
        (make_user(), None),
    ]:
        client.force_authenticate(user)
        body = client.get("/api/v1/me/").json()
        assert body["name"] == (name or user.username)


@pytest.mark.django_db
def test_signed_in_banner_shows_the_display_name(client, make_user):
    client.force_login(make_user(first_name="Ada", last_name="Lovelace"))
    assert "<strong>Ada Lovelace</strong>" in client.get("/").content.decode()
