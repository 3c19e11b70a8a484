"""User review of the demo: a consultation held on 1 January 1999 was accepted in a round started that day, and then
bound the board ("must be on or after the consultation on 1 January 1999"). A proposal's consultation and board
decision are on or after the day its round started (rules.not_before_round), refused by name with the earliest
date allowed, beside every other problem at once, on the page and in the service."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.brokerage import services
from schoolsystem.brokerage.models import BoardDecision, Consultation, Round
from schoolsystem.brokerage.rules import CONSULTATION_HELD_ON, not_before_round
from schoolsystem.core.errors import ValidationFailed
from schoolsystem.core.formatting import govuk_date
from tests.brokerage.test_services import planned_round


def started_today(area, by):
    """A planned round that started today (the tests' rounds otherwise start on 1 December 2025), its proposal at
    the consultation."""
    r = planned_round(area, by)
    Round.objects.filter(pk=r.pk).update(created_on=timezone.now())
    p = r.proposals.get()
    services.proposal_start_due_diligence(by=by, proposal=p)
    for check in p.checks.filter(outcome="pending"):
        services.due_diligence_record(by=by, proposal=p, item=check.item, outcome="satisfied")
    services.proposal_complete_due_diligence(by=by, proposal=p)
    p.refresh_from_db()
    return p


def test_rule_names_the_date_and_the_earliest_allowed():
    started = date(2026, 12, 5)
    assert not_before_round(date(2026, 12, 5), started_on=started, what=CONSULTATION_HELD_ON) is None
    assert not_before_round(None, started_on=started, what=CONSULTATION_HELD_ON) is None
    assert (
        not_before_round(date(1999, 1, 1), started_on=started, what=CONSULTATION_HELD_ON)
        == "The date the consultation was held must be the same as or after 5 December 2026, when the round started"
    )


def test_consultation_before_the_round_started_is_refused_with_every_other_problem(area, officer):
    p = started_today(area, officer)
    today = govuk_date(timezone.localdate())
    with pytest.raises(ValidationFailed) as exc:
        services.consultation_record(
            by=officer, proposal=p, held_on=date(1999, 1, 1), summary=" ", outcome="supportive"
        )
    errors = exc.value.extra["errors"]
    assert errors["held_on"] == [
        f"The date the consultation was held must be the same as or after {today}, when the round started"
    ]
    assert errors["summary"] == ["Summarise what the school said"]
    assert not Consultation.objects.exists()
    p.refresh_from_db()
    assert p.status == "consultation"
    services.consultation_record(
        by=officer, proposal=p, held_on=timezone.localdate(), summary="Agreed.", outcome="supportive"
    )


def test_consultation_without_a_date_is_refused_by_name(area, officer):
    p = started_today(area, officer)
    with pytest.raises(ValidationFailed) as exc:
        services.consultation_record(
            by=officer, proposal=p, held_on=None, summary="Agreed.", outcome="supportive"
        )
    assert exc.value.extra["errors"] == {"held_on": ["Enter the date the consultation was held."]}


def test_board_decision_before_the_round_started_is_refused_with_every_other_problem(area, officer):
    p = started_today(area, officer)
    services.consultation_record(
        by=officer, proposal=p, held_on=timezone.localdate(), summary="Agreed.", outcome="supportive"
    )
    with pytest.raises(ValidationFailed) as exc:
        services.board_decide(
            by=officer,
            proposal=p,
            outcome="approved",
            reasons="",
            decided_on=date(1999, 1, 1),
            decided_by_name="",
        )
    errors = exc.value.extra["errors"]
    assert errors["decided_on"] == [
        f"The date of the decision must be the same as or after {govuk_date(timezone.localdate())}, when the "
        "round started"
    ]
    assert set(errors) == {"decided_on", "reasons", "decided_by_name"}
    assert not BoardDecision.objects.exists()


def test_consultation_page_shows_the_earliest_date_beside_the_other_errors(client, area, officer):
    p = started_today(area, officer)
    client.force_login(officer)
    resp = client.post(
        reverse("brokerage:proposal", args=[p.pk]),
        {
            "action": "consultation",
            "consultation-held_on": "1999-01-01",
            "consultation-outcome": "supportive",
            "consultation-summary": "",
        },
    )
    page = resp.content.decode()
    assert resp.status_code == 400
    today = govuk_date(timezone.localdate())
    assert f"must be the same as or after {today}, when the round started</a>" in page
    assert "Enter a summary of what the school said</a>" in page
    assert not Consultation.objects.exists()
