"""A page shows every problem with what was entered at once: the fields' own errors and the rules the service
enforces that need only the form's data (a date in the future, a response the outcome needs, a partner the
intervention needs), so the user does not fix one round of errors only to meet another. The form calls the same
rule function as the service (improvement.rules, core.rules), which still refuses any other caller."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.rules import not_after_today
from schoolsystem.improvement import rules, services
from schoolsystem.improvement.constants import CaseState, ConsultationOutcome, InterventionOption
from tests.improvement.factories import case_in_state, consult, today
from tests.improvement.test_support_steps import deployed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _summary(html: str) -> list[str]:
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(m) for m in re.findall(r"<a [^>]*>(.*?)</a>", body)]


def _post(client, user, case, action, data):
    client.force_login(user)
    return client.post(
        reverse("improvement:case-action", args=[case.pk, action]), {"version": case.version, **data}
    )


def _day(date_value, prefix):
    return {
        f"{prefix}_day": date_value.day,
        f"{prefix}_month": date_value.month,
        f"{prefix}_year": date_value.year,
    }


def test_visit_in_the_future_and_missing_notes_are_shown_together(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(client, officer, case, "record_visit", _day(today() + timedelta(days=1), "visited_on"))
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "The date of the visit must be today or in the past",
        "Enter notes of the visit",
    ]


def test_consultation_missing_proposal_and_missing_response_are_shown_together(client, school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    response = _post(
        client,
        officer,
        case,
        "record_consultation",
        {"outcome": ConsultationOutcome.AGREED, **_day(today() + timedelta(days=2), "consulted_on")},
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Enter what was proposed",
        "The date of the consultation must be today or in the past",
        "Enter what the school said",
    ]


def test_intervention_without_its_partner_or_rationale_is_shown_together(client, school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    consult(
        case, officer
    )  # consulted since the notice: an intervention can be chosen (else no form is shown)
    case.refresh_from_db()
    response = _post(
        client,
        officer,
        case,
        "choose_intervention",
        {
            "option": InterventionOption.FEDERATION,
            "options_considered": "Federation",
            "criteria": "Standards",
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Enter the partner school, leader or trust",
        "Enter the rationale",
    ]


def test_review_in_the_future_and_missing_progress_are_shown_together(client, school_a, officer):
    case = case_in_state(CaseState.IMPLEMENTATION, school=school_a, by=officer)
    response = _post(client, officer, case, "hold_review", _day(today() + timedelta(days=3), "reviewed_on"))
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "The date of the review must be today or in the past",
        "Enter the progress made",
    ]


def test_the_services_still_enforce_the_rules_with_the_same_words(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as err:
        services.case_record_visit(case=case, by=officer, visited_on=tomorrow, notes="Seen.")
    assert err.value.extra["errors"]["visited_on"] == [
        not_after_today(tomorrow, today=today(), what=rules.VISITED_ON)
    ]
    with pytest.raises(ValidationFailed) as err:
        services.case_record_consultation(
            case=case,
            by=officer,
            proposal="Federation",
            consulted_on=today(),
            school_response="",
            outcome=ConsultationOutcome.AGREED,
        )
    assert err.value.extra["errors"]["school_response"] == ["Enter what the school said"]


def test_the_rules_hold_for_every_outcome_and_option():
    assert not_after_today(today(), today=today(), what="the date") is None
    assert not_after_today(None, today=today(), what="the date") is None
    for outcome in ConsultationOutcome.values:
        needed = rules.consultation_response_error(outcome=outcome, school_response="")
        assert (needed is None) == (outcome in rules.NO_RESPONSE_OUTCOMES)
        assert rules.consultation_response_error(outcome=outcome, school_response="We agree") is None
    for option in InterventionOption.values:
        assert rules.intervention_partner_error(option=option, partner_name="Oak Trust") is None
        assert (
            rules.intervention_partner_error(option=option, partner_name="", has_partner_group=True) is None
        )


def test_a_decision_dated_tomorrow_without_its_subject_shows_both(client, officer, school_a):
    client.force_login(officer)
    tomorrow = today() + timedelta(days=1)
    response = client.post(
        reverse("improvement:decision-new"),
        {
            "urn": school_a.urn,
            "decision_type": "intervention",
            "outcome": "approved",
            "decided_by_name": "Cabinet member",
            "decided_on": tomorrow.isoformat(),
            "options_considered": "Federation",
            "criteria": "Standards",
            "rationale": "Capacity.",
            "consultation_outcome": "Agreed.",
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Enter what was decided",
        "The date of the decision must be today or in the past",
    ]


def test_a_support_review_dated_tomorrow_without_its_rating_shows_both(client, officer, deployed):  # noqa: F811
    client.force_login(officer)
    response = client.post(
        reverse("improvement:support-step", args=[deployed.pk, "review"]),
        {"progress": "On track", **_day(today() + timedelta(days=1), "reviewed_on")},
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "The date of the review must be today or in the past",
        "Select the progress rating",
    ]
    with pytest.raises(ValidationFailed) as err:
        services.support_request_review(
            by=officer, request=deployed, reviewed_on=today() + timedelta(days=1), rag="green", progress="x"
        )
    assert err.value.extra["errors"]["reviewed_on"] == ["The date of the review must be today or in the past"]
