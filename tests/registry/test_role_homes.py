"""Each role starts on its own home: a school leader on their school, a trust leader on their trust, the accreditation
roles on the accreditation home, officers on the overview of their area. Each home shows only the user's scope and
its queries do not grow with the number of schools or items."""

import re

import pytest
from django.urls import reverse

from schoolsystem.accounts.constants import Role
from schoolsystem.improvement import services as improvement
from schoolsystem.improvement.constants import SupportKind
from schoolsystem.performance.models import RiskResult, RuleSet
from schoolsystem.registry.models import Membership
from tests.registry.pages_seed import school, seed_system

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def system():
    return seed_system()


@pytest.fixture
def officer(make_user, system):
    return make_user("la_officer", scope_la=system["surrey"])


@pytest.fixture
def casework(system, officer):
    """Open cases for Elm Academy (in Oak Trust) and Lone Pine School (in no trust); a support request each; a risk
    result for each, under the active rule set."""
    elm, lone = system["elm"], system["lone"]
    cases = {
        s.urn: improvement.case_start_monitoring(
            case=improvement.case_open(school=s, by=officer, reasons=["Results below floor"]), by=officer
        )
        for s in (elm, lone)
    }
    requests = {
        s.urn: improvement.support_request_create(
            by=officer,
            school=s,
            needs=[SupportKind.LEADERSHIP],
            description=f"Help for {s.name}",
            days_needed=3,
        )
        for s in (elm, lone)
    }
    rules = RuleSet.objects.create(name="Test", version=1, thresholds={}, is_active=True)
    RiskResult.objects.create(establishment=elm, rule_set=rules, concern="high", majors=2, minors=1)
    RiskResult.objects.create(establishment=lone, rule_set=rules, concern="medium", majors=1, minors=0)
    RiskResult.objects.create(establishment=system["oakwood"], rule_set=rules, concern="none")
    return {"cases": cases, "requests": requests}


# ------------------------------------------------------------------------------------------------- where they land


@pytest.mark.parametrize(
    "role,scope,home",
    [
        (Role.SCHOOL_LEADER, {"scope_establishment": "lone"}, "registry:my-school"),
        (Role.TRUST_LEADER, {"scope_group": "mat"}, "registry:my-trust"),
        (Role.APPLICANT, {}, "accreditation:home"),
        (Role.ASSESSOR, {}, "accreditation:home"),
        (Role.ADVISORY_GROUP, {}, "accreditation:home"),
        (Role.DECISION_MAKER, {}, "accreditation:home"),
        (Role.LA_OFFICER, {"scope_la": "surrey"}, "registry:overview"),
        (Role.REGIONAL_OFFICER, {"scope_region": "South East"}, "registry:overview"),
        (Role.PUBLIC, {}, "registry:overview"),
    ],
)
def test_each_role_lands_on_its_own_home_after_signing_in(client, make_user, system, role, scope, home):
    fields = {k: system.get(v, v) for k, v in scope.items()}
    user = make_user(role, **fields)
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse(home)
    page = client.get(response.url)
    assert page.status_code == 200
    # The service name in the header leads to the same home.
    assert f'href="{reverse(home)}" class="govuk-generic-header__homepage-link"' in page.content.decode()


def test_a_next_page_still_wins_over_the_home(client, make_user, system):
    head = make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"])
    target = reverse("registry:school-search")
    response = client.post(
        reverse("accounts:login"), {"username": head.username, "password": PASSWORD, "next": target}
    )
    assert response.url == target


def test_the_site_root_sends_leaders_home_but_shows_an_area_when_asked(client, make_user, system):
    head = make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"])
    client.force_login(head)
    assert client.get("/").url == reverse("registry:my-school")
    asked = client.get("/", {"la": "936"})
    assert asked.status_code == 200 and asked.context["overview"].area.label == "Surrey"


def test_the_navigation_names_the_leaders_home(client, make_user, system):
    client.force_login(make_user(Role.TRUST_LEADER, scope_group=system["mat"]))
    labels = [i["label"] for i in client.get(reverse("registry:my-trust")).context["nav_items"]]
    assert labels[0] == "Your trust" and "Overview" not in labels
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    labels = [i["label"] for i in client.get(reverse("registry:my-school")).context["nav_items"]]
    assert labels[0] == "Your school" and "Overview" not in labels


# ------------------------------------------------------------------------------------------------ a school leader


def test_school_leader_sees_their_school_its_risk_cases_requests_and_what_is_due(
    client, make_user, system, casework
):
    head = make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"])
    client.force_login(head)
    response = client.get(reverse("registry:my-school"))
    assert response.status_code == 200
    page = text(response)
    assert '<h1 class="govuk-heading-l">Lone Pine School</h1>' in page
    assert "URN 125005" in page and "Surrey" in page
    assert "Medium</strong> 1 major and 0 minor flags" in page
    items = response.context["items"]
    assert [c.school.urn for c in items.cases] == [125005]
    assert [r.school.urn for r in items.requests] == [125005]
    assert [t.label for t in items.tasks] == ["Monitoring visit: Lone Pine School"]
    assert "Monitoring visit: Lone Pine School" in page and "Leadership support" in page
    # Links to act: request support, the report card, the risk screen, the school's cases.
    for url in (
        reverse("improvement:support-new"),
        reverse("performance:report-card", args=[125005]),
        reverse("performance:school-risk", args=[125005]),
        reverse("improvement:case-detail", args=[casework["cases"][125005].pk]),
        reverse("improvement:support-detail", args=[casework["requests"][125005].pk]),
    ):
        assert f'href="{url}"' in page, url


