from datetime import date

import pytest

from schoolsystem.brokerage import services
from schoolsystem.brokerage.constants import (
    PROPOSAL_TRANSITIONS,
    ProposalStatus,
    RoundStatus,
    Scenario,
)
from schoolsystem.brokerage.models import BoardDecision, Candidate, Proposal
from schoolsystem.core.errors import InvalidTransition, NotEligible, PermissionDenied, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.registry.models import Membership
from tests.brokerage.conftest import make_school


def planned_round(area, by, *schools):
    r = services.round_create(by=by, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="Academy orders")
    for s in schools or (area["needy"],):
        services.round_add_school(by=by, round=r, establishment=s)
    services.round_shortlist(by=by, round=r)
    return services.round_plan(by=by, round=r)


def test_plan_places_the_inadequate_school_with_the_nearest_fitting_trust_and_audits(area, officer):
    r = planned_round(area, officer, area["needy"], area["church_needy"])
    assert r.status == RoundStatus.PLANNED
    proposals = {p.round_school.establishment.name: p for p in Proposal.objects.filter(round=r)}
    assert proposals["Low Road Primary"].group in (area["oak"], area["ash"])
    # The church school may only go to the church trust (same denomination).
    assert proposals["St Luke's"].group == area["church"]
    assert AuditEvent.objects.filter(action="brokerage.round_planned").count() == 1
    cands = Candidate.objects.filter(round_school__establishment=area["church_needy"], eligible=False)
    assert {c.partner_name for c in cands} == {"Oak Trust", "Ash Trust"}
    assert all(any(r["code"] == "faith" for r in c.reasons) for c in cands)


def test_orphan_school_recorded_with_reason(area, officer):
    lonely = make_school(area["la"], "Special School", 505_000, 150_000, phase="Special")
    r = planned_round(area, officer, lonely)
    rs = r.schools.get()
    assert rs.orphan_reason == "no_eligible_partner"
    assert "phase experience" in rs.orphan_detail


def test_officer_of_another_la_cannot_run_a_round_here(area, make_user):
    stranger = make_user("la_officer", scope_la=area["other"])
    with pytest.raises(PermissionDenied):
        services.round_create(by=stranger, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="x")


def test_school_outside_the_area_is_refused(area, officer):
    r = services.round_create(by=officer, la=area["la"], scenario=Scenario.ACADEMY_ORDER, title="x")
    with pytest.raises(NotEligible):
        services.round_add_school(by=officer, round=r, establishment=area["camden_school"])


@pytest.mark.parametrize("bad", [{"title": ""}, {"scenario": "nope"}, {"scenario": Scenario.MAT_CLOSURE}])
def test_round_create_refuses_bad_input(area, officer, bad):
    kwargs = {"by": officer, "la": area["la"], "scenario": Scenario.ACADEMY_ORDER, "title": "t", **bad}
    with pytest.raises(ValidationFailed):
        services.round_create(**kwargs)


def walk_to_decision(p, by):
    services.proposal_start_due_diligence(by=by, proposal=p)
    for check in p.checks.all():
        if check.outcome == "pending":
            services.due_diligence_record(by=by, proposal=p, item=check.item, outcome="satisfied")
    services.proposal_complete_due_diligence(by=by, proposal=p)
    services.consultation_record(
        by=by, proposal=p, held_on=date(2026, 1, 5), summary="Governors support it.", outcome="supportive"
    )
    p.refresh_from_db()
    return p


def test_full_workflow_to_hand_off(area, officer):
    r = planned_round(area, officer)
    p = walk_to_decision(r.proposals.get(), officer)
    assert p.status == ProposalStatus.AWAITING_DECISION
    d = services.board_decide(
        by=officer,
        proposal=p,
        outcome="approved",
        reasons="Strong local trust.",
        decided_on=date(2026, 1, 20),
        decided_by_name="Regional Director",
    )
    assert BoardDecision.objects.get() == d
    # The register would show the move to the public: the hand-off waits until the decision is published.
    with pytest.raises(NotEligible) as err:
        services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    assert err.value.extra["errors"]["effective_on"][0].startswith(
        "Publish the advisory board's decision DEC-"
    )
    assert not Membership.objects.filter(establishment=area["needy"], left_on__isnull=True).exists()
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    publish_decisions(p, officer)
    h = services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    p.refresh_from_db()
    assert p.status == ProposalStatus.HANDED_OVER
    # The register changed: the school is now a current member of the receiving trust from the effective date.
    m = Membership.objects.get(establishment=area["needy"], left_on__isnull=True)
    assert (m.group_id, m.joined_on, m.role) == (p.group_id, date(2026, 4, 1), "member")
    assert h.membership == m
    assert AuditEvent.objects.filter(action="membership.added", object_id=str(m.pk)).count() == 1
    assert "decision" in AuditEvent.objects.get(action="brokerage.hand_off_recorded").note


