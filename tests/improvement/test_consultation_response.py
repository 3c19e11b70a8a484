"""The school answers a consultation itself: only its head (or trust), only once, and no intervention before."""

import pytest
from django.urls import reverse

from schoolsystem.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState, ConsultationOutcome, InterventionOption
from tests.improvement.factories import case_in_state, today


@pytest.fixture
def awaiting(officer, school_a):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    return services.case_record_consultation(
        case=case,
        by=officer,
        proposal="Federation with Oak",
        consulted_on=today(),
        school_response="",
        outcome=ConsultationOutcome.AWAITING,
    )


def choose(case, officer):
    case.refresh_from_db()
    return services.case_choose_intervention(
        case=case,
        by=officer,
        option=InterventionOption.LA_SUPPORT,
        rationale="r",
        options_considered=["LA support"],
        criteria=["c"],
    )


def test_head_answers_then_intervention_may_be_chosen(officer, leader_a, awaiting):
    with pytest.raises(ValidationFailed, match="is awaiting the school's response"):
        choose(awaiting.case, officer)  # awaiting is not yet a consultation
    answered = services.consultation_respond(
        by=leader_a,
        consultation=awaiting,
        outcome=ConsultationOutcome.OBJECTED,
        school_response="We prefer LA help.",
    )
    assert answered.outcome == "objected" and answered.recorded_by == officer
    case = choose(awaiting.case, officer)
    assert case.state == CaseState.INTERVENTION_CHOSEN
    assert case.events.filter(action="consultation_response", actor=leader_a).exists()
    with pytest.raises(InvalidTransition):
        services.consultation_respond(
            by=leader_a, consultation=awaiting, outcome=ConsultationOutcome.AGREED, school_response="Yes"
        )


def test_only_the_school_answers(officer, make_user, las, school_b, awaiting):
    with pytest.raises(PermissionDenied):
        services.consultation_respond(
            by=officer, consultation=awaiting, outcome=ConsultationOutcome.AGREED, school_response="Yes"
        )
    other_head = make_user("school_leader", scope_establishment=school_b)
    with pytest.raises(NotFound):
        services.consultation_respond(
            by=other_head, consultation=awaiting, outcome=ConsultationOutcome.AGREED, school_response="Yes"
        )


def test_answer_needs_an_outcome_and_words(leader_a, awaiting):
    with pytest.raises(ValidationFailed) as err:
        services.consultation_respond(
            by=leader_a,
            consultation=awaiting,
            outcome=ConsultationOutcome.REFUSED_TO_ENGAGE,
            school_response=" ",
        )
    assert set(err.value.extra["errors"]) == {"outcome", "school_response"}


def test_head_answers_through_the_page(client, leader_a, officer, awaiting):
    client.force_login(leader_a)
    case = awaiting.case
    detail = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    url = reverse("improvement:consultation-respond", args=[case.pk, awaiting.pk])
    assert url in detail
    bad = client.post(url, {"version": case.version, "outcome": "agreed", "school_response": ""})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    ok = client.post(
        url, {"version": case.version, "outcome": "agreed", "school_response": "Governors agree."}
    )
    assert ok.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.outcome == "agreed" and awaiting.school_response == "Governors agree."
    stale = client.post(url, {"version": case.version, "outcome": "agreed", "school_response": "Again"})
    assert stale.status_code == 409 and "changed by" in stale.content.decode()
    client.force_login(officer)
    assert url not in client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
