"""Accreditation pages show every problem with what was entered at once: the fields' own errors and the rules the
service enforces that need only the form's data, by the same rule functions (accreditation.rules, core.rules)."""

import html as htmllib
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.accreditation import rules, services
from schoolsystem.accreditation.constants import Status
from schoolsystem.accreditation.models import Round
from schoolsystem.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def test_a_round_without_a_name_that_closes_before_it_opens_shows_both(client, people):
    client.force_login(people["dm"])
    response = client.post(
        reverse("accreditation:rounds"), {"name": "", "opens_on": "2026-03-30", "closes_on": "2026-02-01"}
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Enter the round's name, for example Spring term 2026" in page
    assert "The date the round closes must be after the date it opens" in page
    assert not Round.objects.exists()


def test_the_service_refuses_a_backwards_round_in_the_same_words(people):
    with pytest.raises(ValidationFailed) as err:
        services.round_create(
            name="Summer", opens_on=date(2026, 3, 30), closes_on=date(2026, 2, 1), by=people["dm"]
        )
    assert err.value.extra["errors"]["closes_on"] == [
        rules.round_dates_error(opens_on=date(2026, 3, 30), closes_on=date(2026, 2, 1))
    ]
    assert rules.round_dates_error(opens_on=date(2026, 3, 30), closes_on=date(2026, 3, 31)) is None


def test_an_arrangement_without_who_agreed_it_dated_tomorrow_shows_both(client, drive, people):
    app, _ = drive(Status.SUBMITTED)
    client.force_login(people["dm"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("accreditation:action", args=[app.pk, "arrangement"]),
        {"agreed_by": "", "agreed_on": tomorrow.isoformat()},
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Enter who agreed the arrangement" in page
    assert "The date the arrangement was agreed must be today or in the past" in page
    with pytest.raises(ValidationFailed) as err:
        services.application_record_arrangement(
            application=app, agreed_by="A Jones", agreed_on=tomorrow, by=people["dm"]
        )
    assert err.value.extra["errors"]["agreed_on"] == [
        "The date the arrangement was agreed must be today or in the past"
    ]


def test_a_renewal_without_findings_dated_yesterday_shows_both(client, drive, people):
    app, _ = drive(Status.ACCREDITED)
    client.force_login(people["dm"])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("accreditation:accreditation-action", args=[app.accreditation.pk]),
        {"action": "renew", "note": "", "next_review_on": yesterday.isoformat()},
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Enter the findings of the review" in page
    assert "The next review date must be in the future" in page
    with pytest.raises(ValidationFailed) as err:
        services.accreditation_review(
            accreditation=app.accreditation,
            renew=True,
            note="Fine.",
            next_review_on=yesterday,
            by=people["dm"],
        )
    assert err.value.extra["errors"]["next_review_on"] == [
        rules.review_date_error(yesterday, today=timezone.localdate(), what=rules.NEXT_REVIEW_ON)
    ]


def test_a_suspension_without_its_reason_shows_with_the_field_errors(client, drive, people):
    app, _ = drive(Status.ACCREDITED)
    client.force_login(people["dm"])
    response = client.post(
        reverse("accreditation:accreditation-action", args=[app.accreditation.pk]),
        {"action": "suspend", "note": "", "next_review_on": "not a date"},
    )
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Enter the reason for suspending the accreditation" in page
    assert "The next review date must be a real date" in page


@pytest.mark.parametrize(
    "today,expected",
    [
        (date(2028, 2, 29), date(2031, 2, 28)),  # no 29 February in 2031: the last day of February
        (date(2026, 12, 5), date(2029, 12, 5)),
    ],
)
def test_an_accreditation_decided_without_a_review_date_is_reviewed_in_three_years(
    drive, people, today, expected
):
    """Deciding on 29 February raised ValueError (date.replace(year=...)) and the page failed."""
    app, _ = drive(Status.AWAITING_DECISION)
    services.application_decide(application=app, accredit=True, note="Strong.", by=people["dm"], today=today)
    app.refresh_from_db()
    assert app.accreditation.review_due_on == expected


def test_a_review_date_more_than_five_years_ahead_is_refused_as_a_mistyped_year(client, drive, people):
    today = timezone.localdate()
    assert rules.review_date_error(rules.years_after(today, 5), today=today, what=rules.REVIEW_DUE_ON) is None
    far = rules.years_after(today, 5) + timedelta(days=1)
    app, _ = drive(Status.AWAITING_DECISION)
    with pytest.raises(ValidationFailed) as err:
        services.application_decide(
            application=app, accredit=True, note="Strong.", by=people["dm"], review_due_on=date(2099, 1, 1)
        )
    assert err.value.extra["errors"]["review_due_on"] == ["The review date must be within 5 years of today"]
    app.refresh_from_db()
    assert app.status == Status.AWAITING_DECISION
    assert rules.review_date_error(far, today=today, what=rules.NEXT_REVIEW_ON) == (
        "The next review date must be within 5 years of today"
    )


def test_evidence_over_its_limit_shows_the_error_summary_and_keeps_the_text(client, drive):
    app, applicant = drive(Status.DRAFT)
    criterion = app.evidence.first().criterion
    client.force_login(applicant)
    typed = "Our record of improvement. " + "x" * 20_000
    response = client.post(reverse("accreditation:evidence", args=[app.pk, criterion]), {"text": typed})
    page = htmllib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_text">Your evidence must be 20,000 characters or less' in page
    assert typed in page
    assert app.evidence.get(criterion=criterion).text != typed


def test_each_action_says_what_it_did_for_which_proposal(client, drive, people):
    """Found in review: every action's banner said only "Saved."."""
    from django.contrib.messages import get_messages

    app, _ = drive(Status.SUBMITTED)
    client.force_login(people["dm"])
    response = client.post(
        reverse("accreditation:action", args=[app.pk, "assign"]), {"assessor": people["assessor"].pk}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [f"Assessor assigned: {app.reference}"]
