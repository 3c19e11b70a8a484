"""A warning notice recorded after the fact may be dated at most `warning_notice_backdate_days` (90) days back:
dated further, its compliance period could be over before the case showed it, and an intervention chosen at once.
The hint and the error say so; an older notice is issued today with the earlier date in its note (the history)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState
from tests.improvement.factories import case_in_state, today


def _notice(case, by, days_ago, note=""):
    return services.case_issue_warning_notice(
        case=case,
        by=by,
        grounds=["standards"],
        issued_on=today() - timedelta(days=days_ago),
        compliance_by=today() - timedelta(days=days_ago) + timedelta(days=21),
        note=note,
    )


def test_a_notice_dated_90_days_back_is_recorded_with_its_date(school_a, officer):
    case = _notice(case_in_state(CaseState.MONITORING, school=school_a, by=officer), officer, 90)
    assert case.state == CaseState.WARNING_NOTICE
    assert case.warning_notice_issued_on == today() - timedelta(days=90)
    assert case.events.first().data["issued_on"] == (today() - timedelta(days=90)).isoformat()


@pytest.mark.parametrize("days_ago", [91, 400])
def test_a_notice_dated_further_back_is_refused_and_the_error_says_from_when(school_a, officer, days_ago):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        _notice(case, officer, days_ago)
    message = err.value.extra["errors"]["issued_on"][0]
    assert "within the last 90 days" in message
    assert govuk_date(today() - timedelta(days=90)) in message
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING and case.warning_notice_issued_on is None


@override_settings(IMPROVEMENT_DEADLINES={"warning_notice_backdate_days": 30})
def test_the_window_is_configurable(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        _notice(case, officer, 31)
    assert "within the last 30 days" in err.value.extra["errors"]["issued_on"][0]


def test_the_page_hints_at_the_window_and_shows_the_error_on_the_field(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    url = reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"])
    client.force_login(officer)
    assert "up to 90 days ago" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "version": case.version,
            "grounds": ["standards"],
            "issued_on": (today() - timedelta(days=120)).isoformat(),
            "compliance_by": (today() - timedelta(days=60)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "within the last 90 days" in " ".join(response.context["form"].errors["issued_on"])
    assert "within the last 90 days" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING  # the compliance period was not skipped


def test_an_older_notice_is_kept_in_the_history_of_one_issued_today(school_a, officer):
    earlier = govuk_date(today() - timedelta(days=200))
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    case = _notice(case, officer, 0, note=f"Notice first issued on paper on {earlier}.")
    assert case.warning_notice_issued_on == today()
    assert earlier in case.events.first().note
