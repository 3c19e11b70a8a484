"""Seed 003 scenario 1: an inadequate maintained school under an academy order is matched with a sponsor trust.
The advisory board's approval in an academy-order round records that trust on the school's academy order (the
improvement app), in the same transaction, audited, and the case page shows it."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import Scenario
from schoolsystem.brokerage.models import HandOff
from schoolsystem.core.errors import NotEligible, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement.constants import AcademyOrderState
from schoolsystem.improvement.models import AcademyOrder, Case, CaseEvent
from tests.brokerage.test_services import walk_to_decision


def _order(school, by, state=AcademyOrderState.ISSUED):
    case = Case.objects.create(
        school=school,
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=by,
        state="intervention_chosen",
        intervention="sponsored_academy",
    )
    return AcademyOrder.objects.create(case=case, issued_on=date(2026, 1, 2), issued_by=by, state=state)


def _proposal(area, by, scenario=Scenario.ACADEMY_ORDER):
    r = services.round_create(by=by, la=area["la"], scenario=scenario, title="Orders")
    services.round_add_school(by=by, round=r, establishment=area["needy"])
    services.round_shortlist(by=by, round=r)
    services.round_plan(by=by, round=r)
    return walk_to_decision(r.proposals.get(), by)


def _decide(p, by, outcome="approved", **kw):
    return services.board_decide(
        by=by,
        proposal=p,
        outcome=outcome,
        reasons="Strong local trust.",
        decided_on=kw.pop("decided_on", date(2026, 1, 20)),
        decided_by_name="Regional Director",
        **kw,
    )


def test_approval_records_the_sponsor_trust_on_the_academy_order_and_the_case_page_shows_it(
    client, area, officer
):
    order = _order(area["needy"], officer)
    p = _proposal(area, officer)
    decision = _decide(p, officer)
    order.refresh_from_db()
    assert order.state == AcademyOrderState.SPONSOR_FOUND
    assert order.sponsor_group == p.group
    assert order.sponsor_found_on == date(2026, 1, 20)
    event = CaseEvent.objects.get(case=order.case, action="sponsor_found")
    assert p.group.name in event.note and p.round.reference in event.note
    assert decision.register_decision_id in event.note
    audit = AuditEvent.objects.get(action="academy_order.sponsor_brokered")
    assert audit.object_id == str(order.pk)
    client.force_login(officer)
    page = client.get(reverse("improvement:case-detail", args=[order.case_id])).content.decode()
    assert f"sponsor trust: {p.group.name} (found 20 Jan 2026)" in page
    assert "Sponsor found for the academy order" in page  # the history says so


def test_a_declined_proposal_leaves_the_order_issued(area, officer):
    order = _order(area["needy"], officer)
    _decide(_proposal(area, officer), officer, outcome="declined")
    order.refresh_from_db()
    assert (order.state, order.sponsor_group) == (AcademyOrderState.ISSUED, None)
    assert not AuditEvent.objects.filter(action="academy_order.sponsor_brokered").exists()


def test_an_inadequate_school_without_a_recorded_order_is_approved_with_nothing_to_record(area, officer):
    p = _proposal(area, officer)
    _decide(p, officer)
    assert not AcademyOrder.objects.exists()
    assert p.decisions.count() == 1


def test_a_refused_decision_records_no_sponsor(area, officer):
    """Same transaction: when the board's decision is refused, the order is untouched."""
    order = _order(area["needy"], officer)
    p = _proposal(area, officer)
    with pytest.raises(ValidationFailed):
        _decide(p, officer, decided_on=date(2025, 1, 1))  # before the consultation
    order.refresh_from_db()
    assert order.state == AcademyOrderState.ISSUED


def test_approval_and_hand_off_are_refused_once_the_case_chose_another_intervention(area, officer):
    """Brokerage and casework must not both decide a school's future (the review found an interim executive board
    and a sponsor match published for one school on one day)."""
    p = _proposal(area, officer)
    Case.objects.create(
        school=area["needy"],
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=officer,
        state="implementation",
        intervention="ieb",
    )
    with pytest.raises(ValidationFailed) as exc:
        _decide(p, officer)
    assert "its intervention case chose" in exc.value.extra["errors"]["outcome"][0]
    p.refresh_from_db()
    assert p.status != "approved" and not p.decisions.exists()
    _decide(p, officer, outcome="declined")  # the board can still decline it


def test_hand_off_is_refused_when_the_case_chose_another_intervention_after_approval(area, officer):
    p = _proposal(area, officer)
    _decide(p, officer)
    Case.objects.create(
        school=area["needy"],
        state_changed_on=timezone.now(),
        sector="maintained",
        opened_by=officer,
        state="implementation",
        intervention="ieb",
    )
    p.refresh_from_db()
    with pytest.raises(NotEligible, match="its intervention case chose"):
        services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 2, 1))
    assert not HandOff.objects.filter(proposal=p).exists()
    assert p.status == "approved"
