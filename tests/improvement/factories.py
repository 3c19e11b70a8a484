"""Builders for tests: schools, and cases driven to each state through the real services."""

from datetime import timedelta

from django.utils import timezone

from schoolsystem.improvement import services
from schoolsystem.improvement.constants import (
    CaseState,
    ConsultationOutcome,
    InterventionOption,
    WarningGround,
)


def make_school(la, urn, **fields):
    from schoolsystem.registry.models import Establishment

    defaults = {
        "name": f"School {urn}",
        "type_name": "Community school",
        "type_group": "Local authority maintained schools",
        "status": "open",
        "state_funded": True,
        "phase": "Primary",
        "easting": 400000 + urn % 1000 * 100,
        "northing": 300000,
    }
    defaults.update(fields)
    return Establishment.objects.create(urn=urn, la=la, **defaults)


def today():
    return timezone.localdate()


def consult(case, by, outcome=ConsultationOutcome.AGREED):
    return services.case_record_consultation(
        case=case,
        by=by,
        proposal="Support from a National Support School",
        consulted_on=today(),
        school_response="The governors agree.",
        outcome=outcome,
    )


# How to reach each state from `identified`, step by step.
def _step(case, by, target):
    if target == CaseState.MONITORING:
        return services.case_start_monitoring(case=case, by=by)
    if target == CaseState.PRE_WARNING:
        return services.case_hold_early_conversation(
            case=case, by=by, held_on=today(), note="Talked to the head."
        )
    if target == CaseState.WARNING_NOTICE:
        # Issued a month ago and its compliance date passed yesterday: an intervention may follow (once consulted).
        return services.case_issue_warning_notice(
            case=case,
            by=by,
            grounds=[WarningGround.STANDARDS],
            issued_on=today() - timedelta(days=30),
            compliance_by=today() - timedelta(days=1),
        )
    if target == CaseState.INTERVENTION_CHOSEN:
        consult(case, by)
        return services.case_choose_intervention(
            case=case,
            by=by,
            option=InterventionOption.LA_SUPPORT,
            rationale="Capacity in the LA team.",
            options_considered=["LA support", "Federation"],
            criteria=["Standards over time"],
        )
    if target == CaseState.IMPLEMENTATION:
        return services.case_start_implementation(case=case, by=by)
    if target == CaseState.REVIEW:
        return services.case_hold_review(case=case, by=by, reviewed_on=today(), progress="Good progress.")
    if target == CaseState.ESCALATED:
        return services.case_escalate(case=case, by=by, reason="No improvement.")
    if target == CaseState.EXITED:
        services.case_update(
            case=case, by=by, version=case.version, summary="", exit_criteria=["KS2 above floor"]
        )
        case.refresh_from_db()
        services.case_hold_review(case=case, by=by, reviewed_on=today(), progress="Met.", criteria_met=[0])
        return services.case_exit(case=case, by=by, note="Criteria met.")
    if target == CaseState.CLOSED:
        return services.case_close(case=case, by=by, note="Concerns resolved.")
    raise AssertionError(target)


PATHS = {
    CaseState.IDENTIFIED: [],
    CaseState.MONITORING: [CaseState.MONITORING],
    CaseState.PRE_WARNING: [CaseState.MONITORING, CaseState.PRE_WARNING],
    CaseState.WARNING_NOTICE: [CaseState.MONITORING, CaseState.WARNING_NOTICE],
    CaseState.INTERVENTION_CHOSEN: [
        CaseState.MONITORING,
        CaseState.WARNING_NOTICE,
        CaseState.INTERVENTION_CHOSEN,
    ],
    CaseState.IMPLEMENTATION: [
        CaseState.MONITORING,
        CaseState.WARNING_NOTICE,
        CaseState.INTERVENTION_CHOSEN,
        CaseState.IMPLEMENTATION,
    ],
    CaseState.REVIEW: [
        CaseState.MONITORING,
        CaseState.WARNING_NOTICE,
        CaseState.INTERVENTION_CHOSEN,
        CaseState.IMPLEMENTATION,
        CaseState.REVIEW,
    ],
    CaseState.ESCALATED: [CaseState.MONITORING, CaseState.ESCALATED],
    CaseState.EXITED: [
        CaseState.MONITORING,
        CaseState.WARNING_NOTICE,
        CaseState.INTERVENTION_CHOSEN,
        CaseState.IMPLEMENTATION,
        CaseState.EXITED,
    ],
    CaseState.CLOSED: [CaseState.CLOSED],
}


# Cases are identified well before they are built up, so back-dated steps (a notice issued 30 days ago, the
# 90-day back-dating window) fall on or after the date identified.
IDENTIFIED_DAYS_AGO = 120


def case_in_state(state, *, school, by):
    case = services.case_open(
        school=school,
        by=by,
        reasons=["KS2 results below floor three years running"],
        identified_on=today() - timedelta(days=IDENTIFIED_DAYS_AGO),
    )
    for target in PATHS[state]:
        case = _step(case, by, target)
        case.refresh_from_db()
    assert case.state == state
    return case
