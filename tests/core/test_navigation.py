"""The service navigation shows each role the areas it works in, and every link it shows opens for that role."""

import pytest

from schoolsystem.accounts.constants import Role
from schoolsystem.registry.models import Establishment, Group, LocalAuthority

CASEWORK = {"Schools at risk", "Support and casework", "Brokerage"}


@pytest.fixture
def users(db, make_user):
    la = LocalAuthority.objects.create(code="936", name="Wealdshire", region_name="South East")
    school = Establishment.objects.create(
        urn=100001, la=la, name="Oak Primary", status="open", state_funded=True
    )
    trust = Group.objects.create(uid="9001", name="Oak Trust", group_type="mat")
    scopes = {
        Role.LA_OFFICER: {"scope_la": la},
        Role.REGIONAL_OFFICER: {"scope_region": "South East"},
        Role.TRUST_LEADER: {"scope_group": trust},
        Role.SCHOOL_LEADER: {"scope_establishment": school},
    }
    return {role: make_user(role, **scopes.get(role, {})) for role in Role.values}


def _nav(client, user):
    client.force_login(user)
    response = client.get("/decisions/")
    return {item["label"]: item["url"] for item in response.context["nav_items"]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_link_in_the_navigation_opens_for_the_role(client, users, role):
    nav = _nav(client, users[role])
    assert nav, role
    for label, url in nav.items():
        assert client.get(url).status_code == 200, (role, label, url)


@pytest.mark.django_db
def test_casework_areas_are_shown_to_casework_roles_only(client, users):
    for role in (Role.LA_OFFICER, Role.REGIONAL_OFFICER, Role.TRUST_LEADER, Role.SCHOOL_LEADER):
        nav = _nav(client, users[role])
        assert set(nav) >= CASEWORK, role
        assert "Accreditation" not in nav
    for role in (Role.PUBLIC, Role.APPLICANT, Role.ASSESSOR, Role.ADVISORY_GROUP, Role.DECISION_MAKER):
        nav = _nav(client, users[role])
        assert not CASEWORK & set(nav), role
        assert ("Accreditation" in nav) is (role != Role.PUBLIC)
    client.logout()
    page = client.get("/decisions/")
    anonymous = page.context["nav_items"]
    # Signed out, only what is public: the public school search (report cards), decisions and providers; the
    # signed-in school search and the overview would only ask for a sign-in. The service name leads to the
    # public school search.
    assert {i["label"] for i in anonymous} == {"Find a school", "Decisions", "Accredited providers"}
    assert (
        'href="/performance/report-cards/" class="govuk-generic-header__homepage-link"'
        in page.content.decode()
    )


@pytest.mark.django_db
def test_refusals_and_missing_pages_are_service_pages_not_bare_text(client, users, settings):
    settings.DEBUG = False
    client.force_login(users[Role.PUBLIC])
    refused = client.get("/performance/at-risk/")
    assert refused.status_code == 403
    body = refused.content.decode()
    assert "You cannot see this page" in body and "Your role cannot see the risk screen." in body
    assert "govuk-service-navigation" in body and "Member of the public" in body
    missing = client.get("/schools/999999999/")
    assert missing.status_code == 404
    assert "Page not found" in missing.content.decode() and "Go to your home page" in missing.content.decode()
    # A leader's home is their school, not the overview (accounts.home).
    client.force_login(users[Role.SCHOOL_LEADER])
    assert 'href="/my-school/">Go to your home page' in client.get("/schools/999999999/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/performance/at-risk/", "Schools at risk"),
        ("/performance/", "Performance"),
        ("/decisions/", "Decisions"),
    ],
)
def test_the_deepest_area_holding_the_page_is_the_current_one(client, users, path, current):
    client.force_login(users[Role.LA_OFFICER])
    items = client.get(path).context["nav_items"]
    assert [item["label"] for item in items if item["active"]] == [current]
