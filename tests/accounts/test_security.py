"""Accounts and security: scope validation, sign-in throttling, the account page, tokens, headers, settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from schoolsystem.accounts.models import User
from schoolsystem.core.audit import history_for
from schoolsystem.registry.models import Establishment, Group, LocalAuthority

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
LOCKED = "Too many failed sign-in attempts. Wait 15 minutes and try again."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def la(db):
    return LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East")


@pytest.mark.parametrize(
    "role, field",
    [
        ("la_officer", "scope_la"),
        ("regional_officer", "scope_region"),
        ("trust_leader", "scope_group"),
        ("school_leader", "scope_establishment"),
    ],
)
def test_user_clean_requires_the_scope_of_the_role(db, role, field):
    with pytest.raises(ValidationError) as exc:
        User(username="x", role=role).clean()
    assert list(exc.value.message_dict) == [field]


def test_user_clean_accepts_a_matching_scope_and_roles_without_scope(db, la):
    User(username="x", role="la_officer", scope_la=la).clean()
    User(username="y", role="assessor").clean()
    User(username="z", role="school_leader", is_superuser=True).clean()
    group = Group.objects.create(name="T", group_type="mat")
    school = Establishment.objects.create(
        urn=1, la=la, name="S", type_name="t", type_group="g", status="open"
    )
    User(username="t", role="trust_leader", scope_group=group).clean()
    User(username="s", role="school_leader", scope_establishment=school).clean()


def _sign_in(client, username, password):
    return client.post(
        "/accounts/sign-in/", {"username": username, "password": password, "next": "/accounts/"}
    )


def test_sixth_attempt_is_refused_after_five_failures_even_with_the_right_password(client, make_user):
    user = make_user("public")
    for _ in range(5):
        response = _sign_in(client, user.username, "wrong-password")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_sign_in_resets_the_failure_count(client, make_user):
    user = make_user("public")
    for _ in range(4):
        _sign_in(client, user.username, "wrong-password")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, user.username, "wrong-password")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


def test_token_endpoint_is_locked_after_five_failures(db, make_user):
    user = make_user("public")
    client = APIClient()
    for _ in range(5):
        assert (
            client.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"}).status_code
            == 400
        )
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["detail"] == LOCKED


def test_token_endpoint_gives_a_token_that_authenticates(db, make_user):
    user = make_user("public")
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    key = response.json()["token"]
    me = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert me.json()["username"] == user.username


def test_login_endpoint_is_rate_limited(db, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "login", "3/min")
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": f"u{i}", "password": "x"}).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_anonymous_api_requests_are_rate_limited(db, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/min")
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": "u", "password": "x"}).status_code for _ in range(3)
    ]
    assert codes == [400, 400, 429]


def test_signed_in_api_requests_are_rate_limited(db, make_user, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/min")
    client = APIClient()
    client.force_authenticate(make_user("public"))
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_account_page_shows_role_scope_and_issues_a_token(client, make_user, la):
    officer = make_user("la_officer", scope_la=la)
    client.force_login(officer)
    page = client.get("/accounts/").content.decode()
    assert "Local authority officer" in page and "Surrey (936)" in page
    assert "You do not have an API token yet." in page
    response = client.post("/accounts/")
    assert response.status_code == 302
    token = Token.objects.get(user=officer)
    page = client.get("/accounts/").content.decode()
    assert token.key in page
    event = history_for(officer).get()
    assert event.action == "account.api_token_issued"
    assert token.key not in str(event.changes) + event.note


def test_account_page_needs_sign_in(client):
    response = client.get("/accounts/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_rotating_the_token_through_the_api_revokes_the_old_one(db, make_user):
    user = make_user("public")
    old = Token.objects.create(user=user)
    client = APIClient()
    response = client.post("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {old.key}")
    assert response.status_code == 201
    assert response.json()["token"] != old.key
    assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old.key}").status_code == 401


def test_pages_carry_a_content_security_policy_with_a_nonce(client):
    response = client.get("/accounts/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["Permissions-Policy"].startswith("geolocation=()")
    assert response["X-Frame-Options"] == "DENY"


def test_api_responses_carry_the_security_headers_too(db, make_user):
    client = APIClient()
    client.force_authenticate(make_user("public"))
    response = client.get("/api/v1/me/")
    assert "Content-Security-Policy" in response and response["X-Content-Type-Options"] == "nosniff"


def _manage(*args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DATABASE_URL", None)
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # a test-only escape hatch; production must not have it
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="schoolsystem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="schools.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="schoolsystem.settings.production", SECRET_KEY="", ALLOWED_HOSTS="x"
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_settings_are_secure():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)",
        DJANGO_SETTINGS_MODULE="schoolsystem.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="schools.example.gov.uk",
    )
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "True", "False"], (
        result.stderr
    )


def test_openapi_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    result = _manage(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(out),
        DJANGO_SETTINGS_MODULE="schoolsystem.settings.test",
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "/api/v1/establishments/{urn}/history/:" in text and "/api/v1/memberships/{id}/end/:" in text


def test_schema_and_docs_pages_are_served(db, make_user, client):
    client.force_login(make_user("public"))
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    # The docs page names only our own files: no CDN, no web fonts from elsewhere (the CSP would block them).
    # (Redoc was dropped: its bundle loads its logo from cdn.redoc.ly whatever the page says.)
    page = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in page and "https://" not in page
    assert client.get("/api/redoc/").status_code == 404
    assert client.get("/favicon.ico")["Location"] == "/assets/images/favicon.ico"
