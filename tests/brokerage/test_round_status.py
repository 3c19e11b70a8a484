"""A round's status follows its schools: once every school's move is agreed (handed over, or approved with nothing
in the register to hand over to), the round is completed, not still 'Plan proposed'."""

import pytest
from django.urls import reverse

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import ProposalStatus, RoundStatus, Scenario
from schoolsystem.brokerage.demo import decide
from schoolsystem.brokerage.models import PartnerProfile, Proposal
from schoolsystem.core.errors import InvalidTransition
from schoolsystem.core.models import AuditEvent
from tests.brokerage.conftest import make_school
from tests.brokerage.test_services import planned_round


def _hand_over(p, by):
    decide(p, by, reasons="Agreed on the published criteria.", hand_off=True)


def test_round_is_completed_when_its_last_school_is_handed_over(client, area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    first, second = r.proposals.order_by("id")
    _hand_over(first, officer)
    r.refresh_from_db()
    assert r.status == RoundStatus.PLANNED  # one school still to go
    _hand_over(second, officer)
    r.refresh_from_db()
    assert r.status == RoundStatus.COMPLETED
    assert AuditEvent.objects.filter(action="brokerage.round_completed", object_id=str(r.pk)).count() == 1
    client.force_login(officer)
    page = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    assert "Completed: every school's move is agreed" in page
    assert "Propose the optimal plan" not in page and "Close round" not in page and "What if…?" in page
    home = client.get(reverse("brokerage:home")).content.decode()
    assert f"{r.reference}</a>" in home and ">Completed</td>" in home
    with pytest.raises(InvalidTransition):
        services.round_plan(by=officer, round=r)


def test_an_approved_move_still_to_hand_over_or_a_withdrawn_one_does_not_complete_the_round(area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    first, second = r.proposals.order_by("id")
    _hand_over(first, officer)
    decide(second, officer, reasons="Agreed.")
    r.refresh_from_db()
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.APPROVED
    assert r.status == RoundStatus.PLANNED
    other = planned_round(area, officer, make_school(area["la"], "Other Primary", 504_800, 150_300))
    services.proposal_withdraw(by=officer, proposal=other.proposals.get(), reason="Trust declined")
    other.refresh_from_db()
    assert other.status == RoundStatus.PLANNED


def test_removing_the_last_school_without_a_partner_completes_the_round(area, officer):
    # Only one trust has room: the second school is left without a partner.
    for key in ("ash", "church"):
        PartnerProfile.objects.create(group=area[key], capacity=0)
    PartnerProfile.objects.create(group=area["oak"], capacity=1)
    extra = make_school(area["la"], "Second Primary", 505_500, 150_500)
    r = planned_round(area, officer, area["needy"], extra)
    assert r.plan_summary["orphans"] == 1
    _hand_over(r.proposals.get(), officer)
    r.refresh_from_db()
    assert r.status == RoundStatus.PLANNED
    orphan = r.schools.exclude(proposals__isnull=False).get()
    services.round_remove_school(by=officer, round_school=orphan)
    r.refresh_from_db()
    assert r.status == RoundStatus.COMPLETED


def test_a_lead_partner_approval_completes_the_round_with_nothing_to_hand_over(area, officer, monkeypatch):
    from schoolsystem.brokerage import selectors

    pool = [
        {
            "provider_id": 7,
            "name": "Meadow ASG",
            "accreditation_type": "ASG",
            "phases": ["Primary"],
            "max_schools": 5,
            "current_schools": 2,
            "easting": 505_000,
            "northing": 151_000,
        }
    ]
    monkeypatch.setattr(selectors, "accredited_pool", lambda: pool)
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.LEAD_PARTNER, title="Lead")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    r = services.round_plan(by=officer, round=r)
    decide(r.proposals.get(), officer, reasons="Accredited group with capacity.")
    r.refresh_from_db()
    assert r.status == RoundStatus.COMPLETED
