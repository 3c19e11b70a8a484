"""The warning-notice form checks the notice's date rules (issued today or earlier, at most
`warning_notice_backdate_days` back; compliance date after the date issued) beside its fields' own errors, so one
submission shows every problem; the service enforces the same rule function (improvement.rules) for every caller."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.improvement import rules, services
from schoolsystem.improvement.constants import CaseState
from tests.improvement.factories import case_in_state, today

pytestmark = pytest.mark.django_db

ACTION = "issue_warning_notice"


def _summary(html: str) -> list[str]:
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(m) for m in re.findall(r"<a [^>]*>(.*?)</a>", body)]


def _day(value, prefix):
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def _post(client, user, case, data):
    client.force_login(user)
    return client.post(
        reverse("improvement:case-action", args=[case.pk, ACTION]), {"version": case.version, **data}
    )


def test_no_grounds_and_a_notice_dated_tomorrow_are_shown_together(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(
        client,
        officer,
        case,
        {
            **_day(today() + timedelta(days=1), "issued_on"),
            **_day(today() + timedelta(days=21), "compliance_by"),
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Select at least one ground for the warning notice",
        "The date the notice was issued must be today or in the past",
    ]
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING


def test_no_grounds_a_notice_too_far_back_and_a_compliance_date_before_it_are_shown_together(
    client, school_a, officer
):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(
        client,
        officer,
        case,
        {
            **_day(today() - timedelta(days=120), "issued_on"),
            **_day(today() - timedelta(days=130), "compliance_by"),
        },
    )
    assert response.status_code == 400
    summary = _summary(response.content.decode())
    assert summary[0] == "Select at least one ground for the warning notice"
    assert summary[1].startswith("The date the notice was issued must be within the last 90 days")
    assert summary[2] == "The compliance date must be after the date the notice was issued"


def test_no_grounds_a_future_notice_and_a_compliance_date_not_after_it_are_shown_together(
    client, school_a, officer
):
    """Found in review: the compliance date's error came only on the second submission, once the date issued was
    put right. It is measured from the date entered, so the first submission names all three."""
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    tomorrow = today() + timedelta(days=1)
    response = _post(
        client, officer, case, {**_day(tomorrow, "issued_on"), **_day(tomorrow, "compliance_by")}
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Select at least one ground for the warning notice",
        "The date the notice was issued must be today or in the past",
        "The compliance date must be after the date the notice was issued",
    ]
    # Put right as the messages say (date issued today, compliance date later), it is issued.
    response = _post(
        client,
        officer,
        case,
        {"grounds": ["standards"], **_day(today(), "issued_on"), **_day(tomorrow, "compliance_by")},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE


def test_a_blank_date_issued_means_today_so_compliance_today_is_refused(client, school_a, officer):
    # The date issued left blank means today: the compliance date must then be in the future.
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(client, officer, case, _day(today(), "compliance_by"))
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Select at least one ground for the warning notice",
        "The compliance date must be in the future",
    ]


def test_a_date_issued_that_is_not_a_real_date_gives_only_its_own_error(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(
        client,
        officer,
        case,
        {
            "grounds": ["standards"],
            "issued_on_day": "31",
            "issued_on_month": "2",
            "issued_on_year": str(today().year),
            **_day(today() - timedelta(days=5), "compliance_by"),
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == ["The date the notice was issued must be a real date"]


def test_the_service_still_refuses_with_the_same_words(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    tomorrow = today() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as err:
        services.case_issue_warning_notice(
            case=case, by=officer, grounds=[], issued_on=tomorrow, compliance_by=tomorrow + timedelta(days=21)
        )
    assert err.value.extra["errors"] == {
        "grounds": ["Select at least one ground for the warning notice"],
        "issued_on": ["The date the notice was issued must be today or in the past"],
    }
    with pytest.raises(ValidationFailed) as err:
        services.case_issue_warning_notice(
            case=case,
            by=officer,
            grounds=["standards"],
            issued_on=today() - timedelta(days=10),
            compliance_by=today() - timedelta(days=10),
        )
    assert err.value.extra["errors"] == {
        "compliance_by": ["The compliance date must be after the date the notice was issued"]
    }
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING and case.warning_notice_issued_on is None


@override_settings(IMPROVEMENT_DEADLINES={"warning_notice_backdate_days": 30})
def test_the_form_uses_the_configured_window(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    response = _post(
        client,
        officer,
        case,
        {
            **_day(today() - timedelta(days=31), "issued_on"),
            **_day(today() + timedelta(days=5), "compliance_by"),
        },
    )
    summary = _summary(response.content.decode())
    assert summary[0] == "Select at least one ground for the warning notice"
    assert summary[1].startswith("The date the notice was issued must be within the last 30 days")


@given(
    issued_ago=st.one_of(st.none(), st.integers(min_value=-30, max_value=200)),
    comply_after=st.integers(min_value=-60, max_value=60),
    window=st.integers(min_value=0, max_value=120),
)
def test_the_rule_accepts_exactly_the_notices_the_policy_allows(issued_ago, comply_after, window):
    now = today()
    issued = None if issued_ago is None else now - timedelta(days=issued_ago)
    effective = issued or now
    compliance = effective + timedelta(days=comply_after)
    found = rules.warning_notice_date_errors(
        issued_on=issued, compliance_by=compliance, today=now, backdate_days=window
    )
    ok_issued = effective <= now and effective >= now - timedelta(days=window)
    assert ("issued_on" in found) == (not ok_issued)
    # Measured from the date entered, even one with its own error, so every error shows at once.
    assert ("compliance_by" in found) == (comply_after <= 0)
    assert rules.warning_notice_date_errors(
        issued_on=issued, compliance_by=None, today=now, backdate_days=window
    ).keys() <= {"issued_on"}
