"""The case state machine: every action from every state, allowed and refused; guards; history; atomicity."""

from datetime import timedelta
from unittest import mock

import pytest

from schoolsystem.core.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationFailed
from schoolsystem.core.models import AuditEvent
from schoolsystem.improvement import services
from schoolsystem.improvement.constants import (
    CASE_TRANSITIONS,
    AcademyOrderState,
    CaseAction,
    CaseState,
    ConsultationOutcome,
    DecisionStatus,
    InterventionOption,
    WarningGround,
)
from schoolsystem.improvement.models import AcademyOrder, Case, CaseEvent, Decision
from tests.improvement.factories import case_in_state, consult, today


def run_action(action, case, by):
    """Perform `action` with valid input (meeting its guards)."""
    if action == CaseAction.START_MONITORING:
        return services.case_start_monitoring(case=case, by=by)
    if action == CaseAction.HOLD_EARLY_CONVERSATION:
        return services.case_hold_early_conversation(
            case=case, by=by, held_on=today(), note="Spoke to the chair."
        )
    if action == CaseAction.ISSUE_WARNING_NOTICE:
        return services.case_issue_warning_notice(
            case=case, by=by, grounds=[WarningGround.LEADERSHIP], compliance_by=today() + timedelta(days=15)
        )
    if action == CaseAction.CHOOSE_INTERVENTION:
        if case.is_open:
            consult(case, by)
        return services.case_choose_intervention(
            case=case,
            by=by,
            option=InterventionOption.LA_SUPPORT,
            rationale="Best fit.",
            options_considered=["LA support"],
            criteria=["Standards"],
        )
    if action == CaseAction.START_IMPLEMENTATION:
        return services.case_start_implementation(case=case, by=by)
    if action == CaseAction.HOLD_REVIEW:
        return services.case_hold_review(case=case, by=by, reviewed_on=today(), progress="On track.")
    if action == CaseAction.EXIT:
        if case.is_open:
            Case.objects.filter(pk=case.pk).update(
                exit_criteria=[{"text": "Standards above floor", "met": True}]
            )
            case.refresh_from_db()
        return services.case_exit(case=case, by=by, note="Done.")
    if action == CaseAction.ESCALATE:
        return services.case_escalate(case=case, by=by, reason="Refused support.")
    if action == CaseAction.CLOSE:
        return services.case_close(case=case, by=by, note="Resolved.")
    raise AssertionError(action)


PAIRS = [(state, action) for state in CaseState for action in CaseAction]


@pytest.mark.parametrize(("state", "action"), PAIRS, ids=[f"{s}-{a}" for s, a in PAIRS])
def test_every_action_from_every_state(state, action, school_a, officer):
    case = case_in_state(state, school=school_a, by=officer)
    sources, target = CASE_TRANSITIONS[action]
    events_before = CaseEvent.objects.filter(case=case).exclude(action="consultation").count()
    if state in sources:
        moved = run_action(action, case, officer)
        assert moved.state == target
        case.refresh_from_db()
        assert case.state == target
        last = CaseEvent.objects.filter(case=case, action=action).first()
        assert last.from_state == state and last.to_state == target and last.actor == officer
        assert AuditEvent.objects.filter(action=f"case.{action}", object_id=str(case.pk)).exists()
    else:
        with pytest.raises(InvalidTransition):
            run_action(action, case, officer)
        case.refresh_from_db()
        assert case.state == state
        # refused moves write no history (a refused choose_intervention may have recorded its consultation)
        assert CaseEvent.objects.filter(case=case).exclude(action="consultation").count() == events_before


def test_one_open_case_per_school(school_a, officer):
    services.case_open(school=school_a, by=officer, reasons=["Low attainment"])
    with pytest.raises(InvalidTransition):
        services.case_open(school=school_a, by=officer, reasons=["Again"])


