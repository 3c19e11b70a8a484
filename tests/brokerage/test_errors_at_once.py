"""Brokerage pages show every problem with what was entered at once: the fields' own errors and the rules the
service enforces that need only the form's data (a closing trust for a trust closure, a date not in the future, a
partner listed once), calling the same rule functions as the service (brokerage.rules, core.rules)."""

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.brokerage import rules, services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.models import Round
from schoolsystem.core.errors import ValidationFailed
from tests.brokerage.test_services import planned_round, walk_to_decision

pytestmark = pytest.mark.django_db


def _summary(html: str) -> list[str]:
    body = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [htmllib.unescape(m) for m in re.findall(r"<a [^>]*>(.*?)</a>", body)]


def test_a_trust_closure_without_its_trust_or_title_shows_both(client, officer, area):
    client.force_login(officer)
    response = client.post(reverse("brokerage:home"), {"title": "", "scenario": Scenario.MAT_CLOSURE})
    html = response.content.decode()
    assert _summary(html) == [
        "Enter the title of the round",
        "Select the closing trust: the round is for a whole trust closing",
    ]
    assert not Round.objects.exists()


def test_the_service_refuses_a_trust_closure_without_its_trust_in_the_same_words(officer, area):
    with pytest.raises(ValidationFailed) as err:
        services.round_create(by=officer, la=area["la"], scenario=Scenario.MAT_CLOSURE, title="Oak closes")
    assert err.value.extra["errors"]["leaving_group"] == [
        rules.closing_trust_error(scenario=Scenario.MAT_CLOSURE, has_leaving_group=False)
    ]


def test_a_decision_in_the_future_without_reasons_shows_both(client, area, officer):
    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)
    client.force_login(officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("brokerage:proposal", args=[p.pk]),
        {
            "action": "decision",
            "decision-outcome": "approved",
            "decision-reasons": "",
            "decision-decided_on": tomorrow.isoformat(),
            "decision-decided_by_name": "Board",
        },
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == [
        "Enter the board's reasons",
        "The date of the decision must be today or in the past",
    ]


def test_preference_rule_is_one_function_for_form_and_service():
    assert rules.preference_errors(["a", "b", "a"]) == {
        2: "Choose a different partner for the 3rd choice: that one is already the 1st choice"
    }
    assert rules.preference_errors(["a", "", "a"]) == {
        2: "Choose a different partner for the 3rd choice: that one is already the 1st choice"
    }
    assert rules.preference_errors(["a", "z"], eligible={"a"}) == {1: rules.ineligible_preference(1)}
    assert rules.preference_errors(["a", "b"], eligible={"a", "b"}) == {}


def test_a_concern_without_its_note_and_without_its_check_shows_both(client, area, officer):
    p = planned_round(area, officer).proposals.get()
    services.proposal_start_due_diligence(by=officer, proposal=p)
    client.force_login(officer)
    response = client.post(
        reverse("brokerage:proposal", args=[p.pk]),
        {"action": "due_diligence", "due_diligence-outcome": "concern", "due_diligence-note": ""},
    )
    assert response.status_code == 400
    assert _summary(response.content.decode()) == ["Select the check", "Enter what the concern is"]
    with pytest.raises(ValidationFailed) as err:
        services.due_diligence_record(by=officer, proposal=p, item="finance", outcome="concern")
    assert err.value.extra["errors"]["note"] == [rules.concern_note_error(outcome="concern", note="")]
