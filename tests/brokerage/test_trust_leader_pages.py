"""The brokerage pages as a trust leader sees them: on a proposal naming their trust they do the due diligence (and
may withdraw); the consultation, the board's decision and the hand-off are the officers', so those forms are not
offered to them (the services refuse them) and the page says who acts next. A trust with no proposal is told
what will appear."""

from datetime import date

import pytest
from django.urls import reverse

from schoolsystem.brokerage import services
from tests.brokerage.test_services import approve, planned_round, walk_to_decision


@pytest.fixture
def proposal(area, officer):
    return planned_round(area, officer).proposals.get()


@pytest.fixture
def leader(make_user, proposal):
    return make_user("trust_leader", scope_group=proposal.group)


def _page(client, user, p):
    client.force_login(user)
    return client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()


def test_the_trust_leader_is_offered_the_due_diligence(client, proposal, leader):
    page = _page(client, leader, proposal)
    assert 'value="start_due_diligence"' in page and 'value="withdraw"' in page


def test_the_consultation_is_not_offered_to_the_trust_leader(client, area, officer, proposal, leader):
    services.proposal_start_due_diligence(by=leader, proposal=proposal)
    for check in proposal.checks.filter(outcome="pending"):
        services.due_diligence_record(by=leader, proposal=proposal, item=check.item, outcome="satisfied")
    services.proposal_complete_due_diligence(by=leader, proposal=proposal)
    page = _page(client, leader, proposal)
    assert 'value="consultation"' not in page
    assert "An officer records the school's consultation next." in page
    assert 'value="consultation"' in _page(client, officer, proposal)


def test_the_board_decision_is_not_offered_to_the_trust_leader(client, officer, proposal, leader):
    p = walk_to_decision(proposal, officer)
    page = _page(client, leader, p)
    assert 'value="decision"' not in page and "The advisory board decides next" in page
    assert 'value="decision"' in _page(client, officer, p)


def test_a_deferred_proposal_is_put_back_to_the_board_by_an_officer_only(client, officer, proposal, leader):
    p = walk_to_decision(proposal, officer)
    services.board_decide(
        by=officer,
        proposal=p,
        outcome="deferred",
        reasons="More on finance.",
        decided_on=date(2026, 1, 20),
        decided_by_name="Board",
    )
    page = _page(client, leader, p)
    assert (
        'value="resubmit"' not in page and "An officer puts the proposal back to the advisory board" in page
    )
    assert 'value="resubmit"' in _page(client, officer, p)


def test_the_hand_off_is_not_offered_to_the_trust_leader(client, officer, proposal, leader):
    p = approve(proposal, officer)
    page = _page(client, leader, p)
    assert 'value="hand_off"' not in page and "An officer records the hand-off" in page
    assert 'value="hand_off"' in _page(client, officer, p)


def test_a_trust_with_no_proposal_is_told_what_will_appear(client, make_user, area):
    leader = make_user("trust_leader", scope_group=area["ash"])
    client.force_login(leader)
    page = client.get(reverse("brokerage:home")).content.decode()
    assert "No brokerage proposal names Ash Trust yet." in page
    assert "you record your due diligence" in page
