"""Success messages say what happened and to which school, never just "Saved."; no arrows or codes in titles."""

from datetime import date

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.brokerage.test_services import planned_round, publish_decisions


def _said(client, url, data):
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:500]
    return [str(m) for m in get_messages(resp.wsgi_request)][-1]


def test_each_step_of_a_proposal_says_what_was_recorded_for_which_school(client, area, officer):
    r = planned_round(area, officer)
    p = r.proposals.get()
    school, partner = area["needy"].name, p.partner_name
    client.force_login(officer)
    url = reverse("brokerage:proposal", args=[p.pk])
    page = client.get(url).content.decode()
    assert f"<title>{school} to {partner}" in page and "-&gt;" not in page and "->" not in page
    assert _said(client, url, {"action": "start_due_diligence"}) == (
        f"Due diligence started for {school} joining {partner}."
    )
    said = _said(
        client,
        url,
        {"action": "due_diligence", "due_diligence-item": "finance", "due_diligence-outcome": "satisfied"},
    )
    assert said == f"Due diligence for {school} recorded: finance, satisfied."
    said = _said(
        client,
        url,
        {"action": "due_diligence", "due_diligence-item": "land_pfi", "due_diligence-outcome": "satisfied"},
    )
    assert said == f"Due diligence for {school} recorded: land and PFI, satisfied."  # the acronym kept
    for check in p.checks.filter(outcome="pending"):
        _said(
            client,
            url,
            {
                "action": "due_diligence",
                "due_diligence-item": check.item,
                "due_diligence-outcome": "satisfied",
            },
        )
    assert _said(client, url, {"action": "complete_due_diligence"}).startswith(
        f"Due diligence for {school} completed"
    )
    said = _said(
        client,
        url,
        {
            "action": "consultation",
            "consultation-held_on": "2026-01-05",
            "consultation-outcome": "supportive",
            "consultation-summary": "Fine",
        },
    )
    assert (
        said == f"Consultation of {school} recorded (supportive). The proposal now awaits the advisory board."
    )
    said = _said(
        client,
        url,
        {
            "action": "decision",
            "decision-outcome": "approved",
            "decision-reasons": "Good fit",
            "decision-decided_on": str(date(2026, 1, 9)),
            "decision-decided_by_name": "Board",
        },
    )
    assert said.startswith(f"Advisory board decision recorded: {school} joining {partner} approved")
    publish_decisions(p, officer)
    said = _said(client, url, {"action": "hand_off", "hand_off-effective_on": "2026-02-01"})
    assert said == f"Hand-off recorded: {school} joined {partner} on 1 February 2026."


def test_round_actions_say_what_they_did(client, area, officer):
    from schoolsystem.brokerage import services
    from schoolsystem.brokerage.constants import Scenario

    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Orders")
    client.force_login(officer)
    url = reverse("brokerage:round", args=[r.pk])
    assert _said(client, url, {"action": "add", "urn": area["needy"].urn}) == (
        f"{area['needy'].name} added to the round."
    )
    assert _said(client, url, {"action": "shortlist"}) == "Shortlists drawn up for the round's 1 school."
    assert (
        _said(client, url, {"action": "plan"})
        == "Plan proposed: 1 school placed, none left without a partner."
    )
    p = r.proposals.get()
    said = _said(
        client,
        reverse("brokerage:proposal", args=[p.pk]),
        {"action": "withdraw", "withdraw-reason": "Trust declined"},
    )
    assert said == f"Proposal for {area['needy'].name} to join {p.partner_name} withdrawn."