def approve(p, by, *, publish: bool = True):
    """Walk the proposal to the board's approval and (as the officer does before the hand-off) publish it."""
    p = walk_to_decision(p, by)
    services.board_decide(
        by=by,
        proposal=p,
        outcome="approved",
        reasons="Agreed.",
        decided_on=date(2026, 1, 20),
        decided_by_name="Board",
    )
    if publish:
        publish_decisions(p, by)
    p.refresh_from_db()
    return p


def publish_decisions(p, by):
    """Publish the register entries of the proposal's board decisions (the hand-off waits for the approval's)."""
    from schoolsystem.improvement.models import Decision
    from schoolsystem.improvement.services import decision_publish

    for d in p.decisions.exclude(register_decision_id=""):
        entry = Decision.objects.get(pk=int(d.register_decision_id))
        if entry.status != "published":
            decision_publish(by=by, decision=entry)


def test_hand_off_moves_a_school_out_of_its_current_trust(area, regional):
    leaving = area["oak"].memberships.first().establishment
    r = services.round_create(by=regional, la=area["la"], scenario=Scenario.REBROKERAGE, title="Move")
    services.round_add_school(by=regional, round=r, establishment=leaving, move_type="move")
    services.round_shortlist(by=regional, round=r)
    services.round_plan(by=regional, round=r)
    p = approve(r.proposals.get(), regional)
    assert p.group not in (None, area["oak"])
    services.proposal_hand_off(by=regional, proposal=p, effective_on=date(2026, 9, 1))
    old = Membership.objects.get(establishment=leaving, group=area["oak"])
    new = Membership.objects.get(establishment=leaving, left_on__isnull=True)
    assert old.left_on == date(2026, 9, 1)
    assert (new.group, new.joined_on) == (p.group, date(2026, 9, 1))
    assert AuditEvent.objects.filter(action="membership.ended", object_id=str(old.pk)).exists()


def test_hand_off_before_approval_is_refused_and_changes_nothing(area, officer):
    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)
    with pytest.raises(InvalidTransition):
        services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    assert not Membership.objects.filter(establishment=area["needy"]).exists()


@pytest.mark.parametrize(("key", "words"), [("new:123456", "new trust"), ("provider:7", "accredited pool")])
def test_hand_off_refuses_moves_the_register_cannot_express(area, officer, key, words):
    p = approve(planned_round(area, officer).proposals.get(), officer)
    Proposal.objects.filter(pk=p.pk).update(partner_key=key, group=None)
    p.refresh_from_db()
    with pytest.raises(NotEligible, match=words):
        services.proposal_hand_off(by=officer, proposal=p, effective_on=date(2026, 4, 1))
    p.refresh_from_db()
    assert p.status == ProposalStatus.APPROVED
    assert not Membership.objects.filter(establishment=area["needy"]).exists()


def test_due_diligence_cannot_complete_with_pending_items(area, officer):
    p = planned_round(area, officer).proposals.get()
    services.proposal_start_due_diligence(by=officer, proposal=p)
    with pytest.raises(ValidationFailed):
        services.proposal_complete_due_diligence(by=officer, proposal=p)


def test_concern_needs_a_note(area, officer):
    p = planned_round(area, officer).proposals.get()
    services.proposal_start_due_diligence(by=officer, proposal=p)
    with pytest.raises(ValidationFailed):
        services.due_diligence_record(by=officer, proposal=p, item="finance", outcome="concern")


ALL = list(ProposalStatus.values)


@pytest.mark.parametrize(
    ("source", "target"), [(s, t) for s in ALL for t in ALL if t not in PROPOSAL_TRANSITIONS[s]]
)
def test_refused_transitions(area, officer, source, target):
    p = planned_round(area, officer).proposals.get()
    Proposal.objects.filter(pk=p.pk).update(status=source)
    p.refresh_from_db()
    with pytest.raises(InvalidTransition):
        services._move(p, target, by=officer, action="test")


@pytest.mark.parametrize(("source", "target"), [(s, t) for s in ALL for t in PROPOSAL_TRANSITIONS[s]])
def test_allowed_transitions(area, officer, source, target):
    p = planned_round(area, officer).proposals.get()
    Proposal.objects.filter(pk=p.pk).update(status=source)
    p.refresh_from_db()
    services._move(p, target, by=officer, action="test")
    p.refresh_from_db()
    assert p.status == target


def test_replanning_refused_once_a_proposal_is_under_way(area, officer):
    r = planned_round(area, officer)
    services.proposal_start_due_diligence(by=officer, proposal=r.proposals.get())
    with pytest.raises(InvalidTransition):
        services.round_plan(by=officer, round=r)


