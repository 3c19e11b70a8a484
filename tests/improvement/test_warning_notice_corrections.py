"""A warning notice's compliance date has an upper limit (`warning_notice_compliance_max_days`, 12 weeks), and the
officer who issues notices can correct a notice's grounds and dates, or withdraw it, with a reason, while no later
step depends on it (found in review: a compliance date typed as 2030 for 2026 held the case for years)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from schoolsystem.core.audit import AuditEvent
from schoolsystem.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState
from tests.improvement.factories import case_in_state, today


def _day(value, prefix):
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def _issue(case, by, compliance_by, issued_on=None):
    return services.case_issue_warning_notice(
        case=case, by=by, grounds=["standards"], issued_on=issued_on, compliance_by=compliance_by
    )


def test_a_compliance_date_beyond_12_weeks_is_refused_naming_the_latest_date(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        _issue(case, officer, today().replace(year=today().year + 4))
    assert err.value.extra["errors"]["compliance_by"] == [
        f"The compliance date must be on or before {govuk_date(today() + timedelta(days=84))}, 12 weeks after "
        "the date the notice was issued"
    ]
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING and case.compliance_by is None
    # 12 weeks to the day is accepted.
    assert _issue(case, officer, today() + timedelta(days=84)).state == CaseState.WARNING_NOTICE


def test_the_limit_is_counted_from_a_back_dated_notice_and_configurable(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    issued = today() - timedelta(days=10)
    with (
        override_settings(IMPROVEMENT_DEADLINES={"warning_notice_compliance_max_days": 30}),
        pytest.raises(ValidationFailed) as err,
    ):
        _issue(case, officer, issued + timedelta(days=31), issued_on=issued)
    assert (
        f"on or before {govuk_date(issued + timedelta(days=30))}, 30 days after"
        in (err.value.extra["errors"]["compliance_by"][0])
    )


def test_the_form_shows_the_limit_beside_the_field(client, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    client.force_login(officer)
    url = reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"])
    response = client.post(
        url,
        {
            "version": case.version,
            "grounds": ["standards"],
            **_day(today(), "issued_on"),
            **_day(today() + timedelta(days=400), "compliance_by"),
        },
    )
    assert response.status_code == 400
    assert "12 weeks after the date the notice was issued" in response.content.decode()


def _mistyped(school, officer):
    case = case_in_state(CaseState.MONITORING, school=school, by=officer)
    return _issue(case, officer, today() + timedelta(days=80))


def test_correcting_the_notice_changes_its_dates_with_history_and_audit(client, school_a, officer):
    case = _mistyped(school_a, officer)
    client.force_login(officer)
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    url = reverse("improvement:case-action", args=[case.pk, "correct_warning_notice"])
    assert url in page
    form = client.get(url).context["form"]
    assert form["compliance_by"].value() == case.compliance_by
    new = today() + timedelta(days=21)
    response = client.post(
        url,
        {
            "version": case.version,
            "grounds": ["standards", "safety"],
            **_day(case.warning_notice_issued_on, "issued_on"),
            **_day(new, "compliance_by"),
            "reason": "Compliance date mistyped.",
        },
    )
    assert response.status_code == 302
    old = case.compliance_by
    case.refresh_from_db()
    assert case.compliance_by == new and case.warning_grounds == ["standards", "safety"]
    assert case.state == CaseState.WARNING_NOTICE
    event = case.events.first()
    assert event.action == "warning_notice_corrected" and event.note == "Compliance date mistyped."
    audit = AuditEvent.objects.filter(action="case.warning_notice_corrected", object_id=str(case.pk)).get()
    assert audit.changes["compliance_by"] == [old.isoformat(), new.isoformat()]
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Warning notice corrected" in page
    assert f"Comply by {govuk_date(old)} changed to {govuk_date(new)}" in page


def test_a_correction_is_held_to_the_notice_rules_and_needs_a_reason(school_a, officer):
    case = _mistyped(school_a, officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_correct_warning_notice(
            case=case,
            by=officer,
            grounds=["standards"],
            issued_on=case.warning_notice_issued_on,
            compliance_by=today() + timedelta(days=365),
            reason=" ",
            version=case.version,
        )
    errors = err.value.extra["errors"]
    assert set(errors) == {"compliance_by", "reason"}
    case.refresh_from_db()
    assert case.compliance_by == today() + timedelta(days=80)


def test_withdrawing_the_notice_returns_the_case_to_where_it_was(client, school_a, officer):
    case = _mistyped(school_a, officer)
    client.force_login(officer)
    url = reverse("improvement:case-action", args=[case.pk, "withdraw_warning_notice"])
    assert client.post(url, {"version": case.version}).status_code == 400  # the reason is required
    response = client.post(url, {"version": case.version, "reason": "Issued in error."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING
    assert case.warning_notice_issued_on is None and case.compliance_by is None and case.warning_grounds == []
    assert case.events.first().action == "warning_notice_withdrawn"
    assert AuditEvent.objects.filter(action="case.warning_notice_withdrawn", object_id=str(case.pk)).exists()
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert "Warning notice withdrawn" in page and "Issued in error." in page
    # Nothing left to correct: not offered, and the page says why.
    assert "correct_warning_notice" not in page
    assert (
        client.get(reverse("improvement:case-action", args=[case.pk, "correct_warning_notice"])).status_code
        == 200
    )
    # The notice can be issued again.
    case = _issue(case, officer, today() + timedelta(days=21))
    assert case.state == CaseState.WARNING_NOTICE


def test_no_change_once_an_intervention_depends_on_the_notice(client, school_a, officer):
    case = case_in_state(CaseState.INTERVENTION_CHOSEN, school=school_a, by=officer)
    with pytest.raises(InvalidTransition):
        services.case_withdraw_warning_notice(case=case, by=officer, reason="Error.", version=case.version)
    with pytest.raises(InvalidTransition):
        services.case_correct_warning_notice(
            case=case,
            by=officer,
            grounds=["standards"],
            issued_on=case.warning_notice_issued_on,
            compliance_by=case.compliance_by,
            reason="Error.",
            version=case.version,
        )
    client.force_login(officer)
    assert (
        "withdraw_warning_notice"
        not in client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    )
    url = reverse("improvement:case-action", args=[case.pk, "withdraw_warning_notice"])
    response = client.post(url, {"version": case.version, "reason": "Error."})
    assert response.status_code == 409
    assert "moved on from its warning notice" in response.content.decode()


def test_for_an_academy_only_the_regional_officer_changes_the_notice(client, academy_a, regional, officer):
    case = case_in_state(CaseState.MONITORING, school=academy_a, by=regional)
    case = _issue(case, regional, today() + timedelta(days=21))
    with pytest.raises(PermissionDenied):
        services.case_withdraw_warning_notice(case=case, by=officer, reason="Error.", version=case.version)
    client.force_login(officer)
    assert (
        "withdraw_warning_notice"
        not in client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    )
    url = reverse("improvement:case-action", args=[case.pk, "withdraw_warning_notice"])
    assert client.get(url).status_code == 403
    client.force_login(regional)
    assert (
        "withdraw_warning_notice"
        in client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    )
