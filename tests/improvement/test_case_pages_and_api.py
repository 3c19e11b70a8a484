"""Case pages and API: scope (page, API, CSV), forms with error summaries, bad input, optimistic locking."""

from datetime import timedelta

import pytest
from django.urls import reverse

from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CASE_TRANSITIONS, CaseState
from schoolsystem.improvement.models import Case
from tests.improvement.factories import PATHS, case_in_state, consult, make_school, today


@pytest.fixture
def case_a(school_a, officer):
    return services.case_open(school=school_a, by=officer, reasons=["Attainment below floor at Alder"])


@pytest.fixture
def case_b(school_b, officer_b):
    return services.case_open(school=school_b, by=officer_b, reasons=["Safeguarding at Damson"])


def test_la_officer_cannot_see_another_las_case_page_api_or_csv(client, officer, case_a, case_b):
    client.force_login(officer)
    listing = client.get(reverse("improvement:case-list")).content.decode()
    assert "Alder Primary" in listing and "Damson Primary" not in listing
    assert client.get(reverse("improvement:case-detail", args=[case_b.pk])).status_code == 404
    assert client.get(reverse("improvement:case-action", args=[case_b.pk, "escalate"])).status_code == 404
    assert client.get(reverse("improvement:school-cases", args=[200001])).status_code == 404
    api = client.get("/api/v1/cases/").json()
    assert [c["id"] for c in api["results"]] == [case_a.pk]
    assert client.get(f"/api/v1/cases/{case_b.pk}/").status_code == 404
    assert (
        client.post(f"/api/v1/cases/{case_b.pk}/actions/escalate/", {"version": 1, "reason": "x"}).status_code
        == 404
    )
    csv = client.get(reverse("improvement:case-export")).getvalue().decode()
    assert "Alder Primary" in csv and "Damson Primary" not in csv


def test_regional_officer_sees_their_region_only(client, regional, case_a, case_b):
    client.force_login(regional)
    ids = [c["id"] for c in client.get("/api/v1/cases/").json()["results"]]
    assert ids == [case_a.pk]


def test_school_leader_sees_only_own_school_and_cannot_act(client, leader_a, case_a, case_b, las, officer):
    other_school_case = services.case_open(
        school=make_school(las[0], 100009, name="Elm Primary"), by=officer, reasons=["x"]
    )
    client.force_login(leader_a)
    ids = [c["id"] for c in client.get("/api/v1/cases/").json()["results"]]
    assert ids == [case_a.pk]
    assert client.get(reverse("improvement:case-detail", args=[other_school_case.pk])).status_code == 404
    assert client.get(reverse("improvement:case-detail", args=[case_a.pk])).status_code == 200
    assert client.get(reverse("improvement:case-action", args=[case_a.pk, "escalate"])).status_code == 403
    assert (
        client.post(f"/api/v1/cases/{case_a.pk}/actions/escalate/", {"version": 1, "reason": "x"}).status_code
        == 403
    )


def test_trust_leader_sees_their_trusts_schools(client, make_user, academy_a, officer, case_a):
    from schoolsystem.registry.models import Group, Membership

    trust = Group.objects.create(name="Cedar Trust", group_type="mat")
    Membership.objects.create(establishment=academy_a, group=trust)
    academy_case = services.case_open(school=academy_a, by=officer, reasons=["x"])
    assert academy_case.trust == trust
    client.force_login(make_user("trust_leader", scope_group=trust))
    assert [c["id"] for c in client.get("/api/v1/cases/").json()["results"]] == [academy_case.pk]


def test_public_and_anonymous_see_no_cases(client, make_user, case_a):
    assert client.get("/api/v1/cases/").status_code in (401, 403)
    assert client.get(reverse("improvement:case-list")).status_code == 302
    client.force_login(make_user("public"))
    assert client.get("/api/v1/cases/").json()["count"] == 0
    # The public has no casework at all: refused (403), not merely an empty page.
    assert client.get(reverse("improvement:case-detail", args=[case_a.pk])).status_code == 403
    assert "Alder" not in client.get(reverse("improvement:case-export")).getvalue().decode()


