"""Sign-in throttling across usernames and on the admin, audited admin writes, no caching of casework."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from schoolsystem.accounts.models import User
from schoolsystem.core.audit import history_for
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import LocalAuthority
from tests.accounts.test_security import LOCKED, PASSWORD, _fresh_cache  # noqa: F401 (autouse fixture)


def test_an_address_spraying_many_usernames_is_locked_out(db, make_user, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    victim = make_user("public")
    client = Client()
    for n in range(8):  # one failure each for eight usernames: under the per-username limit of five
        client.post("/accounts/sign-in/", {"username": f"guess-{n}", "password": "nope"})
    response = client.post("/accounts/sign-in/", {"username": victim.username, "password": PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    api = APIClient().post("/api/v1/auth/token/", {"username": victim.username, "password": PASSWORD})
    assert api.status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    signed_in = other_address.post("/accounts/sign-in/", {"username": victim.username, "password": PASSWORD})
    assert signed_in.status_code == 302  # the lock is on the address, not the account


def test_the_admin_sign_in_is_throttled_too(db, make_user):
    admin = make_user("la_officer", is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": admin.username, "password": "nope"})
    response = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_role_and_scope_change_in_the_admin_is_audited_with_the_password_hidden(client, make_user):
    la = LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")
    admin = make_user("la_officer", is_staff=True, is_superuser=True, username="root")
    user = make_user("public", username="jo")
    client.force_login(admin)
    form = client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        role="la_officer", scope_la=la.pk, username="jo", date_joined_0="2026-01-01", date_joined_1="09:00"
    )
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user.refresh_from_db()
    assert user.role == "la_officer" and user.scope_la == la
    event = history_for(user).filter(action="admin.user.changed").get()
    assert event.actor == admin and event.changes["role"] == ["public", "la_officer"]
    assert event.changes["scope_la_id"] == [None, la.pk]
    assert "password" not in event.changes

    client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=user.pk).exists()
    deleted = AuditEvent.objects.get(action="admin.user.deleted", object_id=str(user.pk))
    assert deleted.actor == admin and deleted.changes["password"] == ["(hidden)", None]


@pytest.mark.django_db
def test_signed_in_responses_are_not_cached_public_ones_may_be(client, make_user):
    officer = make_user("public")
    assert "no-store" not in client.get("/decisions/").headers.get("Cache-Control", "")
    client.force_login(officer)
    page = client.get("/decisions/")
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    token = (
        APIClient().post("/api/v1/auth/token/", {"username": officer.username, "password": PASSWORD}).json()
    )
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token['token']}").get("/api/v1/me/")
    assert api.status_code == 200 and "no-store" in api["Cache-Control"]


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.1"),  # no proxies configured: the header is the client's claim, ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # left of ours: spoofed by the client, ignored
        (2, "198.51.100.1, 203.0.113.7, 192.0.2.5", "203.0.113.7"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (2, "203.0.113.7", "10.0.0.1"),  # fewer hops than proxies: not set up as configured
        (1, "", "10.0.0.1"),
        (1, "unknown", "10.0.0.1"),
        (1, "203.0.113.7, not-an-address", "10.0.0.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(rf, settings, trusted, forwarded, expected):
    from schoolsystem.accounts.views import client_ip

    settings.TRUSTED_PROXY_COUNT = trusted
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_one_spraying_client_does_not_lock_out_the_others(db, make_user, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    settings.TRUSTED_PROXY_COUNT = 1
    victim = make_user("public")
    proxy = {"REMOTE_ADDR": "10.0.0.1"}  # every request reaches the app from the proxy
    sprayer = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for n in range(8):
        sprayer.post("/accounts/sign-in/", {"username": f"guess-{n}", "password": "nope"})
    # The sprayer cannot escape its lock by claiming another address: only the proxy's entry counts.
    disguised = Client(**proxy, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66")
    response = disguised.post("/accounts/sign-in/", {"username": victim.username, "password": PASSWORD})
    assert response.status_code == 200 and LOCKED in response.content.decode()
    colleague = Client(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.20")
    signed_in = colleague.post("/accounts/sign-in/", {"username": victim.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    api = APIClient(**proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert (
        api.post("/api/v1/auth/token/", {"username": victim.username, "password": PASSWORD}).status_code
        == 429
    )
