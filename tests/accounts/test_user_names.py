"""How a person is named: on pages and in the API (display_name), and in what the service publishes (public_name)."""

import pytest
from rest_framework.test import APIClient

from schoolsystem.accounts.models import User


@pytest.mark.parametrize(
    "first,last,expected",
    [("Ada", "Lovelace", "Ada Lovelace"), ("", "", "ada"), (" ", " ", "ada"), ("Ada", "", "Ada")],
)
def test_display_name_is_the_full_name_else_the_username(first, last, expected):
    assert User(username="ada", first_name=first, last_name=last).display_name == expected


def test_public_name_falls_back_to_the_role_never_the_username():
    nameless = User(username="ada", role="la_officer")
    assert nameless.public_name == "Local authority officer"
    named = User(username="ada", role="la_officer", first_name="Ada", last_name="Lovelace")
    assert named.public_name == "Ada Lovelace"


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