def test_open_case_page_from_risk_screen(client, officer, school_a):
    client.force_login(officer)
    url = reverse("improvement:case-open") + "?urn=100001&source=risk_screen"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"urn": 100001, "source": "risk_screen", "reasons": "Falling KS2\nHigh absence", "summary": ""}
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("improvement:case-detail", args=[case.pk])
    assert case.source == "risk_screen" and case.reasons == ["Falling KS2", "High absence"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"urn": "", "source": "manual", "reasons": "x"}, "urn"),
        ({"urn": 100001, "source": "manual", "reasons": "  "}, "reasons"),
        ({"urn": 999999, "source": "manual", "reasons": "x"}, "urn"),
        ({"urn": 200001, "source": "manual", "reasons": "x"}, "urn"),  # out of scope
    ],
)
def test_open_case_page_bad_input_shows_error_summary(client, officer, school_a, school_b, data, field):
    client.force_login(officer)
    response = client.post(reverse("improvement:case-open"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in body and f'href="#id_{field}"' in body
    assert not Case.objects.exists()


def test_api_open_case_bad_input_names_fields(client, officer, school_a):
    client.force_login(officer)
    response = client.post("/api/v1/cases/", {"source": "nonsense"}, content_type="application/json")
    assert response.status_code == 400
    assert {"urn", "reasons", "source"} <= set(response.json()["errors"])
    ok = client.post(
        "/api/v1/cases/",
        {"urn": 100001, "source": "manual", "reasons": "Low attainment"},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["state"] == "identified"
    again = client.post(
        "/api/v1/cases/", {"urn": 100001, "source": "manual", "reasons": "x"}, content_type="application/json"
    )
    assert again.status_code == 409


ACTION_BAD_INPUT = {
    "record_visit": ({"visited_on": "not a date", "notes": ""}, {"visited_on", "notes"}),
    "record_consultation": ({"proposal": "", "outcome": "maybe"}, {"proposal", "consulted_on", "outcome"}),
    "start_monitoring": ({}, {"version"}),
    "hold_early_conversation": ({"held_on": ""}, {"held_on", "note"}),
    "issue_warning_notice": ({"grounds": ["x"], "compliance_by": ""}, {"grounds", "compliance_by"}),
    "choose_intervention": ({"option": "bribe"}, {"option", "options_considered", "criteria", "rationale"}),
    "start_implementation": ({}, {"version"}),
    "hold_review": ({"reviewed_on": "", "progress": ""}, {"reviewed_on", "progress"}),
    "exit": ({}, {"version"}),
    "escalate": ({"reason": ""}, {"reason"}),
    "close": ({"note": ""}, {"note"}),
}


@pytest.mark.parametrize("action", sorted(ACTION_BAD_INPUT))
def test_every_case_form_and_endpoint_refuses_bad_input(client, officer, school_a, action):
    """Posted to a case whose state takes the move (in a state that does not, the page says 'not now')."""
    sources = CASE_TRANSITIONS[action][0] if action in CASE_TRANSITIONS else {CaseState.IDENTIFIED}
    state = next(s for s in PATHS if s in sources)
    case = case_in_state(state, school=school_a, by=officer)
    if action == "choose_intervention":  # chosen once the school has been consulted on the notice
        consult(case, officer)
    if action == "exit":  # offered once every exit criterion is met
        Case.objects.filter(pk=case.pk).update(exit_criteria=[{"text": "Standards above floor", "met": True}])
    data, fields = ACTION_BAD_INPUT[action]
    client.force_login(officer)
    page = client.post(reverse("improvement:case-action", args=[case.pk, action]), data)
    assert page.status_code == 400 and "govuk-error-summary" in page.content.decode()
    api = client.post(f"/api/v1/cases/{case.pk}/actions/{action}/", data, content_type="application/json")
    assert api.status_code == 400
    assert fields <= set(api.json()["errors"])
    case.refresh_from_db()
    assert case.state == state


def test_warning_notice_past_date_shown_on_field(client, officer, school_a):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"]),
        {
            "version": case.version,
            "grounds": ["standards"],
            "compliance_by": (today() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400 and "must be in the future" in response.content.decode()


def test_full_journey_through_pages(client, officer, school_a):
    client.force_login(officer)
    # Identified a month ago, before the notice (a notice may not be dated before the date identified).
    case = services.case_open(
        school=school_a, by=officer, reasons=["x"], identified_on=today() - timedelta(days=30)
    )

    def post(action, data):
        case.refresh_from_db()
        r = client.post(
            reverse("improvement:case-action", args=[case.pk, action]), {"version": case.version, **data}
        )
        assert r.status_code == 302, r.content.decode()[:3000]

    post("start_monitoring", {})
    post(  # a notice issued three weeks ago, recorded now: its compliance date has passed
        "issue_warning_notice",
        {
            "grounds": ["standards", "leadership"],
            "issued_on": (today() - timedelta(days=21)).isoformat(),
            "compliance_by": (today() - timedelta(days=1)).isoformat(),
        },
    )
    post(
        "record_consultation",
        {
            "proposal": "Federation",
            "consulted_on": today().isoformat(),
            "outcome": "agreed",
            "school_response": "Yes",
        },
    )
    post(
        "choose_intervention",
        {
            "option": "federation",
            "partner_name": "Oak Primary",
            "options_considered": "LA support\nFederation",
            "criteria": "Standards",
            "rationale": "Strong lead school nearby.",
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.INTERVENTION_CHOSEN and case.intervention == "federation"
    detail = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Federation with a strong lead school" in detail and "consultation" in detail


def test_two_officers_editing_the_page_second_is_refused(client, officer, officer2, case_a):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(officer2)
    url = reverse("improvement:case-edit", args=[case_a.pk])
    version = case_a.version
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    assert (
        first.post(
            url, {"version": version, "summary": "From Ann", "exit_criteria": "KS2 at floor"}
        ).status_code
        == 302
    )
    refused = second.post(url, {"version": version, "summary": "From Bob", "exit_criteria": ""})
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "changed by Ann Officer" in body and "have not been saved" in body
    case_a.refresh_from_db()
    assert case_a.summary == "From Ann"


def test_api_stale_version_is_409(client, officer, case_a):
    client.force_login(officer)
    services.case_start_monitoring(case=case_a, by=officer)
    response = client.post(
        f"/api/v1/cases/{case_a.pk}/actions/escalate/",
        {"version": 1, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["code"] == "StaleEdit"


def test_case_list_and_api_query_counts_are_flat(client, officer, las, django_assert_max_num_queries):
    for i in range(25):
        services.case_open(school=make_school(las[0], 110000 + i), by=officer, reasons=["x"])
    client.force_login(officer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("improvement:case-list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/cases/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("improvement:case-export")).status_code == 200


def test_home_lists_overdue_visit(client, officer, school_a):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    Case.objects.filter(pk=case.pk).update(next_visit_due=today() - timedelta(days=3))
    client.force_login(officer)
    body = client.get(reverse("improvement:home")).content.decode()
    assert "Monitoring visit: Alder Primary" in body and "Overdue" in body
    assert "Alder Primary" in client.get(reverse("improvement:overdue")).content.decode()


def test_opening_a_case_from_the_risk_screen_starts_from_its_reasons(client, officer, school_a):
    from schoolsystem.performance.models import RiskResult
    from schoolsystem.performance.selectors import active_rule_set

    RiskResult.objects.create(
        establishment=school_a,
        rule_set=active_rule_set(),
        concern="high",
        majors=1,
        minors=1,
        flags=[
            {"metric": "attendance", "flag": "minor", "reason": "Absence above 10%"},
            {"metric": "progress", "flag": "none", "reason": "Progress in line"},
            {"metric": "ofsted", "flag": "major", "reason": "Ofsted: Inadequate"},
        ],
    )
    client.force_login(officer)
    form = client.get(reverse("improvement:case-open") + "?urn=100001&source=risk_screen").context["form"]
    assert form.initial["reasons"] == "Ofsted: Inadequate\nAbsence above 10%"


def test_case_history_reads_in_words(client, officer, school_a):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    client.force_login(officer)
    html = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    history = html[html.index("History") :]
    assert "Issue a warning notice" in history and "→ Warning notice issued" in history
    assert "Case opened" in history and "New case → Identified" in history
    assert "issue_warning_notice" not in history and "warning_notice)" not in history


def test_home_says_whose_cases_it_counts(client, officer, school_a, make_user):
    """Found in review: a head's page said "0 open cases in your area"; their scope is their school."""
    case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    body = client.get(reverse("improvement:home")).content.decode()
    assert f"1 open case about every school in {school_a.la.name};" in body
    client.force_login(make_user("school_leader", scope_establishment=school_a))
    body = client.get(reverse("improvement:home")).content.decode()
    assert f"1 open case about your school, {school_a.name};" in body and "in your area" not in body


def test_a_schools_cases_page_does_not_repeat_the_school_in_every_row(client, officer, school_a):
    """Found in review: the table repeated the page's school name, URN and LA, and said "No cases." in a table."""
    client.force_login(officer)
    url = reverse("improvement:school-cases", args=[school_a.urn])
    assert "No cases yet." in client.get(url).content.decode()
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    table = client.get(url).content.decode().split("<table")[1]
    assert f'href="{reverse("improvement:case-detail", args=[case.pk])}">Case {case.pk}</a>' in table
    assert ">URN</th>" not in table and school_a.name not in table
