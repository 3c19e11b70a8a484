"""The proposal page as reviewed in use: nothing consequential is chosen for the user, a concern raised in due
diligence says how to go on, the pending checks read as a sentence, a withdrawn proposal says when, by whom and
why, and a trust leader (who does not see rounds) has a way back."""

import re

import pytest
from django.urls import reverse

from schoolsystem.accounts.home import home_url
from schoolsystem.brokerage import services
from tests.brokerage.test_services import planned_round, walk_to_decision


@pytest.fixture
def proposal(area, officer):
    return planned_round(area, officer).proposals.get()


def _page(client, user, p) -> str:
    client.force_login(user)
    return client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def test_due_diligence_chooses_no_check_or_outcome_for_the_user(client, officer, proposal):
    services.proposal_start_due_diligence(by=officer, proposal=proposal)
    recorded = list(proposal.checks.values_list("item", "outcome"))  # diocesan consent: not applicable here
    html = _page(client, officer, proposal)
    assert _selected(html, "due_diligence-item") == [""] and _selected(html, "due_diligence-outcome") == [""]
    # Posting the form untouched records nothing, and says what to choose.
    r = client.post(reverse("brokerage:proposal", args=[proposal.pk]), {"action": "due_diligence"})
    assert r.status_code == 400
    assert "Select the outcome of the check" in r.content.decode()
    assert list(proposal.checks.values_list("item", "outcome")) == recorded
    # The checks still to make read as a sentence, acronyms kept.
    assert "Still to check: capacity and willingness, finance, land and PFI, buildings" in html


def test_the_board_decision_is_not_preselected(client, officer, proposal):
    p = walk_to_decision(proposal, officer)
    html = _page(client, officer, p)
    assert _selected(html, "decision-outcome") == [""]
    r = client.post(
        reverse("brokerage:proposal", args=[p.pk]),
        {"action": "decision", "decision-reasons": "Strong fit.", "decision-decided_by_name": "Board"},
    )
    assert r.status_code == 400 and "Select the board&#x27;s decision" in r.content.decode()
    p.refresh_from_db()
    assert p.status == "awaiting_decision"


def test_an_unresolved_concern_says_how_to_go_on(client, officer, proposal):
    services.proposal_start_due_diligence(by=officer, proposal=proposal)
    checks = list(proposal.checks.all())
    services.due_diligence_record(
        by=officer, proposal=proposal, item=checks[0].item, outcome="concern", note="Deficit"
    )
    html = _page(client, officer, proposal)  # other checks still pending: both said
    assert "Still to check:" in html and "record the check again as satisfied" in html
    for check in checks[1:]:
        services.due_diligence_record(by=officer, proposal=proposal, item=check.item, outcome="satisfied")
    html = _page(client, officer, proposal)
    assert 'value="complete_due_diligence"' not in html
    assert "record the check again as satisfied, with a note of how it was resolved" in html
    services.due_diligence_record(
        by=officer, proposal=proposal, item=checks[0].item, outcome="satisfied", note="Recovery plan agreed"
    )
    html = _page(client, officer, proposal)
    assert 'value="complete_due_diligence"' in html and "record the check again" not in html


def test_a_withdrawn_proposal_says_when_by_whom_and_why(client, officer, proposal):
    services.proposal_withdraw(by=officer, proposal=proposal, reason="The trust paused its growth.")
    html = _page(client, officer, proposal)
    inset = re.search(r'<div class="govuk-inset-text" id="withdrawn">(.*?)</div>', html, re.S).group(1)
    assert f"by {officer.display_name}: The trust paused its growth." in inset
    assert inset.startswith("Withdrawn on ")


def test_a_trust_leader_has_a_way_back_to_their_brokerage_page(client, make_user, officer, proposal):
    leader = make_user("trust_leader", scope_group=proposal.group)
    html = _page(client, leader, proposal)
    crumb = '<a class="govuk-breadcrumbs__link" href="{}">{}</a>'
    assert crumb.format(reverse("brokerage:home"), "Brokerage") in html
    # The header's link stays the user's own home page.
    assert f'<a href="{home_url(leader)}" class="govuk-generic-header__homepage-link">' in html
    assert reverse("brokerage:round", args=[proposal.round_id]) not in html
    round_crumb = crumb.format(
        reverse("brokerage:round", args=[proposal.round_id]), f"Round {proposal.round.reference}"
    )
    assert round_crumb in _page(client, officer, proposal)