def test_database_refuses_a_second_open_case(school_a, officer):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    services.case_open(school=school_a, by=officer, reasons=["Low attainment"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            school=school_a,
            sector="maintained",
            opened_by=officer,
            state=CaseState.MONITORING,
            state_changed_on=timezone.now(),
        )


def test_a_closed_case_allows_a_new_one(school_a, officer):
    case_in_state(CaseState.CLOSED, school=school_a, by=officer)
    assert (
        services.case_open(school=school_a, by=officer, reasons=["New concern"]).state == CaseState.IDENTIFIED
    )


def test_case_open_needs_a_reason(school_a, officer):
    with pytest.raises(ValidationFailed) as err:
        services.case_open(school=school_a, by=officer, reasons=["  "])
    assert "reasons" in err.value.extra["errors"]


def test_case_open_from_risk_screen_records_source(school_a, officer):
    case = services.case_open(
        school=school_a, by=officer, source="risk_screen", reasons=["Attainment falling"]
    )
    assert case.source == "risk_screen" and case.reasons == ["Attainment falling"]
    assert case.events.get().action == "opened"


def test_public_and_school_leader_cannot_open_cases(school_a, make_user, leader_a):
    for user in (leader_a, make_user("public")):
        with pytest.raises(PermissionDenied):
            services.case_open(school=school_a, by=user, reasons=["x"])


def test_officer_cannot_open_case_in_another_la(school_b, officer):
    from schoolsystem.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_open(school=school_b, by=officer, reasons=["x"])


@pytest.mark.parametrize(
    ("grounds", "days", "field"),
    [
        ([], 10, "grounds"),
        (["made_up"], 10, "grounds"),
        ([WarningGround.SAFETY], 0, "compliance_by"),
        ([WarningGround.SAFETY], -3, "compliance_by"),
    ],
)
def test_warning_notice_needs_grounds_and_future_compliance_date(grounds, days, field, school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_issue_warning_notice(
            case=case, by=officer, grounds=grounds, compliance_by=today() + timedelta(days=days)
        )
    assert field in err.value.extra["errors"]
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING


def test_warning_notice_records_grounds_and_dates(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    due = today() + timedelta(days=15)
    case = services.case_issue_warning_notice(
        case=case, by=officer, grounds=[WarningGround.STANDARDS, WarningGround.SAFETY], compliance_by=due
    )
    assert case.warning_grounds == ["standards", "safety"]
    assert case.compliance_by == due and case.warning_notice_issued_on == today()


def test_intervention_refused_without_consultation(school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    with pytest.raises(ValidationFailed, match="Record a consultation with the school held on or after"):
        services.case_choose_intervention(
            case=case,
            by=officer,
            option=InterventionOption.LA_SUPPORT,
            rationale="x",
            options_considered=[],
            criteria=[],
        )
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE and not Decision.objects.exists()


def test_objection_counts_as_consultation_but_refusal_escalates(school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    services.case_record_consultation(
        case=case,
        by=officer,
        proposal="Federation",
        consulted_on=today(),
        school_response="",
        outcome=ConsultationOutcome.REFUSED_TO_ENGAGE,
    )
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED
    assert "refused to engage" in case.escalation_reason
    assert case.consultations.get().outcome == ConsultationOutcome.REFUSED_TO_ENGAGE


def test_intervention_creates_draft_decision_with_consultation_outcome(school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    consult(case, officer)
    case = services.case_choose_intervention(
        case=case,
        by=officer,
        option=InterventionOption.THIRD_PARTY_SUPPORT,
        partner_name="Oak NSS",
        rationale="Strong local NLE.",
        options_considered=["LA support", "Third-party support"],
        criteria=["Capacity"],
    )
    decision = case.intervention_decision
    assert decision.status == DecisionStatus.DRAFT
    assert decision.source == case and decision.establishment == school_a
    assert decision.options_considered == ["LA support", "Third-party support"]
    assert "governors agree" in decision.consultation_outcome
    assert case.intervention_partner_name == "Oak NSS"


def test_partner_required_for_third_party_support(school_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=officer)
    consult(case, officer)
    with pytest.raises(ValidationFailed) as err:
        services.case_choose_intervention(
            case=case,
            by=officer,
            option=InterventionOption.THIRD_PARTY_SUPPORT,
            rationale="x",
            options_considered=[],
            criteria=[],
        )
    assert "partner_name" in err.value.extra["errors"]


def test_la_officer_may_not_issue_academy_order(inadequate_a, officer):
    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=officer)
    consult(case, officer)
    with pytest.raises(PermissionDenied):
        services.case_choose_intervention(
            case=case,
            by=officer,
            option=InterventionOption.SPONSORED_ACADEMY,
            rationale="x",
            options_considered=[],
            criteria=[],
        )


def test_academy_order_only_for_inadequate_schools(school_a, regional):
    case = case_in_state(CaseState.WARNING_NOTICE, school=school_a, by=regional)
    consult(case, regional)
    with pytest.raises(ValidationFailed, match="inadequate"):
        services.case_choose_intervention(
            case=case,
            by=regional,
            option=InterventionOption.SPONSORED_ACADEMY,
            rationale="x",
            options_considered=[],
            criteria=[],
        )


def test_academy_order_issued_then_sponsor_found(inadequate_a, regional, las):
    from schoolsystem.registry.models import Group

    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=regional)
    consult(case, regional)
    case = services.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="Inadequate.",
        options_considered=["Sponsored academy"],
        criteria=[],
    )
    order = AcademyOrder.objects.get(case=case)
    assert order.state == AcademyOrderState.ISSUED and order.decision.decision_type == "academy_order"
    trust = Group.objects.create(name="Oak Trust", group_type="mat")
    order = services.academy_order_record_sponsor(
        order=order, by=regional, sponsor_group=trust, rationale="Nearby, primary expertise."
    )
    assert order.state == AcademyOrderState.SPONSOR_FOUND and order.sponsor_group == trust
    assert Decision.objects.filter(decision_type="sponsor_match", establishment=inadequate_a).count() == 1
    with pytest.raises(InvalidTransition):
        services.academy_order_revoke(order=order, by=regional, reason="Improved")


def test_academy_order_revoked_with_reason(inadequate_a, regional):
    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=regional)
    consult(case, regional)
    services.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="Inadequate.",
        options_considered=[],
        criteria=[],
    )
    order = AcademyOrder.objects.get(case=case)
    with pytest.raises(ValidationFailed):
        services.academy_order_revoke(order=order, by=regional, reason=" ")
    order = services.academy_order_revoke(
        order=order, by=regional, reason="Monitoring inspection: significant, sustained improvement."
    )
    assert order.state == AcademyOrderState.REVOKED and "sustained" in order.revocation_reason
    assert Decision.objects.filter(decision_type="academy_order_revocation").exists()


def test_academy_warning_notice_is_the_regional_officers(academy_a, officer, regional):
    case = case_in_state(CaseState.MONITORING, school=academy_a, by=officer)
    assert case.sector == "academy"
    with pytest.raises(PermissionDenied, match="regional officer"):
        services.case_issue_warning_notice(
            case=case,
            by=officer,
            grounds=[WarningGround.STANDARDS],
            compliance_by=today() + timedelta(days=10),
        )
    case = services.case_issue_warning_notice(
        case=case, by=regional, grounds=[WarningGround.STANDARDS], compliance_by=today() + timedelta(days=10)
    )
    assert case.state == CaseState.WARNING_NOTICE


def test_structural_options_for_academies_are_regional_only(academy_a, regional):
    from schoolsystem.improvement.constants import options_for

    assert InterventionOption.LA_SUPPORT not in options_for("academy", "regional_officer")
    assert InterventionOption.TRUST_TRANSFER in options_for("academy", "regional_officer")
    assert options_for("academy", "la_officer") == []
    assert InterventionOption.SPONSORED_ACADEMY not in options_for("maintained", "la_officer")


def test_exit_refused_until_every_criterion_met(school_a, officer):
    case = case_in_state(CaseState.REVIEW, school=school_a, by=officer)
    with pytest.raises(ValidationFailed, match="No exit criteria are set"):
        services.case_exit(case=case, by=officer)
    case.refresh_from_db()
    case = services.case_update(
        case=case, by=officer, version=case.version, summary="s", exit_criteria=["A", "B"]
    )
    case = services.case_hold_review(
        case=case, by=officer, reviewed_on=today(), progress="Half.", criteria_met=[0]
    )
    with pytest.raises(ValidationFailed, match="1 of 2 are met"):
        services.case_exit(case=case, by=officer)
    case = services.case_hold_review(
        case=case, by=officer, reviewed_on=today(), progress="All.", criteria_met=[0, 1]
    )
    case = services.case_exit(case=case, by=officer, note="Quick exit.")
    assert case.state == CaseState.EXITED and case.closed_on == today()


def test_visit_sets_next_visit_due_from_configured_interval(school_a, officer, settings):
    settings.IMPROVEMENT_DEADLINES = {"visit_interval_days": 60}
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    case = services.case_record_visit(case=case, by=officer, visited_on=today(), notes="Met the head.")
    assert case.next_visit_due == today() + timedelta(days=60)


# ---------------------------------------------------------------------------------------------------------------
# Optimistic locking


def test_second_of_two_concurrent_edits_is_refused(school_a, officer, officer2):
    case = services.case_open(school=school_a, by=officer, reasons=["Low attainment"])
    loaded_by_first = Case.objects.get(pk=case.pk)
    loaded_by_second = Case.objects.get(pk=case.pk)
    services.case_update(
        case=loaded_by_first,
        by=officer,
        version=loaded_by_first.version,
        summary="First officer's notes",
        exit_criteria=["A"],
    )
    with pytest.raises(StaleEdit, match="Ann Officer"):
        services.case_update(
            case=loaded_by_second,
            by=officer2,
            version=loaded_by_second.version,
            summary="Second officer's notes",
            exit_criteria=[],
        )
    case.refresh_from_db()
    assert case.summary == "First officer's notes" and case.exit_criteria == [{"text": "A", "met": False}]


def test_stale_transition_is_refused(school_a, officer, officer2):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    stale_version = case.version
    services.case_record_visit(
        case=case, by=officer, visited_on=today(), notes="Visit.", version=stale_version
    )
    with pytest.raises(StaleEdit):
        services.case_escalate(case=case, by=officer2, reason="x", version=stale_version)
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING


# ---------------------------------------------------------------------------------------------------------------
# Atomicity: a failure part-way leaves nothing behind


def test_failure_mid_transition_leaves_nothing(school_a, officer):
    case = case_in_state(CaseState.MONITORING, school=school_a, by=officer)
    events = CaseEvent.objects.count()
    with (
        mock.patch("schoolsystem.improvement.services.cases.audit", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        services.case_issue_warning_notice(
            case=case,
            by=officer,
            grounds=[WarningGround.STANDARDS],
            compliance_by=today() + timedelta(days=9),
        )
    case.refresh_from_db()
    assert case.state == CaseState.MONITORING and case.warning_grounds == [] and case.compliance_by is None
    assert CaseEvent.objects.count() == events


def test_failure_choosing_intervention_leaves_no_decision_or_order(inadequate_a, regional):
    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=regional)
    consult(case, regional)
    with (
        mock.patch("schoolsystem.improvement.services.cases._event", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.case_choose_intervention(
            case=case,
            by=regional,
            option=InterventionOption.SPONSORED_ACADEMY,
            rationale="x",
            options_considered=[],
            criteria=[],
        )
    case.refresh_from_db()
    assert case.state == CaseState.WARNING_NOTICE and case.intervention == ""
    assert not Decision.objects.exists() and not AcademyOrder.objects.exists()


def test_side_effects_run_only_after_commit(school_a, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.case_open(school=school_a, by=officer, reasons=["x"])
    assert len(callbacks) == 1


def test_register_names_the_deciding_role_never_the_person_or_username(inadequate_a, regional):
    """The decision register is public: it names the role that decided (the regional officer's: the Regional
    Director for their region), never the officer's name nor their username (a sign-in detail)."""
    regional.first_name = regional.last_name = ""
    regional.save(update_fields=["first_name", "last_name"])
    case = case_in_state(CaseState.WARNING_NOTICE, school=inadequate_a, by=regional)
    consult(case, regional)
    services.case_choose_intervention(
        case=case,
        by=regional,
        option=InterventionOption.SPONSORED_ACADEMY,
        rationale="Inadequate.",
        options_considered=[],
        criteria=[],
    )
    names = set(Decision.objects.filter(establishment=inadequate_a).values_list("decided_by_name", flat=True))
    assert names == {"Regional Director, North West"}
    regional.first_name, regional.last_name = "Rita", "Reed"
    regional.save(update_fields=["first_name", "last_name"])
    order = services.academy_order_revoke(
        order=AcademyOrder.objects.get(case=case), by=regional, reason="Significant, sustained improvement."
    )
    assert (
        Decision.objects.get(decision_type="academy_order_revocation").decided_by_name
        == "Regional Director, North West"
    )
    assert order.state == AcademyOrderState.REVOKED