def test_school_leader_does_not_see_another_schools_items(client, make_user, system, casework):
    head = make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"])
    client.force_login(head)
    page = text(client.get(reverse("registry:my-school")))
    assert "Elm Academy" not in page
    assert reverse("improvement:case-detail", args=[casework["cases"][140002].pk]) not in page
    assert "Help for Elm Academy" not in page


def test_school_leader_with_nothing_open_is_told_so(client, make_user, system):
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["birch"]))
    page = text(client.get(reverse("registry:my-school")))
    assert "No case is open." in page and "No support request is open." in page
    assert "Not screened yet" in page
    # Its partnership, with its kind: a trust and its sponsor record can share a name.
    assert "Downs Teaching School Alliance" in page and "Teaching school alliance" in page
    assert '<h2 class="govuk-heading-m">What is due</h2>' in page


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.TRUST_LEADER, Role.APPLICANT, Role.PUBLIC])
def test_my_school_is_only_for_school_leaders(client, make_user, system, role):
    scope = {
        Role.LA_OFFICER: {"scope_la": system["surrey"]},
        Role.TRUST_LEADER: {"scope_group": system["mat"]},
    }
    client.force_login(make_user(role, **scope.get(role, {})))
    assert client.get(reverse("registry:my-school")).status_code == 403


# ------------------------------------------------------------------------------------------------ a trust leader


def test_trust_leader_sees_the_trusts_schools_with_their_status_and_open_items(
    client, make_user, system, casework
):
    leader = make_user(Role.TRUST_LEADER, scope_group=system["mat"])
    client.force_login(leader)
    response = client.get(reverse("registry:my-trust"))
    assert response.status_code == 200
    schools = {s.urn: s for s in response.context["home"].schools}
    assert set(schools) == {140001, 140002}  # current members only: Ash left in 2019
    elm = schools[140002]
    assert (elm.concern_label, elm.open_case_label, elm.open_requests) == ("High", "Monitoring", 1)
    oak = schools[140001]
    assert (oak.concern_label, oak.open_case_id, oak.open_requests) == ("No concern", None, 0)
    items = response.context["items"]
    assert [c.school.urn for c in items.cases] == [140002]
    assert [r.school.urn for r in items.requests] == [140002]
    assert [t.label for t in items.tasks] == ["Monitoring visit: Elm Academy"]
    page = text(response)
    assert '<h1 class="govuk-heading-l">Oak Trust</h1>' in page
    assert reverse("performance:scorecard", args=[system["mat"].pk]) in page


def test_trust_leader_does_not_see_other_schools_or_former_members(client, make_user, system, casework):
    improvement.case_open(
        school=system["ash"], by=make_user("la_officer", scope_la=system["surrey"]), reasons=["x"]
    )
    client.force_login(make_user(Role.TRUST_LEADER, scope_group=system["mat"]))
    page = text(client.get(reverse("registry:my-trust")))
    assert "Lone Pine School" not in page and "Help for Lone Pine School" not in page
    assert "Ash Infant School" not in page  # left the trust: neither listed nor its case


def test_trust_home_queries_do_not_grow_with_its_schools(
    client, make_user, system, casework, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    leader = make_user(Role.TRUST_LEADER, scope_group=system["mat"])
    client.force_login(leader)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("registry:my-trust"))
    for i in range(8):
        extra = school(system["surrey"], 160000 + i, f"New Academy {i}", type_group="Academies")
        Membership.objects.create(establishment=extra, group=system["mat"])
        case = improvement.case_open(school=extra, by=officer, reasons=["Results below floor"])
        improvement.case_start_monitoring(case=case, by=officer)
        improvement.support_request_create(
            by=officer, school=extra, needs=[SupportKind.SUBJECT], description="Maths", days_needed=2
        )
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("registry:my-trust"))
    assert len(response.context["home"].schools) == 10
    assert len(response.context["items"].cases) == 9


def test_school_home_queries_are_a_fixed_number(
    client, make_user, system, casework, django_assert_max_num_queries
):
    client.force_login(make_user(Role.SCHOOL_LEADER, scope_establishment=system["lone"]))
    with django_assert_max_num_queries(20):
        assert client.get(reverse("registry:my-school")).status_code == 200


@pytest.mark.parametrize("role", [Role.LA_OFFICER, Role.SCHOOL_LEADER, Role.ASSESSOR])
def test_my_trust_is_only_for_trust_leaders(client, make_user, system, role):
    scope = {
        Role.LA_OFFICER: {"scope_la": system["surrey"]},
        Role.SCHOOL_LEADER: {"scope_establishment": system["elm"]},
    }
    client.force_login(make_user(role, **scope.get(role, {})))
    assert client.get(reverse("registry:my-trust")).status_code == 403


# ----------------------------------------------------------------------------------------------------- officers


def test_la_officer_keeps_the_overview_of_their_area(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["overview"].area.label == "Surrey"
