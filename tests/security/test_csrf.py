"""CSRF everywhere: every URL of the project (walked from the resolver, so a new URL is covered the day it is added)
refuses a session POST without a CSRF token, and nothing is written. Exempt by design, and still write nothing:
the API token endpoint (credentials, no session) and public read-only APIs (no session authentication)."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from schoolsystem.core.models import AuditEvent

# URL prefixes that do not use session authentication: a POST there cannot ride on a signed-in user's cookie.
EXEMPT = ("api/v1/auth/token/",)


def _sample(group: re.Match) -> str:
    """A value the named group accepts ("1", "x" or the first of its alternatives)."""
    body = group.group(1)
    candidates = ["1", "x", body.split("|")[0]]
    return next((c for c in candidates if re.fullmatch(body, c)), "1")


def _paths(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(p.pattern)
        if "(?P<format>" in route:  # DRF's format-suffix twins of the same views
            continue
        route = (
            re.sub(r"\(\?P<[^>]+>([^)]*)\)", _sample, route).lstrip("^").rstrip("$")
        )  # regex routes (DRF, admin)
        if isinstance(p, URLResolver):
            yield from _paths(p.url_patterns, prefix + route)
        elif isinstance(p, URLPattern):
            yield prefix + route


def _concrete(route: str) -> str:
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):[^>]+>", "x", route)
    return "/" + route.replace("\\", "")


PATHS = sorted({_concrete(r) for r in _paths()})


def test_the_walk_finds_the_writing_urls():
    assert len(PATHS) > 100
    for expected in ("/improvement/cases/1/x/", "/brokerage/", "/api/v1/cases/", "/partnerships/upload/"):
        assert expected in PATHS


@pytest.mark.django_db
def test_every_url_refuses_a_session_post_without_a_csrf_token(make_user):
    admin = make_user("la_officer", is_superuser=True, is_staff=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    before = AuditEvent.objects.count()
    unprotected = []
    for path in PATHS:
        response = client.post(path, {"name": "x", "reason": "x", "version": 1})
        if path.startswith(tuple("/" + e for e in EXEMPT)):
            assert response.status_code >= 400, path
            continue
        if response.status_code == 405 and path.startswith("/api/"):
            continue  # a read-only API answers 405 to any POST: nothing to forge
        if response.status_code != 403:
            unprotected.append((path, response.status_code))
    assert unprotected == []
    assert AuditEvent.objects.count() == before
