"""A case's date identified, apart from the day it was recorded (found in review: a warning notice issued on paper
before the case was recorded made the case look 'Opened' after its notice). Entered in the GOV.UK date input when
the case is opened (default today, not in the future) and edited with the case (audited); the case's warning notice
and consultations are not dated before it; the case page, the case list, its CSV and the API show it; migration
0005 sets it for existing cases from their own dates."""

import html as htmllib
import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.formatting import govuk_date
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import CaseState, ConsultationOutcome, WarningGround
from schoolsystem.improvement.models import Case, CaseEvent
from tests.improvement.factories import case_in_state, make_school, today

migration = importlib.import_module("schoolsystem.improvement.migrations.0005_case_identified_on")


def _day(value, prefix):
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def _summary(html: str) -> list[str]:
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(m) for m in re.findall(r"<a [^>]*>(.*?)</a>", body)]


def test_the_notice_issued_on_paper_before_the_case_was_recorded(client, school_a, officer):
    """The review's case: recorded today, its notice issued on paper 20 days ago, the concern identified 25 days
    ago. The case page and list show it identified before its notice, not 'Opened' today."""
    client.force_login(officer)
    identified = today() - timedelta(days=25)
    response = client.post(
        reverse("improvement:case-open"),
        {
            "urn": school_a.urn,
            "source": "manual",
            "reasons": "Governance breakdown",
            **_day(identified, "identified_on"),
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(school=school_a)
    assert case.identified_on == identified and case.created_on.date() == today()
    opened = AuditEvent.objects.get(action="case.opened", object_id=str(case.pk))
    assert opened.changes["identified_on"][1] == identified.isoformat()
    services.case_start_monitoring(case=case, by=officer)
    case = services.case_issue_warning_notice(
        case=Case.objects.get(pk=case.pk),
        by=officer,
        grounds=[WarningGround.LEADERSHIP],
        issued_on=today() - timedelta(days=20),
        compliance_by=today() + timedelta(days=5),
    )
    page = client.get(reverse("improvement:case-detail", args=[case.pk])).content.decode()
    assert ">Identified</dt>" in page and identified.strftime("%-d %b %Y") in page
    assert ">Opened</dt>" not in page and ">Recorded</dt>" in page
    listing = client.get(reverse("improvement:case-list")).content.decode()
    assert ">Identified</th>" in listing and identified.strftime("%-d %b %Y") in listing
    csv = b"".join(client.get(reverse("improvement:case-export")).streaming_content).decode("utf-8-sig")
    assert "Identified" in csv.splitlines()[0] and identified.isoformat() in csv
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["identified_on"] == identified.isoformat()


def test_blank_means_today_and_a_future_date_is_shown_with_the_other_errors(client, school_a, officer):
    client.force_login(officer)
    form = client.get(reverse("improvement:case-open")).context["form"]
    assert form["identified_on"].value() == today()
    response = client.post(
        reverse("improvement:case-open"),
        {
            "urn": school_a.urn,
            "source": "manual",
            "reasons": "",
            **_day(today() + timedelta(days=1), "identified_on"),
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Enter at least one reason for concern",
        "The date the concern was identified must be today or in the past",
    ]
    with pytest.raises(ValidationFailed) as err:
        services.case_open(
            school=school_a, by=officer, reasons=["x"], identified_on=today() + timedelta(days=1)
        )
    assert "identified_on" in err.value.extra["errors"]
    assert services.case_open(school=school_a, by=officer, reasons=["x"]).identified_on == today()


def test_notice_and_consultation_may_not_be_dated_before_the_date_identified(client, school_a, officer):
    case = services.case_open(
        school=school_a, by=officer, reasons=["x"], identified_on=today() - timedelta(days=10)
    )
    case = services.case_start_monitoring(case=case, by=officer)
    before = today() - timedelta(days=11)
    expected = (
        f"must be on or after {govuk_date(today() - timedelta(days=10))}, the date the concern was identified"
    )
    with pytest.raises(ValidationFailed) as err:
        services.case_issue_warning_notice(
            case=case,
            by=officer,
            grounds=["standards"],
            issued_on=before,
            compliance_by=today() + timedelta(days=9),
        )
    assert err.value.extra["errors"]["issued_on"] == [f"The date the notice was issued {expected}"]
    with pytest.raises(ValidationFailed) as err:
        services.case_record_consultation(
            case=case,
            by=officer,
            proposal="Federation",
            consulted_on=before,
            school_response="Yes",
            outcome=ConsultationOutcome.AGREED,
        )
    assert err.value.extra["errors"]["consulted_on"] == [f"The date of the consultation {expected}"]
    # The pages show it at once, beside the other errors.
    client.force_login(officer)
    url = reverse("improvement:case-action", args=[case.pk, "issue_warning_notice"])
    response = client.post(
        url, {"version": case.version, **_day(before, "issued_on"), **_day(today(), "compliance_by")}
    )
    assert _summary(response.content.decode()) == [
        "Select at least one ground for the warning notice",
        f"The date the notice was issued {expected}",
    ]
    url = reverse("improvement:case-action", args=[case.pk, "record_consultation"])
    response = client.post(
        url, {"version": case.version, **_day(before, "consulted_on"), "outcome": "agreed"}
    )
    assert _summary(response.content.decode()) == [
        "Enter what was proposed",
        f"The date of the consultation {expected}",
        "Enter what the school said",
    ]
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING and not case.consultations.exists()
    # On the day itself, both are accepted.
    on_the_day = today() - timedelta(days=10)
    services.case_issue_warning_notice(
        case=case,
        by=officer,
        grounds=["standards"],
        issued_on=on_the_day,
        compliance_by=today() + timedelta(days=9),
    )


def test_the_date_identified_is_edited_with_the_case_and_audited(client, school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)  # notice 30 days ago
    notice = case.warning_notice_issued_on
    client.force_login(officer)
    url = reverse("improvement:case-edit", args=[case.pk])
    assert client.get(url).context["form"]["identified_on"].value() == case.identified_on
    response = client.post(
        url, {"version": case.version, **_day(notice + timedelta(days=1), "identified_on")}
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        f"The date the concern was identified must be on or before {govuk_date(notice)}, the date of the case's "
        "first dated step (warning notice, consultation, conversation, visit or review)"
    ]
    response = client.post(url, {"version": case.version, **_day(notice, "identified_on"), "summary": "s"})
    assert response.status_code == 302
    old = case.identified_on
    case.refresh_from_db()
    assert case.identified_on == notice
    edited = AuditEvent.objects.filter(action="case.edited", object_id=str(case.pk)).first()
    assert edited.changes["identified_on"] == [old.isoformat(), notice.isoformat()]
    # Left as it is (or not posted, as before), it is kept.
    services.case_update(case=case, by=officer, version=case.version, summary="t", exit_criteria=[])
    case.refresh_from_db()
    assert case.identified_on == notice


def test_the_migration_sets_the_earliest_of_the_record_and_the_cases_own_dates(
    school_a, lead_school, officer
):
    """Run on cases stored before the field: one whose notice was issued on paper before it was recorded, one whose
    consultation was earlier still, one with no dated step (the day it was recorded)."""
    noticed = case_in_state(
        CaseState.WARNING_NOTICE, school=school_a, by=officer
    )  # notice issued 30 days ago
    consulted = services.case_open(school=lead_school, by=officer, reasons=["x"])
    Case.objects.filter(pk=consulted.pk).update(identified_on=today() - timedelta(days=60))
    services.case_record_consultation(
        case=Case.objects.get(pk=consulted.pk),
        by=officer,
        proposal="Federation",
        consulted_on=today() - timedelta(days=45),
        school_response="Yes",
        outcome=ConsultationOutcome.AGREED,
    )
    plain = services.case_open(school=make_school(school_a.la, 100999), by=officer, reasons=["x"])
    CaseEvent.objects.create(case=plain, action="visit", data={"visited_on": "not a date"})
    # As stored before the field: every case 'identified' today, the day the migration ran.
    Case.objects.update(identified_on=today())

    migration.forwards(django_apps, None)

    assert Case.objects.get(pk=noticed.pk).identified_on == noticed.warning_notice_issued_on
    assert Case.objects.get(pk=consulted.pk).identified_on == today() - timedelta(days=45)
    assert Case.objects.get(pk=plain.pk).identified_on == today()
    assert AuditEvent.objects.filter(action=migration.ACTION).count() == 3
    assert migration.earliest_date(
        recorded_on=today(),
        notice_on=None,
        event_data=[{"held_on": (today() - timedelta(days=3)).isoformat()}, {}, None],
        consulted_on=[],
    ) == today() - timedelta(days=3)


def test_a_date_identified_more_than_ten_years_ago_is_refused_as_a_mistyped_year(client, school_a, officer):
    """Found in review: 1 January 1900 was accepted and shown on the case and the case list."""
    case = services.case_open(school=school_a, by=officer, reasons=["x"])
    client.force_login(officer)
    url = reverse("improvement:case-edit", args=[case.pk])
    earliest = today().replace(year=today().year - 10) if (today().month, today().day) != (2, 29) else None
    response = client.post(
        url, {"version": case.version, **_day(today().replace(year=1900), "identified_on")}
    )
    assert response.status_code == 400
    [message] = _summary(response.content.decode())
    assert message.startswith(
        "The date the concern was identified must be within the last 10 years, on or after "
    )
    with pytest.raises(ValidationFailed):
        services.case_open(
            school=make_school(school_a.la, 100077),
            by=officer,
            reasons=["x"],
            identified_on=today().replace(year=1999),
        )
    if earliest:  # the earliest day allowed is taken, and the page says the case was saved
        response = client.post(url, {"version": case.version, **_day(earliest, "identified_on")}, follow=True)
        assert f"Case saved for {school_a.name}" in htmllib.unescape(response.content.decode())
        case.refresh_from_db()
        assert case.identified_on == earliest