def test_board_decision_is_atomic_when_the_register_entry_fails(area, officer, monkeypatch):
    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)

    def boom(**kw):
        raise RuntimeError("register down")

    monkeypatch.setattr(services, "_record_on_register", boom)
    with pytest.raises(RuntimeError):
        services.board_decide(
            by=officer,
            proposal=p,
            outcome="approved",
            reasons="r",
            decided_on=date(2026, 1, 12),  # after the consultation of 5 January
            decided_by_name="X",
        )
    p.refresh_from_db()
    assert p.status == ProposalStatus.AWAITING_DECISION
    assert not BoardDecision.objects.exists()


def test_trust_leader_does_due_diligence_only_on_own_proposals(area, officer, make_user):
    p = planned_round(area, officer).proposals.get()
    own = make_user("trust_leader", scope_group=p.group)
    other_group = area["ash"] if p.group == area["oak"] else area["oak"]
    other = make_user("trust_leader", scope_group=other_group)
    with pytest.raises(PermissionDenied):
        services.proposal_start_due_diligence(by=other, proposal=p)
    services.proposal_start_due_diligence(by=own, proposal=p)


def test_mat_closure_honours_performing_schools_preferences(area, regional):
    closing = area["oak"]
    r = services.round_create(
        by=regional, la=area["la"], scenario=Scenario.MAT_CLOSURE, title="Oak closes", leaving_group=closing
    )
    urns = list(closing.memberships.values_list("establishment__urn", flat=True))
    rows = services.round_add_leaving_trust_schools(by=regional, round=r, performing_urns={urns[0]})
    performing = next(rs for rs in rows if rs.performing)
    services.round_school_set_preferences(
        by=regional, round_school=performing, preferences=[f"group:{area['ash'].pk}"]
    )
    services.round_plan(by=regional, round=r)
    prop = Proposal.objects.get(round_school=performing)
    assert prop.group == area["ash"]
    assert not Proposal.objects.filter(round=r, group=closing).exists()


def test_partner_profile_capacity_zero_orphans_the_school(area, officer, regional):
    for g in (area["oak"], area["ash"], area["church"]):
        services.partner_profile_update(by=regional, group=g, capacity=0)
    r = planned_round(area, officer)
    assert r.schools.get().orphan_reason == "no_eligible_partner"
    with pytest.raises(PermissionDenied):
        services.partner_profile_update(by=officer, group=area["oak"], capacity=3)


def test_board_decision_is_a_draft_on_the_register_until_the_officer_publishes_it(area, officer, client):
    """Seed 003 proposal 7: decisions open, redaction the exception. The board's reasons and the school's
    consultation may name people, so the register entry is a draft the officer reviews, redacts and publishes
    through the register's own service, like every other decision."""
    from schoolsystem.improvement.models import Decision
    from schoolsystem.improvement.services import decision_publish

    p = walk_to_decision(planned_round(area, officer).proposals.get(), officer)
    d = services.board_decide(
        by=officer,
        proposal=p,
        outcome="approved",
        reasons="Best fit nearby. The head, Ms Jane Example, agreed.",
        decided_on=date(2026, 1, 9),
        decided_by_name="Regional advisory board",
    )
    record = Decision.objects.get()
    assert d.register_decision_id == str(record.pk)
    assert (
        record.status == "draft" and record.published_on is None and record.decision_type == "sponsor_match"
    )
    assert record.establishment == area["needy"]
    assert p.partner_name in record.subject
    assert p.partner_name.encode() not in client.get("/decisions/").content
    assert client.get(f"/decisions/{record.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="decision.created", object_id=str(record.pk)).exists()
    assert not AuditEvent.objects.filter(action="decision.published").exists()

    decision_publish(
        by=officer,
        decision=record,
        redactions=[
            {
                "field": "rationale",
                "passage": "Ms Jane Example",
                "withheld": "A name",
                "reason": "Personal data",
            }
        ],
    )
    page = client.get(f"/decisions/{record.pk}/").content.decode()
    assert p.partner_name in page and "Jane Example" not in page and "Personal data" in page
    assert p.partner_name.encode() in client.get("/decisions/").content


def test_move_into_a_trust_the_register_already_lists_keeps_that_row_and_ends_the_others(area):
    from schoolsystem.registry.services import membership_move_brokered

    school = area["oak"].memberships.first().establishment
    Membership.objects.create(establishment=school, group=area["ash"], joined_on=date(2020, 1, 1))
    kept, ended = membership_move_brokered(
        by=None,
        establishment=school,
        to_group=area["ash"],
        effective_on=date(2026, 9, 1),
        leave_group_types=("mat",),
    )
    assert kept.joined_on == date(2020, 1, 1) and kept.group == area["ash"]
    assert [m.group for m in ended] == [area["oak"]] and ended[0].left_on == date(2026, 9, 1)
    assert Membership.objects.filter(establishment=school, left_on__isnull=True).count() == 1
