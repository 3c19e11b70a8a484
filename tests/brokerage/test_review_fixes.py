"""Second review: closing rounds and withdrawing proposals from the pages, schools that could never be brokered
again, a trust closure with a school brokered elsewhere, closed rounds, and sponsor records in GIAS."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from schoolsystem.brokerage import selectors, services
from schoolsystem.brokerage.constants import ProposalStatus, RoundStatus, Scenario
from schoolsystem.brokerage.models import Proposal, RoundSchool
from schoolsystem.core.errors import InvalidTransition, NotEligible
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Membership
from tests.brokerage.conftest import make_school, make_trust
from tests.brokerage.test_services import approve, planned_round


def new_round(area, by, title="Again", scenario=Scenario.ACADEMY_ORDER, **kw):
    return services.round_create(by=by, la=area["la"], scenario=scenario, title=title, **kw)


# 1. Close round and withdraw proposal on the pages ---------------------------------------------------------


def test_close_round_page_confirms_then_withdraws_open_proposals_and_frees_the_schools(client, area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    approved = approve(r.proposals.get(round_school__establishment=area["church_needy"]), officer)
    open_p = r.proposals.get(round_school__establishment=area["needy"])
    services.proposal_start_due_diligence(by=officer, proposal=open_p)
    client.force_login(officer)
    round_page = client.get(reverse("brokerage:round", args=[r.pk])).content.decode()
    url = reverse("brokerage:round-close", args=[r.pk])
    assert f'href="{url}"' in round_page and "Close round" in round_page
    confirm = client.get(url).content.decode()
    assert "withdraws its 1 open proposal" in confirm and "Low Road Primary" in confirm
    resp = client.post(url, {"reason": ""})
    assert resp.status_code == 400 and 'href="#id_reason"' in resp.content.decode()
    resp = client.post(url, {"reason": "The trusts pulled out."})
    assert resp.status_code == 302
    r.refresh_from_db()
    open_p.refresh_from_db()
    approved.refresh_from_db()
    assert r.status == RoundStatus.CLOSED
    assert open_p.status == ProposalStatus.WITHDRAWN and approved.status == ProposalStatus.APPROVED
    event = AuditEvent.objects.get(action="brokerage.proposal_withdrawn", object_id=str(open_p.pk))
    assert "The trusts pulled out." in event.note and r.reference in event.note
    assert AuditEvent.objects.filter(action="brokerage.round_closed").exists()
    # The school of the withdrawn proposal is free to be brokered again.
    services.round_add_school(by=officer, round=new_round(area, officer), establishment=area["needy"])


def test_withdraw_proposal_on_the_page_needs_a_reason(client, area, officer):
    p = planned_round(area, officer).proposals.get()
    client.force_login(officer)
    url = reverse("brokerage:proposal", args=[p.pk])
    assert "Withdraw proposal" in client.get(url).content.decode()
    resp = client.post(url, {"action": "withdraw", "withdraw-reason": " "})
    assert resp.status_code == 400
    assert 'href="#id_withdraw-reason"' in resp.content.decode()
    resp = client.post(url, {"action": "withdraw", "withdraw-reason": "The school is closing."})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert p.status == ProposalStatus.WITHDRAWN
    assert AuditEvent.objects.get(action="brokerage.proposal_withdrawn").note == "The school is closing."
    assert "Withdraw proposal" not in client.get(url).content.decode()


# 2. Schools that could never be brokered again --------------------------------------------------------------


def test_orphan_school_can_be_removed_from_a_live_round_and_is_then_free(client, area, officer):
    lonely = make_school(area["la"], "Special School", 505_000, 150_000, phase="Special")
    r = planned_round(area, officer, lonely)
    rs = r.schools.get()
    assert rs.orphan_reason and not rs.proposals.exists()
    with pytest.raises(NotEligible, match="not closed"):
        services.round_add_school(by=officer, round=new_round(area, officer), establishment=lonely)
    client.force_login(officer)
    resp = client.post(reverse("brokerage:round", args=[r.pk]), {"action": "remove", "round_school": rs.pk})
    assert resp.status_code == 302
    assert not RoundSchool.objects.filter(pk=rs.pk).exists()
    assert AuditEvent.objects.filter(action="brokerage.round_school_removed", object_id=str(rs.pk)).exists()
    services.round_add_school(by=officer, round=new_round(area, officer), establishment=lonely)


def test_a_school_with_a_proposal_is_withdrawn_not_removed(area, officer):
    r = planned_round(area, officer)
    with pytest.raises(InvalidTransition, match="withdraw the proposal"):
        services.round_remove_school(by=officer, round_school=r.schools.get())


def test_closed_round_is_not_live(area, officer):
    r = new_round(area, officer, title="Unplanned")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    services.round_close(by=officer, round=r)
    services.round_add_school(by=officer, round=new_round(area, officer), establishment=area["needy"])


@pytest.mark.parametrize("key", ["provider:7", "new:123456"])
def test_approved_move_without_a_register_hand_off_does_not_block_the_school(area, officer, key):
    p = approve(planned_round(area, officer).proposals.get(), officer)
    Proposal.objects.filter(pk=p.pk).update(partner_key=key, group=None)
    assert selectors.approved_move_for(area["needy"], date(2026, 2, 1)) is None
    services.round_add_school(by=officer, round=new_round(area, officer), establishment=area["needy"])


# 3. A trust closure with a school brokered elsewhere ---------------------------------------------------------


def test_add_every_school_of_the_closing_trust_skips_busy_ones_and_says_so(client, area, regional):
    busy = area["oak"].memberships.order_by("pk").first().establishment
    other = new_round(area, regional, title="Busy", scenario=Scenario.REBROKERAGE)
    services.round_add_school(by=regional, round=other, establishment=busy, move_type="move")
    r = new_round(
        area, regional, title="Oak closes", scenario=Scenario.MAT_CLOSURE, leaving_group=area["oak"]
    )
    client.force_login(regional)
    resp = client.post(reverse("brokerage:round", args=[r.pk]), {"action": "add_trust_schools"})
    assert resp.status_code == 302
    assert r.schools.count() == 2 and not r.schools.filter(establishment=busy).exists()
    texts = [str(m) for m in get_messages(resp.wsgi_request)]
    assert any(t.startswith("2 schools of Oak Trust added") for t in texts)
    assert any(f"1 not added: {busy.name} (URN {busy.urn})" in t and other.reference in t for t in texts)


# 4. A closed round's proposals cannot be worked --------------------------------------------------------------


def test_proposal_of_a_closed_round_cannot_be_worked(client, area, officer):
    r = planned_round(area, officer)
    p = r.proposals.get()
    type(r).objects.filter(pk=r.pk).update(
        status=RoundStatus.CLOSED
    )  # closed before closing withdrew proposals
    with pytest.raises(InvalidTransition, match="is closed"):
        services.proposal_start_due_diligence(by=officer, proposal=p)
    client.force_login(officer)
    url = reverse("brokerage:proposal", args=[p.pk])
    assert "Start due diligence" not in client.get(url).content.decode()
    resp = client.post(url, {"action": "start_due_diligence"})
    assert resp.status_code == 400 and "is closed" in resp.content.decode()
    p.refresh_from_db()
    assert p.status == ProposalStatus.PROPOSED


# 5. Hand-off to a sponsor record joins the sponsor's trust ---------------------------------------------------


def _approved_to(area, officer, group):
    p = approve(planned_round(area, officer).proposals.get(), officer)
    Proposal.objects.filter(pk=p.pk).update(
        group=group, partner_key=f"group:{group.pk}", partner_name=group.name
    )
    p.refresh_from_db()
    return p


def test_hand_off_to_a_sponsor_record_joins_the_trust_of_that_name(client, area, officer):
    sponsor = make_trust("OAK  trust", [], group_type="sponsor")
    p = _approved_to(area, officer, sponsor)
    client.force_login(officer)
    page = client.get(reverse("brokerage:proposal", args=[p.pk])).content.decode()
    assert "adds the school to Oak Trust (the trust of the sponsor" in page
    h = services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    m = Membership.objects.get(establishment=area["needy"], left_on__isnull=True)
    assert m.group == area["oak"] and h.membership == m
    assert not Membership.objects.filter(group=sponsor).exists()


def test_hand_off_to_a_sponsor_without_a_trust_is_refused(area, officer):
    p = _approved_to(area, officer, make_trust("Lone Sponsor", [], group_type="sponsor"))
    with pytest.raises(NotEligible, match="no open trust of the same name"):
        services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    assert not Membership.objects.filter(establishment=area["needy"]).exists()


# 6. The sponsor record of the school's own trust is its current trust ----------------------------------------


def test_school_is_not_moved_to_the_sponsor_record_of_its_own_trust(area, regional):
    leaving = area["oak"].memberships.order_by("pk").first().establishment
    own = make_trust(
        "Oak Trust", [], group_type="sponsor", head_office_easting=500_500, head_office_northing=150_000
    )
    r = new_round(area, regional, title="Move", scenario=Scenario.REBROKERAGE)
    services.round_add_school(by=regional, round=r, establishment=leaving, move_type="move")
    rp = selectors.round_problem(r)
    sl = rp.problem.shortlist(0)
    assert f"group:{own.pk}" not in {c.partner_id for c in sl.ranked}
    # The sponsor record is its trust (one candidate per organisation), which is the school's current trust.
    assert f"group:{own.pk}" not in {p.id for p in rp.problem.partners}
    excluded = {e.partner_id: {x.code for x in e.reasons} for e in sl.excluded}
    assert "current" in excluded[f"group:{area['oak'].pk}"]
    services.round_plan(by=regional, round=r)
    assert not Proposal.objects.filter(round=r, group__in=[own, area["oak"]]).exists()


# Could: dates in order, concerns kept, add-school errors on the URN field -------------------------------------


def test_board_decision_cannot_predate_the_consultation_or_an_earlier_decision(area, officer):
    from schoolsystem.core.errors import ValidationFailed
    from tests.brokerage.test_services import walk_to_decision

    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)  # consulted 5 January 2026
    args = {"reasons": "Agreed.", "decided_by_name": "Board"}
    with pytest.raises(ValidationFailed) as exc:
        services.board_decide(by=officer, proposal=p, outcome="deferred", decided_on=date(2026, 1, 4), **args)
    assert "consultation on 5 January 2026" in exc.value.extra["errors"]["decided_on"][0]
    services.board_decide(by=officer, proposal=p, outcome="deferred", decided_on=date(2026, 1, 10), **args)
    services.proposal_resubmit(by=officer, proposal=p)
    with pytest.raises(ValidationFailed) as exc:
        services.board_decide(by=officer, proposal=p, outcome="approved", decided_on=date(2026, 1, 8), **args)
    assert "earlier decision on 10 January 2026" in exc.value.extra["errors"]["decided_on"][0]
    services.board_decide(by=officer, proposal=p, outcome="approved", decided_on=date(2026, 1, 10), **args)


def test_resolving_a_concern_keeps_its_text(area, officer):
    p = planned_round(area, officer).proposals.get()
    services.proposal_start_due_diligence(by=officer, proposal=p)
    services.due_diligence_record(by=officer, proposal=p, item="finance", outcome="concern", note="Deficit.")
    check = services.due_diligence_record(
        by=officer, proposal=p, item="finance", outcome="satisfied", note="Recovery plan agreed."
    )
    assert check.note == "Concern: Deficit. Resolved: Recovery plan agreed."


def test_add_school_refusals_name_the_urn_field(client, area, officer):
    r = new_round(area, officer, title="Orders")
    services.round_add_school(by=officer, round=r, establishment=area["needy"])
    closed = make_school(area["la"], "Shut Primary", 505_000, 150_000, ofsted_rating="Inadequate")
    type(closed).objects.filter(pk=closed.pk).update(status="closed")
    client.force_login(officer)
    url = reverse("brokerage:round", args=[r.pk])
    body = client.post(url, {"action": "add", "urn": area["needy"].urn}).content.decode()
    assert 'href="#id_urn">Low Road Primary is already in this round.' in body
    body = client.post(url, {"action": "add", "urn": closed.urn}).content.decode()
    assert 'href="#id_urn">Shut Primary is closed.' in body


def test_lead_partner_hand_off_message_does_not_deny_a_trust_is_in_the_register(area, officer):
    p = approve(planned_round(area, officer).proposals.get(), officer)
    Proposal.objects.filter(pk=p.pk).update(partner_key="provider:7", group=None)
    p.refresh_from_db()
    _, refusal = services.hand_off_target(p)
    assert "accredited pool" in refusal and "not a trust in the register" not in refusal
