"""The case page offers only the moves the service takes for the signed-in role and this case
(docs/decisions/0091): escalation sends a case to the regional officer, so a regional officer is never offered it
(and the service refuses it); a case whose academy order is in force is not escalated; a case exits only when every
exit criterion is met. A move refused whatever is entered is named with why, and its page says why instead of a
form; the API's allowed_actions are the same moves."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolsystem.core.errors import InvalidTransition, PermissionDenied
from schoolsystem.improvement import selectors, services
from schoolsystem.improvement.constants import (
    CASE_TRANSITIONS,
    CaseAction,
    CaseState,
    ConsultationOutcome,
    InterventionOption,
)
from tests.improvement.factories import PATHS, case_in_state, consult, make_school, today

ESCALATE = CaseAction.ESCALATE


def _actions(client, user, case):
    client.force_login(user)
    response = client.get(reverse("improvement:case-detail", args=[case.pk]))
    assert response.status_code == 200
    return [a for a, _ in response.context["actions"]], response.content.decode()


def _academy_order_case(school, officer, regional):
    """The demo's story: an inadequate maintained school, warning notice, consultation, academy order issued by the
    regional officer (the case is then 'intervention chosen')."""
    case = case_in_state(CaseState.WARNING_NOTICE, school=school, by=officer)
    consult(case, regional)
    case.refresh_from_db()
    return services.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="Inadequate: the law requires an academy order.",
        options_considered=["Sponsored academy", "IEB"],
        criteria=["Inadequate"],
    )


def test_a_regional_officer_is_not_offered_escalate_after_choosing_the_intervention(
    client, inadequate_a, officer, regional
):
    """Found in review: the regional officer was offered 'Escalate' on the case whose academy order they had just
    issued."""
    case = _academy_order_case(inadequate_a, officer, regional)
    assert case.state == CaseState.INTERVENTION_CHOSEN
    actions, page = _actions(client, regional, case)
    assert ESCALATE not in actions
    assert reverse("improvement:case-action", args=[case.pk, ESCALATE]) not in page
    assert CaseAction.START_IMPLEMENTATION in actions
    # The page of the move says why (403), and the service refuses it.
    response = client.get(reverse("improvement:case-action", args=[case.pk, ESCALATE]))
    assert response.status_code == 403
    assert "A regional officer does not escalate it" in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.case_escalate(case=case, by=regional, reason="x")
    case.refresh_from_db()
    assert case.state == CaseState.INTERVENTION_CHOSEN


@pytest.mark.parametrize("state", [s for s in PATHS if s in CASE_TRANSITIONS[ESCALATE][0]])
def test_escalate_is_offered_to_the_la_officer_never_to_the_regional_officer(
    client, school_a, officer, regional, state
):
    case = case_in_state(state, school=school_a, by=officer)
    assert ESCALATE not in _actions(client, regional, case)[0]
    with pytest.raises(PermissionDenied):
        services.case_escalate(case=case, by=regional, reason="x")
    assert ESCALATE in _actions(client, officer, case)[0]
    assert services.case_escalate(case=case, by=officer, reason="No progress.").state == CaseState.ESCALATED


def test_a_case_whose_academy_order_is_in_force_is_not_escalated(client, inadequate_a, officer, regional):
    case = _academy_order_case(inadequate_a, officer, regional)
    actions, page = _actions(client, officer, case)
    assert ESCALATE not in actions
    assert "Escalate: not now. The regional officer&#x27;s academy order of" in page
    response = client.get(reverse("improvement:case-action", args=[case.pk, ESCALATE]))
    assert response.status_code == 200 and 'id="not-now"' in response.content.decode()
    assert 'id="main-form"' not in response.content.decode()
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, ESCALATE]), {"version": case.version, "reason": "x"}
    )
    assert response.status_code == 409
    with pytest.raises(InvalidTransition, match="academy order of .* is in force"):
        services.case_escalate(case=case, by=officer, reason="x")
    case.refresh_from_db()
    assert case.state == CaseState.INTERVENTION_CHOSEN
    # Revoked (exceptional circumstances), the case may go back to the regional officer.
    services.academy_order_revoke(order=case.academy_order, by=regional, reason="Sustained improvement.")
    case.refresh_from_db()
    assert ESCALATE in _actions(client, officer, case)[0]


def test_a_refusal_to_engage_recorded_by_the_regional_officer_does_not_escalate_to_them(
    inadequate_a, officer, regional
):
    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=officer)
    services.case_record_consultation(
        case=case,
        by=regional,
        proposal="Academy order",
        consulted_on=today(),
        school_response="",
        outcome=ConsultationOutcome.REFUSED_TO_ENGAGE,
    )
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE  # recorded, and the case stays with them
    assert case.consultations.count() == 1


def test_exit_is_offered_only_when_every_exit_criterion_is_met(client, school_a, officer):
    case = case_in_state(CaseState.REVIEW, school=school_a, by=officer)
    actions, page = _actions(client, officer, case)
    assert CaseAction.EXIT not in actions
    assert "Exit: criteria met: not now. No exit criteria are set" in page
    services.case_update(case=case, by=officer, version=case.version, summary="", exit_criteria=["A", "B"])
    case.refresh_from_db()
    services.case_hold_review(case=case, by=officer, reviewed_on=today(), progress="Half.", criteria_met=[0])
    case.refresh_from_db()
    actions, page = _actions(client, officer, case)
    assert CaseAction.EXIT not in actions and "1 of 2 are met" in page
    services.case_hold_review(
        case=case, by=officer, reviewed_on=today(), progress="All.", criteria_met=[0, 1]
    )
    case.refresh_from_db()
    assert CaseAction.EXIT in _actions(client, officer, case)[0]


@pytest.mark.parametrize("state", list(PATHS))
def test_every_move_offered_is_one_the_service_takes(client, inadequate_a, officer, regional, state):
    """For each role, each move the page offers is one the role rule and the case's guards allow: the same
    function the service applies (the service's own guards on input are tested with each step)."""
    case = case_in_state(state, school=inadequate_a, by=officer)
    for user in (officer, regional):
        for action in selectors.case_actions_for(case, user):
            assert action in CASE_TRANSITIONS and case.state in CASE_TRANSITIONS[action][0]
        assert (ESCALATE in selectors.case_actions_for(case, user)) == (
            user is officer and case.state in CASE_TRANSITIONS[ESCALATE][0]
        )


def test_the_api_lists_the_moves_of_the_signed_in_role(
    client, las, inadequate_a, school_a, officer, regional
):
    case = _academy_order_case(inadequate_a, officer, regional)
    for user in (officer, regional):
        client.force_login(user)
        body = client.get(f"/api/v1/cases/{case.pk}/").json()
        assert body["allowed_actions"] == [CaseAction.START_IMPLEMENTATION]
    monitoring = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(regional)
    assert ESCALATE not in client.get(f"/api/v1/cases/{monitoring.pk}/").json()["allowed_actions"]
    client.force_login(officer)
    assert ESCALATE in client.get(f"/api/v1/cases/{monitoring.pk}/").json()["allowed_actions"]
    # The list reads each case's academy order in the same query: no query per case.
    with CaptureQueriesContext(connection) as two:
        assert len(client.get("/api/v1/cases/").json()["results"]) == 2
    for urn in (100101, 100102):
        case_in_state(CaseState.MONITORING, school=make_school(las[0], urn), by=officer)
    with CaptureQueriesContext(connection) as four:
        assert len(client.get("/api/v1/cases/").json()["results"]) == 4
    assert len(four) == len(two)


@pytest.mark.parametrize("step", ["order-revoke", "order-sponsor"])
def test_an_academy_order_step_page_is_the_regional_officers_only_and_says_when_the_order_has_moved_on(
    client, make_user, inadequate_a, officer, regional, step
):
    """Found in review: a head and an LA officer were shown the full revoke and sponsor forms by URL, and only the
    save was refused."""
    case = _academy_order_case(inadequate_a, officer, regional)
    order = case.academy_order
    url = reverse(f"improvement:{step}", args=[order.pk])
    head = make_user("school_leader", scope_establishment=inadequate_a)
    # The case page links the step for the regional officer only (found by crawling the demo: the LA officer's case
    # page still linked both pages that refused them).
    for user, linked in ((officer, False), (regional, True)):
        client.force_login(user)
        assert (
            url in client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
        ) is linked
    for user in (officer, head):
        client.force_login(user)
        for response in (client.get(url), client.post(url, {"reason": "x", "rationale": "x"})):
            assert response.status_code == 403
    client.force_login(officer)
    assert "Academy orders are the regional officer&#x27;s decision" in client.get(url).content.decode()
    client.force_login(regional)
    assert client.get(url).status_code == 200 and "<form" in client.get(url).content.decode()
    services.academy_order_revoke(order=order, by=regional, reason="Sustained improvement.")
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "not now" in page and 'name="reason"' not in page
    order.refresh_from_db()
    refusal = services.order_step_refusal(
        order, step.removeprefix("order-").replace("sponsor", "record_sponsor"), regional
    )
    assert refusal.message == "The academy order cannot change now: it has been revoked."
    assert refusal.message in page
    assert order.state == "revoked"


def test_a_step_the_case_state_does_not_allow_says_why_instead_of_a_form(client, school_a, officer):
    """Found in review: the warning notice form showed on an 'identified' case, and only the save was refused."""
    case = case_in_state(CaseState.IDENTIFIED, school=school_a, by=officer)
    client.force_login(officer)
    url = reverse("improvement:case-action", args=[case.pk, CaseAction.ISSUE_WARNING_NOTICE])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "not now" in page and 'name="grounds"' not in page
    assert services.transition_refusal(case, CaseAction.ISSUE_WARNING_NOTICE) in page.replace("&#x27;", "'")
    assert "From here the case can: start monitoring, record an early conversation (pre-warning)" in page
    assert client.post(url, {"grounds": ["standards"]}).status_code == 409
    case.refresh_from_db()
    assert case.state == CaseState.IDENTIFIED and case.warning_notice_issued_on is None


def test_an_academy_order_decision_is_published_by_the_region_not_the_la(
    client, inadequate_a, officer, regional
):
    """Found in review: the LA officer's 'What is due' asked them to publish the regional officer's academy-order
    decision, and they could."""
    case = _academy_order_case(inadequate_a, officer, regional)
    decision = case.academy_order.decision
    assert decision.decision_type == "academy_order" and decision.status == "draft"
    due = lambda user: [t.label for t in selectors.tasks_for_user(user) if t.kind == "decision"]  # noqa: E731
    assert not any(decision.reference in label for label in due(officer))
    assert any(decision.reference in label for label in due(regional))
    with pytest.raises(PermissionDenied):
        services.decision_publish(by=officer, decision=decision)
    services.decision_publish(by=regional, decision=decision)
    decision.refresh_from_db()
    assert decision.status == "published" and decision.published_by == regional


def test_no_warning_notice_while_the_schools_academy_order_stands(client, school_a, officer, regional):
    """Found in review: a new case could issue a warning notice for a school whose academy route already stood
    (here an academy order in force from an earlier case); the notice then fell due and nothing could clear it."""
    from datetime import date

    from django.utils import timezone

    from schoolsystem.improvement.models import AcademyOrder, Case

    earlier = Case.objects.create(
        school=school_a, state=CaseState.CLOSED, state_changed_on=timezone.now(), sector="maintained",
        reasons=["x"], opened_by=officer,
    )  # fmt: skip
    AcademyOrder.objects.create(case=earlier, state="issued", issued_on=date(2026, 9, 1), issued_by=regional)
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    actions, page = _actions(client, officer, case)
    assert CaseAction.ISSUE_WARNING_NOTICE not in actions
    assert "already has an academy order, issued on 1 September 2026" in page.replace("&#x27;", "'")
    url = reverse("improvement:case-action", args=[case.pk, CaseAction.ISSUE_WARNING_NOTICE])
    response = client.get(url)
    assert response.status_code == 200 and "not now" in response.content.decode()
    with pytest.raises(InvalidTransition):
        services.case_issue_warning_notice(
            case=case, by=officer, grounds=["standards"], compliance_by=today() + timedelta(days=20)
        )
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING


def test_the_api_does_not_offer_a_warning_notice_while_the_academy_route_stands(
    client, las, school_a, officer, regional
):
    """The API's allowed_actions apply the same guard as the page (left out at first: it read each case's route,
    a query per case in lists). A list reads the routes of its page at once."""
    from datetime import date

    from django.utils import timezone

    from schoolsystem.improvement.models import AcademyOrder, Case

    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    assert (
        CaseAction.ISSUE_WARNING_NOTICE in client.get(f"/api/v1/cases/{case.pk}/").json()["allowed_actions"]
    )
    earlier = Case.objects.create(
        school=school_a, state=CaseState.CLOSED, state_changed_on=timezone.now(), sector="maintained",
        reasons=["x"], opened_by=officer,
    )  # fmt: skip
    AcademyOrder.objects.create(case=earlier, state="issued", issued_on=date(2026, 9, 1), issued_by=regional)
    assert (
        CaseAction.ISSUE_WARNING_NOTICE
        not in client.get(f"/api/v1/cases/{case.pk}/").json()["allowed_actions"]
    )
    other = case_in_state(CaseState.MONITORING, school=make_school(las[0], 100103), by=officer)
    with CaptureQueriesContext(connection) as few:
        listed = {c["id"]: c["allowed_actions"] for c in client.get("/api/v1/cases/").json()["results"]}
    assert CaseAction.ISSUE_WARNING_NOTICE not in listed[case.pk]
    assert CaseAction.ISSUE_WARNING_NOTICE in listed[other.pk]
    for urn in (100104, 100105, 100106):
        case_in_state(CaseState.MONITORING, school=make_school(las[0], urn), by=officer)
    with CaptureQueriesContext(connection) as more:
        assert len(client.get("/api/v1/cases/").json()["results"]) == 6
    assert len(more) == len(few)
