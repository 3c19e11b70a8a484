"""Every dated step of a case is on or after the date the concern was identified (found in review: an early
conversation dated 1 January 1890 on a case opened this week). The errors name the field and the earliest date; the
date entered for an early conversation is shown in the case's history."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState
from tests.improvement.factories import case_in_state, today

OLD = date(1890, 1, 1)


def _day(value, prefix):
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def _message(case, what):
    return f"{what} must be on or after {govuk_date(case.identified_on)}, the date the concern was identified"


def test_an_early_conversation_before_the_case_was_identified_is_refused(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_hold_early_conversation(case=case, by=officer, held_on=OLD, note="Talked.")
    assert err.value.extra["errors"]["held_on"] == [_message(case, "The date of the conversation")]
    client.force_login(officer)
    url = reverse("improvement:case-action", args=[case.pk, "hold_early_conversation"])
    response = client.post(url, {"version": case.version, "note": "Talked.", **_day(OLD, "held_on")})
    assert response.status_code == 400
    assert _message(case, "The date of the conversation") in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING


def test_the_date_of_the_conversation_is_shown_in_the_history(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    held = case.identified_on + timedelta(days=3)
    services.case_hold_early_conversation(case=case, by=officer, held_on=held, note="Talked.")
    client.force_login(officer)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert f"Held on {govuk_date(held)}. Talked." in page


def test_visits_and_reviews_before_the_case_was_identified_are_refused(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_record_visit(case=case, by=officer, visited_on=OLD, notes="Seen.")
    assert err.value.extra["errors"]["visited_on"] == [_message(case, "The date of the visit")]
    client.force_login(officer)
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, "record_visit"]),
        {"version": case.version, "notes": "Seen.", **_day(OLD, "visited_on")},
    )
    assert (
        response.status_code == 400 and _message(case, "The date of the visit") in response.content.decode()
    )


def test_a_review_before_the_case_was_identified_is_refused(client, inadequate_a, officer):
    case = case_in_state(CaseState.IMPLEMENTATION, school=inadequate_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_hold_review(case=case, by=officer, reviewed_on=OLD, progress="Some.")
    assert err.value.extra["errors"]["reviewed_on"] == [_message(case, "The date of the review")]
    client.force_login(officer)
    response = client.post(
        reverse("improvement:case-action", args=[case.pk, "hold_review"]),
        {"version": case.version, "progress": "Some.", **_day(OLD, "reviewed_on")},
    )
    assert (
        response.status_code == 400 and _message(case, "The date of the review") in response.content.decode()
    )


def test_the_date_identified_cannot_move_after_a_conversation(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    held = case.identified_on + timedelta(days=2)
    case = services.case_hold_early_conversation(case=case, by=officer, held_on=held, note="Talked.")
    with pytest.raises(ValidationFailed) as err:
        services.case_update(
            case=case,
            by=officer,
            version=case.version,
            summary="",
            exit_criteria=[],
            identified_on=held + timedelta(days=1),
        )
    assert govuk_date(held) in err.value.extra["errors"]["identified_on"][0]
    assert today() >= held
